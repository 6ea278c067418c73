// The option and settings types of `otlpExporter`, in a module of their own so that the config
// resolver, the presets and the URL helpers can all use them without importing one another.

/** The OTLP/HTTP encodings Glassbox can send. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';
/** Request body compression. */
export type OtlpCompression = 'gzip' | 'none';
/** Backends whose endpoint and headers `otlpExporter` can fill in. */
export type OtlpPreset = 'jaeger' | 'phoenix' | 'langfuse' | 'mlflow';
/**
 * Which attribute conventions exported spans carry: Glassbox's own keys and `gen_ai.*` only, or those
 * plus the keys a backend reads (OpenInference for Phoenix; MLflow's, or Langfuse's, plus OpenInference).
 */
export type OtlpConventions = 'glassbox' | 'openinference' | 'mlflow' | 'langfuse';

/** Options for `otlpExporter`; each falls back to its env var, then to a default. Unknown keys are refused. */
export interface OtlpExporterOptions {
  /** Fills endpoint and headers for a backend; explicit options still win. */
  preset?: OtlpPreset;
  /**
   * Adds a backend's attribute keys to each exported copy of a span (the spans themselves are not
   * changed). Default: the preset's (`phoenix` → `openinference`, `mlflow` → `mlflow`, `langfuse` →
   * `langfuse`), else `glassbox` (no extra keys).
   */
  conventions?: OtlpConventions;
  /** Full traces URL, used as-is (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  endpoint?: string;
  /** The same as `endpoint`, under the name OpenTelemetry's `OTLPTraceExporter` gives it; pass one of the two. */
  url?: string;
  /** Default `http/protobuf`, which every OTLP backend accepts (`OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`). */
  protocol?: OtlpProtocol;
  /** Extra request headers; they override env and preset headers (`OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`). */
  headers?: Record<string, string>;
  /** Time budget of one export including retries, default 10000 (`OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT`). */
  timeoutMs?: number;
  /**
   * How long `shutdown()` and `forceFlush()` wait for exports in flight, default 1000. At shutdown,
   * what is still in flight after that is aborted and reported as failed; retries stop at once.
   */
  shutdownTimeoutMs?: number;
  /** Default `none` (`OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`). */
  compression?: OtlpCompression;
  /** phoenix and langfuse: server base URL (`PHOENIX_COLLECTOR_ENDPOINT`, `LANGFUSE_BASE_URL`/`LANGFUSE_HOST`); mlflow: tracking URI (`MLFLOW_TRACKING_URI`). */
  baseUrl?: string;
  /** phoenix: API key, sent as a Bearer token (`PHOENIX_API_KEY`). */
  apiKey?: string;
  /** phoenix: project to file the traces under (`PHOENIX_PROJECT_NAME`). */
  projectName?: string;
  /** langfuse: public key (`LANGFUSE_PUBLIC_KEY`). */
  publicKey?: string;
  /** langfuse: secret key (`LANGFUSE_SECRET_KEY`). */
  secretKey?: string;
  /** mlflow: experiment that receives the traces (`MLFLOW_EXPERIMENT_ID`). */
  experimentId?: string;
}

/** The settings an `OtlpExporter` runs with, after arguments, env vars and defaults are merged. */
export interface ResolvedOtlpConfig {
  url: string;
  protocol: OtlpProtocol;
  /** Lower-case header names. */
  headers: Record<string, string>;
  timeoutMs: number;
  shutdownTimeoutMs: number;
  compression: OtlpCompression;
  /** Added to each span's resource unless the resource already sets them. */
  resourceAttributes: Record<string, string>;
  /** The attribute conventions of the exported spans. */
  conventions: OtlpConventions;
}

/** Where a setting came from: the option itself, or the env var that supplied it. */
export interface Found {
  value: string;
  envVar?: string;
}

/** Reads an option, else the first of its env vars that is set. */
export type PickSetting = (option: keyof OtlpExporterOptions, ...envVars: string[]) => Found | undefined;
