import { type Rule, rules } from '@glassbox/core/instrumentation';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { assertOptions } from './check-options.js';
import { compareHrTime, type SpanNode, spanTrees } from './span-tree.js';

/** One trace as a tree: its roots are the spans whose parent was not exported here (usually one). */
export interface TraceTree {
  traceId: string;
  roots: SpanNode[];
  /** Every span of the trace, in end order. */
  spans: ReadableSpan[];
}

/** Options for `InMemoryExporter`. */
export interface InMemoryExporterOptions {
  /** Keep at most this many spans, dropping the oldest (default: unbounded). */
  maxSpans?: number;
}

const OPTIONS = rules.object({
  maxSpans: rules.anyOf(rules.integer(0), rules.oneOf([Number.POSITIVE_INFINITY])),
} satisfies Record<keyof InMemoryExporterOptions, Rule>);

/** Keeps exported spans in memory for tests, with trace-tree helpers. */
export class InMemoryExporter implements SpanExporter {
  private finished: ReadableSpan[] = [];
  private stopped = false;
  private readonly maxSpans: number;

  constructor(options: InMemoryExporterOptions = {}) {
    assertOptions(options, OPTIONS, 'InMemoryExporter');
    this.maxSpans = options.maxSpans ?? Number.POSITIVE_INFINITY;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('InMemoryExporter is shut down') });
      return;
    }
    this.finished.push(...spans);
    if (this.finished.length > this.maxSpans) this.finished.splice(0, this.finished.length - this.maxSpans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** The spans exported so far, as OpenTelemetry `ReadableSpan` objects, in end order. */
  spans(): ReadableSpan[] {
    return [...this.finished];
  }

  /** The spans that match a predicate, in end order. */
  findSpans(predicate: (span: ReadableSpan) => boolean): ReadableSpan[] {
    return this.finished.filter(predicate);
  }

  /** The first span with this name, or undefined. */
  findSpan(name: string): ReadableSpan | undefined {
    return this.finished.find((s) => s.name === name);
  }

  /** The exported spans grouped by trace and arranged as trees, traces in order of their first span's start. */
  traces(): TraceTree[] {
    const byTrace = new Map<string, ReadableSpan[]>();
    for (const span of this.finished) {
      const id = span.spanContext().traceId;
      let list = byTrace.get(id);
      if (!list) byTrace.set(id, (list = []));
      list.push(span);
    }
    const trees: TraceTree[] = [];
    for (const [traceId, spans] of byTrace) {
      trees.push({ traceId, roots: spanTrees(spans), spans });
    }
    trees.sort((a, b) => compareHrTime(a.roots[0]!.span.startTime, b.roots[0]!.span.startTime));
    return trees;
  }

  /** Forgets every span kept so far. */
  reset(): void {
    this.finished = [];
  }
}
