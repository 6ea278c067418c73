import { type ConfigIssue, GlassboxConfigError } from './errors.js';
import type { ResolvedConfig } from './init-options.js';
import { CONFIG_TABLE, type Env, type OptionPath, type OptionRow, SKIP } from './internal/config-table.js';
import { checkOptions, type Rule, rules, type Shape } from './option-check.js';

export type { BatchOptions, InitOptions, ResolvedConfig } from './init-options.js';
export { parseBoolEnv, parseResourceAttributes } from './internal/config-table.js';

// The env var names and defaults in these comments are checked against the table
// (internal/config-table.ts) by config-docs.test.ts, which also keeps docs/configuration.md in step.

interface Plan {
  path: OptionPath;
  /** `batch` for `batch.maxQueueSize`, else undefined. */
  group: string | undefined;
  key: string;
  row: OptionRow<unknown>;
  /** The env var names as error messages give them: `OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG`. */
  envLabel: string | undefined;
}

// Built once from the table: the resolution plan, the argument shape and the env label of each option.
const PLANS: readonly Plan[] = Object.entries(CONFIG_TABLE).map(([path, row]) => {
  const dot = path.indexOf('.');
  const r = row as OptionRow<unknown>;
  return {
    path: path as OptionPath,
    group: dot < 0 ? undefined : path.slice(0, dot),
    key: dot < 0 ? path : path.slice(dot + 1),
    row: r,
    envLabel: r.env.length > 0 ? r.env.map((e) => e.name).join(' / ') : undefined,
  };
});

const SHAPE: Shape = (() => {
  const top: Record<string, Rule> = {};
  const groups: Record<string, Record<string, Rule>> = {};
  for (const plan of PLANS) {
    if (plan.group === undefined) top[plan.path] = plan.row.rule;
    else {
      const group = (groups[plan.group] ??= {});
      group[plan.key] = plan.row.rule;
      top[plan.group] = rules.object(group); // rebuilt as keys are added; the last one has them all
    }
  }
  return top;
})();

const ENV_LABELS: ReadonlyMap<string, string> = new Map(
  PLANS.filter((p) => p.envLabel !== undefined).map((p) => [p.path, p.envLabel!]),
);

/** The env var(s) behind each option, for error messages and docs (derived from the config table). */
export const ENV_VARS: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(ENV_LABELS));

/**
 * Validates `init` options and resolves each from argument, env var, default. Throws one
 * `GlassboxConfigError` listing every problem; a value it had to adjust is kept and said in `warnings`.
 */
export function resolveConfig(options: unknown = {}, env: Env = processEnv()): ResolvedConfig {
  const given = options ?? {};
  const issues = checkOptions(given, SHAPE);
  for (const issue of issues) issue.envVar ??= ENV_LABELS.get(issue.option);
  const args = isRecord(given) ? given : {};

  const config: Record<string, any> = {};
  const sources: Partial<Record<OptionPath, string>> = {};
  for (const plan of PLANS) {
    const group = plan.group === undefined ? args : args[plan.group];
    const argument = isRecord(group) ? group[plan.key] : undefined;
    let value: unknown;
    if (argument !== undefined && plan.row.merge === undefined) {
      value = argument;
      sources[plan.path] = 'the argument';
    } else {
      const found = readEnv(plan, env, issues);
      value = found === undefined ? plan.row.default : found.value;
      sources[plan.path] = found === undefined ? 'the default' : found.name;
      if (argument !== undefined) value = plan.row.merge!(argument, value);
    }
    (plan.group === undefined ? config : (config[plan.group] ??= {}))[plan.key] = fresh(value);
  }
  if (issues.length > 0) throw new GlassboxConfigError(issues);

  const resolved = config as ResolvedConfig;
  resolved.warnings = [];
  const batch = resolved.batch;
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    resolved.warnings.push(
      `batch.maxExportBatchSize (${batch.maxExportBatchSize}, from ${sources['batch.maxExportBatchSize']}) is larger than ` +
        `batch.maxQueueSize (${batch.maxQueueSize}, from ${sources['batch.maxQueueSize']}); using ${batch.maxQueueSize}`,
    );
    batch.maxExportBatchSize = batch.maxQueueSize;
  }
  return resolved;
}

/**
 * Whether content capture is on according to the env vars alone (`GLASSBOX_CAPTURE_CONTENT`, then
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, then on): what traced functions use before `init`
 * runs. Never throws; a value that is not a boolean is skipped (init reports it).
 */
export function captureContentFromEnv(env: Env = processEnv()): boolean {
  const found = readEnv(CAPTURE_PLAN, env, undefined);
  return found === undefined ? CAPTURE_PLAN.row.default === true : found.value === true;
}

const CAPTURE_PLAN = PLANS.find((p) => p.path === 'captureContent')!;

// The first env var of the option that is set and says something; a value that does not parse is an issue
// (or, without `issues`, skipped).
function readEnv(
  plan: Plan,
  env: Env,
  issues: ConfigIssue[] | undefined,
): { value: unknown; name: string } | undefined {
  for (const source of plan.row.env) {
    const raw = env[source.name];
    if (raw === undefined) continue;
    const text = raw.trim();
    if (text === '') continue;
    const value = source.parse(text, env);
    if (value === SKIP) continue;
    if (value !== undefined) return { value, name: source.name };
    issues?.push({
      option: plan.path,
      envVar: source.name,
      message: `${source.name}=${JSON.stringify(raw)} is not ${source.expected}`,
    });
  }
  return undefined;
}

function processEnv(): Env {
  return typeof process !== 'undefined' ? process.env : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A copy of an array or plain object, so a resolved config shares no container with the caller or the table.
function fresh(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) return { ...value };
  return value;
}
