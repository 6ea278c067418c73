import { logger } from '@glassbox/core/instrumentation';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  JsonTraceSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createdBy } from './check-options.js';
import { conventionAttributes } from './conventions/map-span.js';
import { resolveOtlpConfig } from './otlp-config.js';
import type { OtlpConventions, OtlpExporterOptions, OtlpProtocol } from './otlp-options.js';
import { OtlpHttpTransport, type OtlpSend } from './otlp-transport.js';

/** Requests in flight at once; past it an export fails at once, so a dead backend costs bounded memory. */
const MAX_CONCURRENT_EXPORTS = 30;

/**
 * Sends spans over OTLP/HTTP, serialized by the official OpenTelemetry serializers (protobuf or JSON),
 * with the official exporters' retry policy: 429/502/503/504 and network errors are retried with
 * exponential backoff (about 1 s, x1.5, ±20% jitter, or the server's `Retry-After`) within `timeoutMs`.
 * Failures are reported through the export callback, never thrown.
 *
 * Unlike the official exporters, `shutdown()` and `forceFlush()` are bounded by `shutdownTimeoutMs`
 * (default 1 s), whatever the backend does: shutdown stops retries at once, lets a request in flight
 * finish within the bound, then aborts it and reports it as FAILED. Backoff and deadline timers are
 * unref'd, so they never keep a process alive on their own; a request in flight does, until it ends.
 */
export class OtlpExporter implements SpanExporter {
  /** The traces endpoint spans are sent to. */
  readonly url: string;
  /** The encoding on the wire. */
  readonly protocol: OtlpProtocol;
  /** The attribute conventions of the exported spans. */
  readonly conventions: OtlpConventions;
  private readonly transport: OtlpHttpTransport;
  private readonly serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse>;
  private readonly shutdownTimeoutMs: number;
  private readonly extraResource: Resource | undefined;
  // One merged resource per original, so the serializer still groups spans by resource identity.
  private readonly mergedResources = new WeakMap<Resource, Resource>();
  private readonly inFlight = new Set<OtlpSend>();
  private stopping: Promise<void> | undefined;

  constructor(options: OtlpExporterOptions = {}) {
    const config = resolveOtlpConfig(options, process.env, 'OtlpExporter');
    this.url = config.url;
    this.protocol = config.protocol;
    this.conventions = config.conventions;
    this.shutdownTimeoutMs = config.shutdownTimeoutMs;
    const json = config.protocol === 'http/json';
    this.serializer = json ? JsonTraceSerializer : ProtobufTraceSerializer;
    this.transport = new OtlpHttpTransport({
      url: config.url,
      headers: config.headers,
      contentType: json ? 'application/json' : 'application/x-protobuf',
      compression: config.compression,
      timeoutMs: config.timeoutMs,
    });
    this.extraResource =
      Object.keys(config.resourceAttributes).length > 0
        ? resourceFromAttributes(config.resourceAttributes)
        : undefined;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopping) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OtlpExporter is shut down') });
      return;
    }
    if (spans.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    if (this.inFlight.size >= MAX_CONCURRENT_EXPORTS) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error(`Concurrent export limit reached (${MAX_CONCURRENT_EXPORTS} requests in flight)`),
      });
      return;
    }
    let body: Uint8Array | undefined;
    try {
      const mapped = this.extraResource || this.conventions !== 'glassbox';
      body = this.serializer.serializeRequest(mapped ? spans.map((s) => this.exportedView(s)) : spans);
      if (!body) throw new Error('the OTLP serializer returned nothing');
    } catch (error) {
      // A serializer bug must cost one batch, not the caller's request.
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    const send = this.transport.send(body);
    this.inFlight.add(send);
    void send.done.then((outcome) => {
      this.inFlight.delete(send);
      if (outcome.ok) this.logPartialSuccess(outcome.body);
      try {
        resultCallback(
          outcome.ok
            ? { code: ExportResultCode.SUCCESS }
            : { code: ExportResultCode.FAILED, error: outcome.error },
        );
      } catch (error) {
        logger.once('error', `OtlpExporter: the export callback threw: ${String(error)}`, 'otlp:callback');
      }
    });
  }

  /** Waits for the exports in flight, at most `shutdownTimeoutMs`; what is still in flight then carries on. */
  forceFlush(): Promise<void> {
    return settleWithin(this.pending(), this.shutdownTimeoutMs);
  }

  /**
   * Stops retries at once, gives the requests in flight what is left of `shutdownTimeoutMs`, then
   * aborts them (their callbacks get FAILED) and closes the idle sockets. Resolves within the bound.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    for (const send of this.inFlight) {
      send.stopRetrying(new Error('OtlpExporter shut down while the export waited to retry'));
    }
    await settleWithin(this.pending(), this.shutdownTimeoutMs);
    const leftover = this.pending();
    for (const send of this.inFlight) {
      send.abort(
        new Error(
          `OtlpExporter shut down with the export still in flight (shutdownTimeoutMs ${this.shutdownTimeoutMs})`,
        ),
      );
    }
    // Aborted sends settle at once; their callbacks run before this resolves.
    await leftover;
    this.transport.close();
  }

  private pending(): Promise<unknown> {
    return Promise.all(Array.from(this.inFlight, (send) => send.done));
  }

  private logPartialSuccess(body: Buffer): void {
    if (body.length === 0) return;
    try {
      const partial = this.serializer.deserializeResponse(body).partialSuccess;
      if (partial && Object.keys(partial).length > 0) {
        logger.once(
          'warn',
          `OtlpExporter: the backend accepted the export partially: ${JSON.stringify(partial)}`,
          'otlp:partial',
        );
      }
    } catch (error) {
      logger.once(
        'warn',
        `OtlpExporter: export succeeded but its response could not be read: ${String(error)}`,
        'otlp:response',
      );
    }
  }

  /**
   * The span as exported: the preset's resource attributes merged in and the backend's attribute keys
   * added. Runs in the export path only, and leaves the span itself as it was, since other exporters
   * and processors see the same object.
   */
  private exportedView(span: ReadableSpan): ReadableSpan {
    const fields: PropertyDescriptorMap = {};
    if (this.extraResource) {
      let merged = this.mergedResources.get(span.resource);
      if (!merged) {
        // The span's own resource wins: an app that already names its Phoenix project keeps it.
        merged = this.extraResource.merge(span.resource);
        this.mergedResources.set(span.resource, merged);
      }
      fields.resource = { value: merged, enumerable: true };
    }
    if (this.conventions !== 'glassbox') {
      fields.attributes = { value: conventionAttributes(span, this.conventions), enumerable: true };
    }
    // A prototype-linked view keeps the span's methods and fields without copying or mutating it.
    return Object.create(span, fields) as ReadableSpan;
  }
}

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    // Ref'd on purpose: a flush or shutdown the app awaits keeps the process up for at most `ms`.
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/** Creates an OTLP/HTTP span exporter (protobuf by default) configured from options, the standard `OTEL_EXPORTER_OTLP_*` env vars and an optional backend preset. */
export function otlpExporter(options: OtlpExporterOptions = {}): OtlpExporter {
  return createdBy('otlpExporter', 'OtlpExporter', () => new OtlpExporter(options));
}
