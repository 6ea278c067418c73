import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RedactOptions } from './capture/redact.js';
import type { BudgetOptions, PriceTable } from './cost/price-table.js';
import type { LogLevel } from './logger.js';

/** Options of `init` (and of `createSpanProcessor`); each can also come from the env var named beside it. */
export interface InitOptions {
  /** `OTEL_SERVICE_NAME`: the `service.name` resource attribute. */
  serviceName?: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,key=value`); the argument's keys win over the env var's. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Where spans go; each is put behind its own bounded batch processor. */
  exporters?: SpanExporter[];
  /** Extra OpenTelemetry span processors, added as they are. */
  spanProcessors?: SpanProcessor[];
  /** `GLASSBOX_EXPORT_MODE`: `batch` (default) or `immediate` (one export per span end, for tests and serverless). */
  exportMode?: 'batch' | 'immediate';
  /** `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`: fraction of traces kept, whole traces only (default 1). */
  sampleRatio?: number;
  /** `GLASSBOX_CAPTURE_CONTENT`, `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: record inputs, outputs and messages (default true). */
  captureContent?: boolean;
  /** Redaction rules added to the defaults, or `false` to turn redaction off. */
  redact?: RedactOptions | false;
  /** `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`: characters per captured value (default 16384). */
  maxValueLength?: number;
  /** `GLASSBOX_LOG_LEVEL`: how much Glassbox reports about its own telemetry problems (default warn). */
  logLevel?: LogLevel;
  /** The batch processor put in front of each exporter. */
  batch?: BatchOptions;
  /** `GLASSBOX_SHUTDOWN_TIMEOUT_MS`: how long `shutdown()` and the flush at exit or on a signal wait for exporters (default 5000). */
  shutdownTimeoutMs?: number;
  /** `GLASSBOX_ENABLED` (and `OTEL_SDK_DISABLED=true`): `false` makes every traced call a plain call. */
  enabled?: boolean;
  /** Model prices (USD per million tokens) used before the bundled table, or `false` for no cost attributes. */
  prices?: PriceTable | false;
  /** Per-trace cost limits. */
  budget?: BudgetOptions;
}

/** Bounds of the batch processor in front of each exporter. */
export interface BatchOptions {
  /** `OTEL_BSP_MAX_QUEUE_SIZE`: spans past this are dropped and counted (default 2048). */
  maxQueueSize?: number;
  /** `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`: lowered to `maxQueueSize` when larger (default 512). */
  maxExportBatchSize?: number;
  /** `OTEL_BSP_SCHEDULE_DELAY`: how long a partial batch waits (default 1000). */
  scheduledDelayMs?: number;
  /** `OTEL_BSP_EXPORT_TIMEOUT`: when an unanswered export counts as failed (default 30000). */
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
  shutdownTimeoutMs: number;
  enabled: boolean;
  prices: PriceTable | false;
  budget: { perTraceUsd: number | undefined };
  /** Problems that did not stop resolution (a value adjusted); `init` reports them through its logger. */
  warnings: string[];
}
