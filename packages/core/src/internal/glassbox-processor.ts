import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config.js';
import { ExportQueue } from './export-queue.js';
import { logger } from './logger.js';
import { state } from './state.js';
import { getTraceScope, hasTraceAttributes } from './trace-context.js';

/**
 * Glassbox's span processor: counts spans, gives every span started inside a trace scope its session,
 * user, tag and metadata attributes (other libraries' spans too), and feeds one bounded export queue per
 * exporter plus the user's own processors.
 */
export class GlassboxSpanProcessor implements SpanProcessor {
  readonly queues: ExportQueue[];
  private readonly extra: SpanProcessor[];
  private shutdownPromise: Promise<void> | undefined;

  constructor(config: ResolvedConfig) {
    const stats = state.stats;
    this.queues = config.exporters.map(
      (exporter) => new ExportQueue(exporter, { mode: config.exportMode, ...config.batch }, stats),
    );
    this.extra = config.spanProcessors;
  }

  get pending(): number {
    let n = 0;
    for (const q of this.queues) n += q.pending;
    return n;
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.shutdownPromise) return;
    // Proof that this processor is attached to the provider in use; `trace` stops doing this work itself.
    state.processorActive = true;
    state.stats.spansStarted++;
    const scope = getTraceScope(parentContext);
    if (scope !== undefined && hasTraceAttributes(scope)) span.setAttributes(scope.flat);
    for (const p of this.extra) {
      try {
        p.onStart(span, parentContext);
      } catch (error) {
        logger.once('warn', `a span processor threw in onStart: ${String(error)}`, 'proc:onStart');
      }
    }
  }

  /** Forwarded so the user's processors can still add attributes while the span is ending. */
  onEnding(span: Span): void {
    if (this.shutdownPromise) return;
    for (const p of this.extra) {
      try {
        p.onEnding?.(span);
      } catch (error) {
        logger.once('warn', `a span processor threw in onEnding: ${String(error)}`, 'proc:onEnding');
      }
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise) return;
    state.stats.spansEnded++;
    // The user's processors first, so whatever they add is there when our queues export.
    for (const p of this.extra) {
      try {
        p.onEnd(span);
      } catch (error) {
        logger.once('warn', `a span processor threw in onEnd: ${String(error)}`, 'proc:onEnd');
      }
    }
    // Only sampled spans are exported; a sampled-out span never gets this far with the SDK's samplers.
    if ((span.spanContext().traceFlags & 1) === 1) for (const q of this.queues) q.add(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all([
      ...this.queues.map((q) => q.flush()),
      ...this.extra.map((p) =>
        p.forceFlush().catch((e) => logger.once('warn', `a span processor failed to flush: ${String(e)}`)),
      ),
    ]);
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) {
      this.shutdownPromise = Promise.all([
        ...this.queues.map((q) => q.shutdown()),
        ...this.extra.map((p) =>
          p
            .shutdown()
            .catch((e) => logger.once('warn', `a span processor failed to shut down: ${String(e)}`)),
        ),
      ]).then(() => undefined);
    }
    return this.shutdownPromise;
  }
}
