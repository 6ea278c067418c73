import { type ConfigIssue, GlassboxConfigError } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import { milliseconds, optionIssues } from './check-options.js';
import type {
  Found,
  OtlpCompression,
  OtlpConventions,
  OtlpExporterOptions,
  OtlpPreset,
  OtlpProtocol,
  ResolvedOtlpConfig,
} from './otlp-options.js';
import { resolvePreset } from './otlp-presets.js';
import { appendPath, checkHttpUrl, isHttpUrl, issue } from './otlp-url.js';

type Env = Record<string, string | undefined>;

const DEFAULT_ENDPOINT = 'http://localhost:4318/v1/traces';
/** Default wait of `shutdown()`/`forceFlush()` for exports in flight: short, so a dead backend never holds up an exit. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 1000;
const PRESETS: readonly OtlpPreset[] = ['jaeger', 'phoenix', 'langfuse', 'mlflow'];
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];
const CONVENTIONS: readonly OtlpConventions[] = ['glassbox', 'openinference', 'mlflow', 'langfuse'];
/** What each preset's backend reads best; without a preset, Glassbox's own keys only. */
const PRESET_CONVENTIONS: Record<OtlpPreset, OtlpConventions> = {
  jaeger: 'glassbox',
  phoenix: 'openinference',
  mlflow: 'mlflow',
  langfuse: 'langfuse',
};
const GRPC_HINT = ' (gRPC is not supported; every backend here accepts http/protobuf)';
const PRESET_ONLY: Record<string, readonly OtlpPreset[]> = {
  baseUrl: ['phoenix', 'langfuse', 'mlflow'],
  apiKey: ['phoenix'],
  projectName: ['phoenix'],
  publicKey: ['langfuse'],
  secretKey: ['langfuse'],
  experimentId: ['mlflow'],
};
// Option names of OpenTelemetry's own OTLP exporters that are spelt differently here.
const OTEL_NAMES: Record<string, string> = { timeoutMillis: 'timeoutMs' };

const TIMEOUT = milliseconds(0, false);

// `protocol: 'grpc'` gets the reason, as the env var does.
const PROTOCOL: Rule = (() => {
  const base = rules.oneOf(PROTOCOLS);
  return {
    expected: base.expected,
    check(value, path, issues) {
      const before = issues.length;
      base.check(value, path, issues);
      if (issues.length > before && value === 'grpc') issues[before]!.message += GRPC_HINT;
    },
  };
})();

const text = () => rules.string({ nonEmpty: true });
const HTTP_URL = rules.custom('an http(s) URL', (v) => typeof v === 'string' && isHttpUrl(v));

/** The options of `otlpExporter`; values from env vars, and the preset's URLs, are checked as they resolve. */
const OPTIONS = rules.object({
  preset: rules.oneOf(PRESETS),
  conventions: rules.oneOf(CONVENTIONS),
  endpoint: HTTP_URL,
  url: HTTP_URL,
  protocol: PROTOCOL,
  headers: rules.recordOf(rules.string()),
  timeoutMs: TIMEOUT,
  shutdownTimeoutMs: milliseconds(0, true),
  compression: rules.oneOf(COMPRESSIONS),
  baseUrl: text(),
  apiKey: text(),
  projectName: text(),
  publicKey: text(),
  secretKey: text(),
  experimentId: text(),
} satisfies Record<keyof OtlpExporterOptions, Rule>);

/**
 * Merges arguments, env vars and defaults (in that order) into the settings for one exporter; throws
 * `GlassboxConfigError` listing every bad value, each option named under `where` (`otlpExporter.headers`).
 * The options' shape (unknown keys, types) is checked first, and alone: the later checks trust it.
 */
export function resolveOtlpConfig(
  options: OtlpExporterOptions = {},
  env: Env = process.env,
  where = 'otlpExporter',
): ResolvedOtlpConfig {
  const shapeIssues = optionIssues(options, OPTIONS, where);
  if (shapeIssues.length > 0) throw new GlassboxConfigError(shapeIssues.map((i) => otelHint(i, where)));

  const issues: ConfigIssue[] = [];
  // The OTel spec treats an empty env var as unset.
  const fromEnv = (...names: string[]): Found | undefined => {
    for (const name of names) {
      const value = env[name]?.trim();
      if (value) return { value, envVar: name };
    }
    return undefined;
  };
  const pick = (option: keyof OtlpExporterOptions, ...envVars: string[]): Found | undefined => {
    const value = options[option];
    if (value !== undefined) return { value: String(value) };
    return fromEnv(...envVars);
  };

  const preset = options.preset;
  for (const [option, presets] of Object.entries(PRESET_ONLY)) {
    if (
      options[option as keyof OtlpExporterOptions] !== undefined &&
      !presets.includes(preset as OtlpPreset)
    ) {
      issues.push({ option, message: `only applies to preset ${presets.map((p) => `'${p}'`).join(' or ')}` });
    }
  }

  // `url` is what OpenTelemetry's exporters call `endpoint`: the same option under either name.
  if (options.url !== undefined && options.endpoint !== undefined && options.url !== options.endpoint) {
    issues.push({
      option: 'url',
      message: `is OpenTelemetry's name for \`endpoint\`, and both are given with different values ('${options.url}' and '${options.endpoint}'): pass one`,
    });
  }

  const protocol = pick('protocol', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol && !PROTOCOLS.includes(protocol.value as OtlpProtocol)) {
    const hint = protocol.value === 'grpc' ? GRPC_HINT : '';
    issues.push(
      issue('protocol', protocol, `expected 'http/protobuf' or 'http/json', got '${protocol.value}'${hint}`),
    );
  }

  // Phoenix answers 415 to OTLP/JSON: refuse it here rather than lose every export.
  if (preset === 'phoenix' && protocol?.value === 'http/json') {
    issues.push(
      issue('protocol', protocol, "Phoenix accepts only 'http/protobuf' on /v1/traces, got 'http/json'"),
    );
  }

  const compression = pick(
    'compression',
    'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
    'OTEL_EXPORTER_OTLP_COMPRESSION',
  );
  if (compression && !COMPRESSIONS.includes(compression.value as OtlpCompression)) {
    issues.push(issue('compression', compression, `expected 'gzip' or 'none', got '${compression.value}'`));
  }

  const timeout = pick('timeoutMs', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT');
  const timeoutMs = timeout ? Number(timeout.value) : 10_000;
  if (timeout && optionIssues(timeoutMs, TIMEOUT, 'timeoutMs').length > 0) {
    issues.push(issue('timeoutMs', timeout, `expected ${TIMEOUT.expected}, got '${timeout.value}'`));
  }

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;

  // Headers: preset < env (generic < traces-specific) < options; names are case-insensitive.
  const headers: Record<string, string> = {};
  const envHeaders = [
    fromEnv('OTEL_EXPORTER_OTLP_HEADERS'),
    fromEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  ].map((found) => (found ? parseHeaderList(found, issues) : {}));
  const explicitHeaders = lowerKeys(options.headers ?? {});
  const userHeaders = Object.assign({}, ...envHeaders, explicitHeaders) as Record<string, string>;

  const presetConfig = preset ? resolvePreset(preset, pick, userHeaders, issues) : undefined;
  Object.assign(headers, presetConfig?.headers, userHeaders);

  const urlOption = options.endpoint === undefined && options.url !== undefined ? 'url' : 'endpoint';
  let url: Found | undefined = pick(urlOption);
  url ??= presetConfig?.url;
  url ??= fromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (!url) {
    const base = fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (base) url = { value: appendPath(base.value, 'v1/traces'), envVar: base.envVar };
  }
  url ??= presetConfig?.defaultUrl ? { value: presetConfig.defaultUrl } : { value: DEFAULT_ENDPOINT };
  checkHttpUrl(url, urlOption, issues);

  if (issues.length > 0) {
    throw new GlassboxConfigError(issues.map((i) => ({ ...i, option: `${where}.${i.option}` })));
  }
  return {
    url: url.value,
    protocol: (protocol?.value ?? 'http/protobuf') as OtlpProtocol,
    headers,
    timeoutMs,
    shutdownTimeoutMs,
    compression: (compression?.value ?? 'none') as OtlpCompression,
    resourceAttributes: presetConfig?.resourceAttributes ?? {},
    conventions: options.conventions ?? (preset ? PRESET_CONVENTIONS[preset] : 'glassbox'),
  };
}

// An OpenTelemetry option name spelt differently here gets pointed at ours.
function otelHint(found: ConfigIssue, where: string): ConfigIssue {
  const key = found.option.slice(where.length + 1);
  const ours = OTEL_NAMES[key];
  if (ours === undefined || !found.message.startsWith('unknown option') || found.message.includes('did you'))
    return found;
  return { ...found, message: `${found.message}; did you mean \`${ours}\` (OpenTelemetry's \`${key}\`)?` };
}

/** Parses the OTel `key1=value1,key2=value2` header list (values may be percent-encoded). */
function parseHeaderList(found: Found, issues: ConfigIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of found.value.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!key) {
      issues.push(
        issue('headers', found, `expected 'name=value' pairs separated by commas, got '${entry.trim()}'`),
      );
      continue;
    }
    const raw = entry.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // Not percent-encoded after all (a literal '%'): keep it as written.
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
