import { type Rule, rules } from '@glassbox/core/instrumentation';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { assertOptions, createdBy, MAX_TIMER_MS } from './check-options.js';
import { renderTree, type TreeStyle } from './console-tree.js';
import { parentIdOf } from './span-tree.js';

/** Options for `consoleExporter`. */
export interface ConsoleExporterOptions {
  /** Receives each output line, without a newline (default: `process.stdout`). */
  write?: (line: string) => void;
  /** ANSI colours; default on when writing to a TTY stdout, off under `NO_COLOR`, on under `FORCE_COLOR`. */
  colors?: boolean;
  /** Inputs, outputs and other values are cut to this many characters (at least 8), default 80. */
  maxValueChars?: number;
  /** Also print every other attribute of each span, default false. */
  showAttributes?: boolean;
  /** A trace whose root has not ended is printed as incomplete after this long without new spans, default 30000. */
  orphanTimeoutMs?: number;
  /** Spans held while waiting for their root, default 10000; past it the oldest trace is printed as is. */
  maxHeldSpans?: number;
  /** Traces held while waiting for their root, default 1000. */
  maxHeldTraces?: number;
}

const OPTIONS = rules.object({
  write: rules.func(),
  colors: rules.boolean(),
  maxValueChars: rules.integer(8),
  showAttributes: rules.boolean(),
  orphanTimeoutMs: rules.integer(0, MAX_TIMER_MS),
  maxHeldSpans: rules.integer(0),
  maxHeldTraces: rules.integer(0),
} satisfies Record<keyof ConsoleExporterOptions, Rule>);

interface HeldTrace {
  traceId: string;
  spans: ReadableSpan[];
  lastSeenMs: number;
}

/**
 * Prints each trace as an indented tree when its root span ends. A root is a span without a parent
 * or with a remote one (an HTTP server span continuing a caller's trace). Spans that end before their
 * root are held, within limits; what never finds its root is printed after `orphanTimeoutMs`.
 */
export class ConsoleExporter implements SpanExporter {
  private readonly style: TreeStyle;
  private readonly write: (lines: string[]) => void;
  private readonly orphanTimeoutMs: number;
  private readonly maxHeldSpans: number;
  private readonly maxHeldTraces: number;
  // Ordered by last activity, oldest first: a Map keeps insertion order and we re-insert on activity.
  private readonly held = new Map<string, HeldTrace>();
  private heldSpans = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: ConsoleExporterOptions = {}) {
    assertOptions(options, OPTIONS, 'ConsoleExporter');
    const custom = options.write;
    this.write = custom
      ? (lines) => {
          for (const line of lines) custom(line);
        }
      : // One write per trace keeps a tree together when other output shares stdout.
        (lines) => process.stdout.write(`${lines.join('\n')}\n`);
    this.style = {
      colors: options.colors ?? defaultColors(custom === undefined),
      maxValueChars: options.maxValueChars ?? 80,
      showAttributes: options.showAttributes ?? false,
    };
    this.orphanTimeoutMs = options.orphanTimeoutMs ?? 30_000;
    this.maxHeldSpans = options.maxHeldSpans ?? 10_000;
    this.maxHeldTraces = options.maxHeldTraces ?? 1_000;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('ConsoleExporter is shut down') });
      return;
    }
    try {
      const now = Date.now();
      const roots: ReadableSpan[] = [];
      // Hold the whole batch first: a root may arrive in the same batch as its children, in any order.
      for (const span of spans) {
        this.hold(span, now);
        if (isRoot(span)) roots.push(span);
      }
      for (const root of roots) this.printRoot(root);
      this.enforceLimits();
      this.schedule();
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Prints every held span now, as incomplete traces. */
  forceFlush(): Promise<void> {
    for (const trace of [...this.held.values()]) this.printHeld(trace, 'flushed before its root span ended');
    this.schedule();
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
  }

  private hold(span: ReadableSpan, now: number): void {
    const traceId = span.spanContext().traceId;
    const trace = this.held.get(traceId) ?? { traceId, spans: [], lastSeenMs: now };
    trace.spans.push(span);
    trace.lastSeenMs = now;
    this.held.delete(traceId);
    this.held.set(traceId, trace);
    this.heldSpans++;
  }

  private printRoot(root: ReadableSpan): void {
    const trace = this.held.get(root.spanContext().traceId);
    if (!trace) return;
    const children = new Map<string, ReadableSpan[]>();
    for (const span of trace.spans) {
      const parentId = parentIdOf(span);
      if (!parentId) continue;
      const siblings = children.get(parentId);
      if (siblings) siblings.push(span);
      else children.set(parentId, [span]);
    }
    // The root's subtree only: other local roots of the same distributed trace keep waiting for theirs.
    const subtree = new Set<ReadableSpan>();
    const stack = [root];
    while (stack.length > 0) {
      const span = stack.pop()!;
      if (subtree.has(span)) continue;
      subtree.add(span);
      stack.push(...(children.get(span.spanContext().spanId) ?? []));
    }
    // In arrival order: spans starting in the same millisecond then keep the order they ended in.
    const printed = trace.spans.filter((span) => subtree.has(span));
    this.release(trace, (span) => subtree.has(span));
    this.write(renderTree(printed, this.style));
  }

  private printHeld(trace: HeldTrace, why: string): void {
    this.release(trace, () => true);
    const lines = renderTree(trace.spans, this.style);
    lines.unshift(`(incomplete trace ${trace.traceId}: ${why})`);
    this.write(lines);
  }

  private release(trace: HeldTrace, printed: (span: ReadableSpan) => boolean): void {
    const kept = trace.spans.filter((span) => !printed(span));
    this.heldSpans -= trace.spans.length - kept.length;
    if (kept.length === 0) this.held.delete(trace.traceId);
    else trace.spans = kept;
  }

  private enforceLimits(): void {
    for (const trace of this.held.values()) {
      if (this.heldSpans <= this.maxHeldSpans && this.held.size <= this.maxHeldTraces) break;
      this.printHeld(trace, 'too many spans waiting for their root');
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const oldest = this.held.values().next().value as HeldTrace | undefined;
    if (!oldest) return;
    const delay = Math.max(10, oldest.lastSeenMs + this.orphanTimeoutMs - Date.now());
    this.timer = setTimeout(() => this.expire(), delay);
    // Held spans are debugging output: they must never keep a finished process alive.
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const trace of [...this.held.values()]) {
      if (now - trace.lastSeenMs < this.orphanTimeoutMs) break;
      this.printHeld(trace, `no root span within ${this.orphanTimeoutMs} ms of its last span`);
    }
    this.schedule();
  }
}

function isRoot(span: ReadableSpan): boolean {
  return !parentIdOf(span) || span.parentSpanContext?.isRemote === true;
}

function defaultColors(toStdout: boolean): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return toStdout && process.stdout.isTTY === true;
}

/** Creates an exporter that prints each finished trace to the terminal as an indented tree. */
export function consoleExporter(options: ConsoleExporterOptions = {}): ConsoleExporter {
  return createdBy('consoleExporter', 'ConsoleExporter', () => new ConsoleExporter(options));
}
