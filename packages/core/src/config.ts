import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import type { RedactOptions } from './capture/redact.js';
import { type ConfigIssue, GlassboxConfigError } from './errors.js';
import type { LogLevel } from './internal/logger.js';

/** Options of `init` (and of `createSpanProcessor`); each can also come from the env var named beside it. */
export interface InitOptions {
  /** `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,key=value`). */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Where spans go; each is put behind its own bounded batch processor. */
  exporters?: SpanExporter[];
  /** Extra OpenTelemetry span processors, added as they are. */
  spanProcessors?: SpanProcessor[];
  /** `GLASSBOX_EXPORT_MODE`: `batch` (default) or `immediate` (one export per span end, for tests and serverless). */
  exportMode?: 'batch' | 'immediate';
  /** `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`: fraction of traces kept, whole traces only. */
  sampleRatio?: number;
  /** `GLASSBOX_CAPTURE_CONTENT`, `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: record inputs, outputs and messages. */
  captureContent?: boolean;
  /** Redaction rules added to the defaults, or `false` to turn redaction off. */
  redact?: RedactOptions | false;
  /** `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`: characters per captured value (default 16384). */
  maxValueLength?: number;
  /** `GLASSBOX_LOG_LEVEL`: how much Glassbox reports about its own telemetry problems (default `warn`). */
  logLevel?: LogLevel;
  /** `OTEL_BSP_*`: the batch processor put in front of each exporter. */
  batch?: BatchOptions;
  /** `GLASSBOX_ENABLED` (and `OTEL_SDK_DISABLED=true`): `false` makes every traced call a plain call. */
  enabled?: boolean;
}

/** Bounds of the batch processor in front of each exporter. */
export interface BatchOptions {
  /** `OTEL_BSP_MAX_QUEUE_SIZE` (default 2048): spans past this are dropped and counted. */
  maxQueueSize?: number;
  /** `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (default 512). */
  maxExportBatchSize?: number;
  /** `OTEL_BSP_SCHEDULE_DELAY` (default 1000). */
  scheduledDelayMs?: number;
  /** `OTEL_BSP_EXPORT_TIMEOUT` (default 30000). */
  exportTimeoutMs?: number;
}

/** `InitOptions` after resolution: argument, then env var, then default. */
export interface ResolvedConfig {
  serviceName: string | undefined;
  resourceAttributes: Record<string, string | number | boolean>;
  exporters: SpanExporter[];
  spanProcessors: SpanProcessor[];
  exportMode: 'batch' | 'immediate';
  sampleRatio: number;
  captureContent: boolean;
  redact: RedactOptions | false;
  maxValueLength: number;
  logLevel: LogLevel;
  batch: Required<BatchOptions>;
  enabled: boolean;
}

/** The env var behind each option, for error messages and docs. */
export const ENV_VARS: Record<string, string> = {
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  exportMode: 'GLASSBOX_EXPORT_MODE',
  sampleRatio: 'OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG',
  captureContent: 'GLASSBOX_CAPTURE_CONTENT / OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
  maxValueLength: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  logLevel: 'GLASSBOX_LOG_LEVEL',
  'batch.maxQueueSize': 'OTEL_BSP_MAX_QUEUE_SIZE',
  'batch.maxExportBatchSize': 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'batch.scheduledDelayMs': 'OTEL_BSP_SCHEDULE_DELAY',
  'batch.exportTimeoutMs': 'OTEL_BSP_EXPORT_TIMEOUT',
  enabled: 'GLASSBOX_ENABLED / OTEL_SDK_DISABLED',
};

const exporterSchema = z.custom<SpanExporter>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as any).export === 'function' &&
    typeof (v as any).shutdown === 'function',
  { message: 'expected a SpanExporter (an object with export() and shutdown())' },
);
const processorSchema = z.custom<SpanProcessor>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['onStart', 'onEnd', 'shutdown', 'forceFlush'].every((m) => typeof (v as any)[m] === 'function'),
  { message: 'expected a SpanProcessor (onStart, onEnd, forceFlush, shutdown)' },
);
const positiveInt = z.number().int().positive();

const schema = z.strictObject({
  serviceName: z.string().min(1).optional(),
  resourceAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  exporters: z.array(exporterSchema).optional(),
  spanProcessors: z.array(processorSchema).optional(),
  exportMode: z.enum(['batch', 'immediate']).optional(),
  sampleRatio: z.number().min(0).max(1).optional(),
  captureContent: z.boolean().optional(),
  redact: z
    .union([
      z.literal(false),
      z.strictObject({
        keys: z.array(z.union([z.string(), z.instanceof(RegExp)])).optional(),
        patterns: z.array(z.instanceof(RegExp)).optional(),
        replace: z
          .custom<(path: string, value: unknown) => unknown>((v) => typeof v === 'function', {
            message: 'expected a function',
          })
          .optional(),
      }),
    ])
    .optional(),
  maxValueLength: z.number().int().min(64).optional(),
  logLevel: z.enum(['none', 'error', 'warn', 'info', 'debug']).optional(),
  batch: z
    .strictObject({
      maxQueueSize: positiveInt.optional(),
      maxExportBatchSize: positiveInt.optional(),
      scheduledDelayMs: z.number().int().min(0).optional(),
      exportTimeoutMs: positiveInt.optional(),
    })
    .optional(),
  enabled: z.boolean().optional(),
});

type Env = Record<string, string | undefined>;

/** Validates `init` options and resolves each from argument, env var, default; throws `GlassboxConfigError`. */
export function resolveConfig(options: unknown = {}, env: Env = process.env): ResolvedConfig {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues: ConfigIssue[] = flattenUnions(parsed.error.issues).map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
      const path =
        [...issue.path.map(String), ...(keys.length ? [keys.join(', ')] : [])].join('.') || 'options';
      return {
        option: path,
        envVar: ENV_VARS[path],
        message: keys.length ? 'unknown option' : issue.message,
      };
    });
    throw new GlassboxConfigError(issues);
  }
  const o = parsed.data;
  const issues: ConfigIssue[] = [];
  const fromEnv = <T>(
    option: string,
    name: string,
    parse: (raw: string) => T | undefined,
    expected: string,
  ): T | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = parse(raw.trim());
    if (value === undefined)
      issues.push({ option, envVar: name, message: `${name}=${JSON.stringify(raw)} is not ${expected}` });
    return value;
  };

  const batchEnv = (key: keyof BatchOptions, name: string, min: number) =>
    fromEnv(`batch.${key}`, name, (r) => intAtLeast(r, min), `an integer >= ${min}`);

  const config: ResolvedConfig = {
    serviceName: o.serviceName ?? (env.OTEL_SERVICE_NAME?.trim() || undefined),
    resourceAttributes: {
      ...(fromEnv(
        'resourceAttributes',
        'OTEL_RESOURCE_ATTRIBUTES',
        parseResourceAttributes,
        'a list of key=value pairs',
      ) ?? {}),
      ...(o.resourceAttributes ?? {}),
    },
    exporters: o.exporters ?? [],
    spanProcessors: o.spanProcessors ?? [],
    exportMode:
      o.exportMode ??
      fromEnv(
        'exportMode',
        'GLASSBOX_EXPORT_MODE',
        (r) => (r === 'batch' || r === 'immediate' ? r : undefined),
        "'batch' or 'immediate'",
      ) ??
      'batch',
    sampleRatio: o.sampleRatio ?? samplerFromEnv(env, issues) ?? 1,
    captureContent:
      o.captureContent ??
      fromEnv('captureContent', 'GLASSBOX_CAPTURE_CONTENT', parseBool, 'true or false') ??
      fromEnv(
        'captureContent',
        'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
        parseBool,
        'true or false',
      ) ??
      true,
    redact: o.redact ?? {},
    maxValueLength:
      o.maxValueLength ??
      fromEnv(
        'maxValueLength',
        'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
        (r) => intAtLeast(r, 64),
        'an integer >= 64',
      ) ??
      16384,
    logLevel:
      o.logLevel ??
      fromEnv(
        'logLevel',
        'GLASSBOX_LOG_LEVEL',
        (r) =>
          ['none', 'error', 'warn', 'info', 'debug'].includes(r.toLowerCase())
            ? (r.toLowerCase() as LogLevel)
            : undefined,
        'one of none, error, warn, info, debug',
      ) ??
      'warn',
    batch: {
      maxQueueSize: o.batch?.maxQueueSize ?? batchEnv('maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE', 1) ?? 2048,
      maxExportBatchSize:
        o.batch?.maxExportBatchSize ??
        batchEnv('maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 1) ??
        512,
      scheduledDelayMs:
        o.batch?.scheduledDelayMs ?? batchEnv('scheduledDelayMs', 'OTEL_BSP_SCHEDULE_DELAY', 0) ?? 1000,
      exportTimeoutMs:
        o.batch?.exportTimeoutMs ?? batchEnv('exportTimeoutMs', 'OTEL_BSP_EXPORT_TIMEOUT', 1) ?? 30000,
    },
    enabled: o.enabled ?? enabledFromEnv(env, issues),
  };
  if (config.batch.maxExportBatchSize > config.batch.maxQueueSize) {
    config.batch.maxExportBatchSize = config.batch.maxQueueSize;
  }
  if (issues.length > 0) throw new GlassboxConfigError(issues);
  return config;
}

// A union (`redact: false | {...}`) reports one issue per branch; keep the branch that got furthest, so
// the message names the nested option (`redact.keys.0`) rather than just `redact`.
function flattenUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (
      issue.code === 'invalid_union' &&
      Array.isArray((issue as any).errors) &&
      (issue as any).errors.length > 0
    ) {
      const branches = (issue as any).errors as z.core.$ZodIssue[][];
      const deepest = branches.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      out.push(...flattenUnions(deepest.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))));
    } else out.push(issue);
  }
  return out;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function parseBool(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
  return undefined;
}

function intAtLeast(raw: string, min: number): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

function enabledFromEnv(env: Env, issues: ConfigIssue[]): boolean {
  const raw = env.GLASSBOX_ENABLED?.trim();
  if (raw) {
    const v = parseBool(raw);
    if (v === undefined)
      issues.push({
        option: 'enabled',
        envVar: 'GLASSBOX_ENABLED',
        message: `GLASSBOX_ENABLED=${JSON.stringify(raw)} is not true or false`,
      });
    else return v;
  }
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

// The standard sampler variables map onto one ratio; we always sample parent-based so that a trace is
// kept or dropped whole.
function samplerFromEnv(env: Env, issues: ConfigIssue[]): number | undefined {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (!sampler) return undefined;
  const option = 'sampleRatio';
  switch (sampler) {
    case 'always_on':
    case 'parentbased_always_on':
      return 1;
    case 'always_off':
    case 'parentbased_always_off':
      return 0;
    case 'traceidratio':
    case 'parentbased_traceidratio': {
      const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
      if (!arg) return 1;
      const n = Number(arg);
      if (!Number.isFinite(n) || n < 0 || n > 1) {
        issues.push({
          option,
          envVar: 'OTEL_TRACES_SAMPLER_ARG',
          message: `OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(arg)} is not a number in [0, 1]`,
        });
        return undefined;
      }
      return n;
    }
    default:
      issues.push({
        option,
        envVar: 'OTEL_TRACES_SAMPLER',
        message: `OTEL_TRACES_SAMPLER=${JSON.stringify(sampler)} is not supported (use always_on, always_off, traceidratio or their parentbased_ forms)`,
      });
      return undefined;
  }
}

/** Parses `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, values percent-encoded). */
export function parseResourceAttributes(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return out;
}
