import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TraceCost } from '../cost/trace-cost.js';
import { untilDeadline } from './deadline.js';
import { ExportQueue, type ExportQueueOptions } from './export-queue.js';
import { exportView } from './export-view.js';
import { slot } from './global-slot.js';
import { keepSpanShape } from './keep-shape.js';
import type { Runtime } from './runtime.js';
import { applyTraceAttributes } from './trace-context.js';
import { TRACER_NAME } from './tracer.js';

/** What a Glassbox span processor is built from. */
export interface ProcessorConfig {
  exporters: readonly SpanExporter[];
  spanProcessors: readonly SpanProcessor[];
  queue: ExportQueueOptions;
}

/**
 * Glassbox's span processor: counts spans, gives every span started inside a trace scope its session,
 * user, tag and metadata attributes (other libraries' spans too), hands its runtime to the code that
 * started a span of ours (see GlobalSlot.startingSpan), prices LLM spans and sums each trace's cost on its
 * root (see TraceCost), and feeds one bounded export queue per exporter plus the user's own processors.
 * It reads no global configuration: its runtime is its own.
 */
export class GlassboxSpanProcessor implements SpanProcessor {
  readonly #runtime: Runtime;
  readonly #queues: ExportQueue[];
  readonly #extra: readonly SpanProcessor[];
  #shutdownPromise: Promise<void> | undefined;
  /** After a re-init: spans still open end here, and are passed on to the new installation's processor. */
  #successor: GlassboxSpanProcessor | undefined;
  /** Spans of ours whose content was captured under another runtime's rules: redacted again on export. */
  readonly #recaptured = new WeakSet<object>();
  /** Prices LLM spans and totals traces; undefined when cost is turned off. */
  readonly #cost: TraceCost | undefined;

  constructor(config: ProcessorConfig, runtime: Runtime) {
    this.#runtime = runtime;
    this.#cost =
      runtime.cost === undefined
        ? undefined
        : new TraceCost(runtime.cost, runtime.logger, (view, root) => {
            if (this.#recaptured.has(root)) this.#recaptured.add(view);
            this.#enqueue(view);
          });
    const prepare = (span: ReadableSpan) =>
      span.instrumentationScope?.name === TRACER_NAME && !this.#recaptured.has(span)
        ? span
        : exportView(span, runtime);
    this.#queues = config.exporters.map(
      (exporter) => new ExportQueue(exporter, config.queue, runtime, prepare),
    );
    this.#extra = config.spanProcessors;
  }

  /** This processor's runtime (its counters, logger and rules). */
  get runtime(): Runtime {
    return this.#runtime;
  }

  /** Spans waiting or being exported. */
  get pending(): number {
    let n = this.#cost?.held ?? 0;
    for (const q of this.#queues) n += q.pending;
    return n;
  }

  /** The exporters and processors this processor feeds. */
  get outputs(): readonly object[] {
    return [...this.#queues.map((q) => q.exporter), ...this.#extra];
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.#shutdownPromise) {
      // Retired by a re-init, yet reached through a tracer cached before it: the span will be passed on.
      if (this.#successor !== undefined) applyTraceAttributes(span, parentContext);
      return;
    }
    this.#runtime.stats.spansStarted++;
    if (slot.startingSpan !== span) {
      // The first Glassbox processor to see a span captures for it and owns its trace attributes.
      slot.startingSpan = span;
      slot.startingRuntime = this.#runtime;
      applyTraceAttributes(span, parentContext);
    } else if (slot.startingRuntime !== this.#runtime) {
      this.#recaptured.add(span);
    }
    this.#cost?.onStart(span);
    for (const p of this.#extra) {
      try {
        p.onStart(span, parentContext);
      } catch (error) {
        this.#warn('onStart', error);
      }
    }
  }

  /** Prices the span (still writable here), then forwards it so the user's processors can add attributes too. */
  onEnding(span: Span): void {
    if (this.#shutdownPromise) {
      // Retired by a re-init: the span is passed on at its end, so the successor prices it.
      this.#successor?.onEnding(span);
      return;
    }
    try {
      this.#cost?.onEnding(span);
    } catch (error) {
      this.#warn('cost', error);
    }
    for (const p of this.#extra) {
      try {
        p.onEnding?.(span);
      } catch (error) {
        this.#warn('onEnding', error);
      }
    }
  }

  onEnd(span: ReadableSpan): void {
    if (slot.startingSpan === span) {
      slot.startingSpan = undefined;
      slot.startingRuntime = undefined;
    }
    if (this.#shutdownPromise) {
      if (this.#successor !== undefined) this.#successor.adopt(span, this.#runtime);
      // Ended after shutdown with nowhere to go: not exported, but counted.
      else this.#runtime.stats.spansDropped++;
      return;
    }
    this.#runtime.stats.spansEnded++;
    // The SDK's span shape too (see keepShape): an exported span otherwise leaves none alive.
    keepSpanShape(span);
    // The user's processors first, so whatever they add is there when our queues export.
    for (const p of this.#extra) {
      try {
        p.onEnd(span);
      } catch (error) {
        this.#warn('onEnd', error);
      }
    }
    // A root that ended before its trace's model calls waits for them (TraceCost releases it).
    if (this.#holds(span)) return;
    this.#enqueue(span);
  }

  /** A span that started under a retired processor and ended after it: exported and counted here. */
  adopt(span: ReadableSpan, from: Runtime): void {
    if (this.#shutdownPromise) {
      if (this.#successor !== undefined) this.#successor.adopt(span, from);
      else this.#runtime.stats.spansDropped++;
      return;
    }
    if (from !== this.#runtime) this.#recaptured.add(span);
    this.#runtime.stats.spansEnded++;
    this.#enqueue(span);
  }

  async forceFlush(deadline?: number): Promise<void> {
    this.#cost?.releaseAll();
    await Promise.all([
      ...this.#queues.map((q) => q.flush(deadline)),
      ...this.#extra.map((p) => p.forceFlush().catch((e) => this.#warn('forceFlush', e))),
    ]);
  }

  /** Flushes and shuts down every exporter and processor it feeds, within `shutdownTimeoutMs`. */
  shutdown(): Promise<void> {
    return this.close(new Set());
  }

  /**
   * Stops taking spans and shuts down what it feeds, except `keep` (outputs a newer installation still
   * uses), within the runtime's `shutdownTimeoutMs`: what is left at the deadline is counted as dropped,
   * and the exporters are told to give up. A `successor` receives the spans that end afterwards; an
   * explicit `deadline` (epoch ms) replaces the runtime's bound.
   */
  close(keep: ReadonlySet<object>, successor?: GlassboxSpanProcessor, deadline?: number): Promise<void> {
    if (successor !== undefined && successor !== this) this.#successor = successor;
    if (this.#shutdownPromise === undefined) {
      this.#shutdownPromise = this.#close(keep, deadline ?? Date.now() + this.#runtime.shutdownTimeoutMs);
    }
    return this.#shutdownPromise;
  }

  async #close(keep: ReadonlySet<object>, deadline: number): Promise<void> {
    const runtime = this.#runtime;
    // Held roots go out with what their traces have cost so far (enqueued before the queues stop).
    this.#cost?.releaseAll();
    // One bound for the whole shutdown: flushing gets the first part, and the exporters the rest to
    // close (otlpExporter lets a request in flight finish for up to a second before aborting it).
    const flushBy = deadline - exporterReserveMs(deadline - Date.now());
    await Promise.all(
      this.#queues.map(async (queue) => {
        const drained = await queue.flush(flushBy);
        if (!drained) queue.abandon(`shutdownTimeoutMs (${runtime.shutdownTimeoutMs} ms) passed`);
        else queue.stop();
        if (keep.has(queue.exporter)) return;
        await settleBy(queue.exporter.shutdown(), deadline, (e) => this.#warn('shutdown', e));
      }),
    );
    await Promise.all(
      this.#extra
        .filter((p) => !keep.has(p))
        .map((p) => settleBy(p.shutdown(), deadline, (e) => this.#warn('shutdown', e))),
    );
  }

  #enqueue(span: ReadableSpan): void {
    // Only sampled spans are exported; a sampled-out span never gets this far with the SDK's samplers.
    if ((span.spanContext().traceFlags & 1) === 1) for (const q of this.#queues) q.add(span);
  }

  #holds(span: ReadableSpan): boolean {
    try {
      return this.#cost?.onEnd(span) === true;
    } catch (error) {
      this.#warn('cost', error);
      return false;
    }
  }

  #warn(where: string, error: unknown): void {
    this.#runtime.logger.once(
      'warn',
      `a span processor or exporter failed in ${where}: ${String(error)}`,
      `proc:${where}`,
    );
  }
}

/** The part of a shutdown budget left for exporters to close: a second at most, half at most. */
export function exporterReserveMs(budgetMs: number): number {
  return Math.max(0, Math.min(1000, Math.floor(budgetMs / 2)));
}

/** Waits for `work` until `deadline` (epoch ms) at most; failures are reported, never thrown. */
async function settleBy(work: Promise<unknown> | undefined, deadline: number, onError: (e: unknown) => void) {
  if (work === undefined || typeof (work as { then?: unknown }).then !== 'function') return;
  const timeout = untilDeadline(deadline, 50);
  try {
    await Promise.race([work.then(undefined, onError), timeout.reached]);
  } finally {
    timeout.cancel();
  }
}
