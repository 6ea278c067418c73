import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A span with its children, as returned by `InMemoryExporter.traces()`. */
export interface SpanNode {
  span: ReadableSpan;
  name: string;
  children: SpanNode[];
}

/** The parent's span id, for 2.x spans (`parentSpanContext`) and 1.x ones (`parentSpanId`). */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
}

/**
 * Arranges spans as trees: every span whose parent is not among them starts a tree; roots and children
 * in order of start time.
 */
export function spanTrees(spans: readonly ReadableSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.spanContext().spanId, { span, name: span.name, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parentId = parentIdOf(node.span);
    const parent = parentId ? nodes.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of nodes.values()) node.children.sort(byStart);
  roots.sort(byStart);
  return roots;
}

function byStart(a: SpanNode, b: SpanNode): number {
  return compareHrTime(a.span.startTime, b.span.startTime);
}

/** Seconds first, then nanoseconds: folding both into one float would round away the nanoseconds. */
export function compareHrTime(a: HrTime, b: HrTime): number {
  return a[0] - b[0] || a[1] - b[1];
}
