import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonOtlpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoOtlpTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type OtlpExporterOptions, type OtlpProtocol, resolveOtlpConfig } from './otlp-config.js';

/**
 * Sends spans over OTLP/HTTP through the official OpenTelemetry exporter, which retries 429/502/503/504
 * and network errors with exponential backoff (about 1 s, x1.5, ±20% jitter, or the server's
 * `Retry-After`) until `timeoutMs` runs out, and caps concurrent requests so a dead backend costs
 * bounded memory. Failures are reported through the export callback, never thrown.
 */
export class OtlpExporter implements SpanExporter {
  /** The traces endpoint spans are sent to. */
  readonly url: string;
  /** The encoding on the wire. */
  readonly protocol: OtlpProtocol;
  private readonly inner: SpanExporter;
  private readonly extraResource: Resource | undefined;
  // One merged resource per original, so the serializer still groups spans by resource identity.
  private readonly mergedResources = new WeakMap<Resource, Resource>();
  private stopped = false;

  constructor(options: OtlpExporterOptions = {}) {
    const config = resolveOtlpConfig(options);
    this.url = config.url;
    this.protocol = config.protocol;
    // Every setting is passed explicitly so the official exporter's own env fallback never disagrees with ours.
    const exporterConfig = {
      url: config.url,
      headers: config.headers,
      timeoutMillis: config.timeoutMs,
      compression: config.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    };
    this.inner =
      config.protocol === 'http/json'
        ? new JsonOtlpTraceExporter(exporterConfig)
        : new ProtoOtlpTraceExporter(exporterConfig);
    this.extraResource =
      Object.keys(config.resourceAttributes).length > 0
        ? resourceFromAttributes(config.resourceAttributes)
        : undefined;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OtlpExporter is shut down') });
      return;
    }
    try {
      this.inner.export(this.extraResource ? spans.map((s) => this.withResource(s)) : spans, resultCallback);
    } catch (error) {
      // A serializer bug must cost one batch, not the caller's request.
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return this.inner.shutdown();
  }

  private withResource(span: ReadableSpan): ReadableSpan {
    let merged = this.mergedResources.get(span.resource);
    if (!merged) {
      // The span's own resource wins: an app that already names its Phoenix project keeps it.
      merged = this.extraResource!.merge(span.resource);
      this.mergedResources.set(span.resource, merged);
    }
    // A prototype-linked view keeps the span's methods and fields without copying or mutating it.
    return Object.create(span, { resource: { value: merged, enumerable: true } }) as ReadableSpan;
  }
}

/** Creates an OTLP/HTTP span exporter (protobuf by default) configured from options, the standard `OTEL_EXPORTER_OTLP_*` env vars and an optional backend preset. */
export function otlpExporter(options: OtlpExporterOptions = {}): OtlpExporter {
  return new OtlpExporter(options);
}
