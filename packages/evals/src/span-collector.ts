import { type PlainSpan, type ReadableSpanLike, toPlainSpan } from './trace-text.js';

/** Options of `spanCollector`. */
export interface SpanCollectorOptions {
  /** Spans kept per watched trace (default 500). */
  maxSpansPerTrace?: number;
}

/**
 * A span processor that keeps the spans of the traces `evaluate` watches (its examples' traces), so the
 * judges' `{{ trace }}` can show what a task did. Add it to `init({ spanProcessors: [collector] })` and
 * pass it to `evaluate({ traces: collector })`; other traces pass through untouched.
 */
export class SpanCollector {
  readonly #watched = new Map<string, PlainSpan[]>();
  readonly #max: number;

  constructor(options: SpanCollectorOptions = {}) {
    this.#max = options.maxSpansPerTrace ?? 500;
  }

  /** Starts keeping the spans of a trace. */
  watch(traceId: string): void {
    if (!this.#watched.has(traceId)) this.#watched.set(traceId, []);
  }

  /** The spans of a watched trace ended so far. */
  spansOf(traceId: string): PlainSpan[] {
    return [...(this.#watched.get(traceId) ?? [])];
  }

  /** Stops keeping a trace and forgets its spans. */
  release(traceId: string): void {
    this.#watched.delete(traceId);
  }

  onStart(): void {}

  onEnd(span: ReadableSpanLike): void {
    const list = this.#watched.get(span.spanContext().traceId);
    if (list && list.length < this.#max)
      list.push({ ...toPlainSpan(span), attributes: { ...span.attributes } });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#watched.clear();
    return Promise.resolve();
  }
}

/** Creates a `SpanCollector`. */
export function spanCollector(options?: SpanCollectorOptions): SpanCollector {
  return new SpanCollector(options);
}
