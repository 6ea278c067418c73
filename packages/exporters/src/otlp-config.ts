import { type ConfigIssue, GlassboxConfigError } from '@glassbox/core';
import type {
  Found,
  OtlpCompression,
  OtlpExporterOptions,
  OtlpPreset,
  OtlpProtocol,
  ResolvedOtlpConfig,
} from './otlp-options.js';
import { resolvePreset } from './otlp-presets.js';
import { appendPath, checkHttpUrl, issue } from './otlp-url.js';

type Env = Record<string, string | undefined>;

const DEFAULT_ENDPOINT = 'http://localhost:4318/v1/traces';
/** Default wait of `shutdown()`/`forceFlush()` for exports in flight: short, so a dead backend never holds up an exit. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 1000;
const PRESETS: readonly OtlpPreset[] = ['jaeger', 'phoenix', 'langfuse', 'mlflow'];
const PRESET_ONLY: Record<string, readonly OtlpPreset[]> = {
  baseUrl: ['phoenix', 'langfuse', 'mlflow'],
  apiKey: ['phoenix'],
  projectName: ['phoenix'],
  publicKey: ['langfuse'],
  secretKey: ['langfuse'],
  experimentId: ['mlflow'],
};

/** Merges arguments, env vars and defaults (in that order) into the settings for one exporter; throws `GlassboxConfigError` listing every bad value. */
export function resolveOtlpConfig(
  options: OtlpExporterOptions = {},
  env: Env = process.env,
): ResolvedOtlpConfig {
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
    if (value !== undefined && value !== null && value !== '') return { value: String(value) };
    return fromEnv(...envVars);
  };

  const preset = options.preset;
  if (preset !== undefined && !PRESETS.includes(preset)) {
    issues.push({
      option: 'preset',
      message: `expected one of ${PRESETS.join(', ')}, got ${JSON.stringify(preset)}`,
    });
  }
  for (const [option, presets] of Object.entries(PRESET_ONLY)) {
    if (
      options[option as keyof OtlpExporterOptions] !== undefined &&
      !presets.includes(preset as OtlpPreset)
    ) {
      issues.push({ option, message: `only applies to preset ${presets.map((p) => `'${p}'`).join(' or ')}` });
    }
  }

  const protocol = pick('protocol', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol && protocol.value !== 'http/protobuf' && protocol.value !== 'http/json') {
    const hint =
      protocol.value === 'grpc' ? ' (gRPC is not supported; every backend here accepts http/protobuf)' : '';
    issues.push(
      issue('protocol', protocol, `expected 'http/protobuf' or 'http/json', got '${protocol.value}'${hint}`),
    );
  }

  const compression = pick(
    'compression',
    'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
    'OTEL_EXPORTER_OTLP_COMPRESSION',
  );
  if (compression && compression.value !== 'gzip' && compression.value !== 'none') {
    issues.push(issue('compression', compression, `expected 'gzip' or 'none', got '${compression.value}'`));
  }

  const timeout = pick('timeoutMs', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT');
  const timeoutMs = timeout ? Number(timeout.value) : 10_000;
  if (timeout && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    issues.push(issue('timeoutMs', timeout, `expected a number of milliseconds > 0, got '${timeout.value}'`));
  }

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (
    typeof shutdownTimeoutMs !== 'number' ||
    !(Number.isFinite(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)
  ) {
    issues.push({
      option: 'shutdownTimeoutMs',
      message: `expected a number of milliseconds >= 0, got ${JSON.stringify(shutdownTimeoutMs)}`,
    });
  }

  // Headers: preset < env (generic < traces-specific) < options; names are case-insensitive.
  const headers: Record<string, string> = {};
  const envHeaders = [
    fromEnv('OTEL_EXPORTER_OTLP_HEADERS'),
    fromEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  ].map((found) => (found ? parseHeaderList(found, issues) : {}));
  const explicitHeaders = lowerKeys(options.headers ?? {}, issues);
  const userHeaders = Object.assign({}, ...envHeaders, explicitHeaders) as Record<string, string>;

  const presetConfig = preset ? resolvePreset(preset, pick, userHeaders, issues) : undefined;
  Object.assign(headers, presetConfig?.headers, userHeaders);

  let url: Found | undefined = pick('endpoint');
  url ??= presetConfig?.url;
  url ??= fromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (!url) {
    const base = fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (base) url = { value: appendPath(base.value, 'v1/traces'), envVar: base.envVar };
  }
  url ??= presetConfig?.defaultUrl ? { value: presetConfig.defaultUrl } : { value: DEFAULT_ENDPOINT };
  checkHttpUrl(url, 'endpoint', issues);

  if (issues.length > 0) throw new GlassboxConfigError(issues);
  return {
    url: url.value,
    protocol: (protocol?.value ?? 'http/protobuf') as OtlpProtocol,
    headers,
    timeoutMs,
    shutdownTimeoutMs,
    compression: (compression?.value ?? 'none') as OtlpCompression,
    resourceAttributes: presetConfig?.resourceAttributes ?? {},
  };
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

function lowerKeys(headers: Record<string, string>, issues: ConfigIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      issues.push({ option: 'headers', message: `header '${key}' must be a string, got ${typeof value}` });
      continue;
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}
