// The parent/child tree of a trace's spans, flattened into the rows the waterfall shows.
import type { SpanRecord } from '../store/span-record.js';

/** A span and its children, ordered by start. */
export interface SpanNode {
  span: SpanRecord;
  children: SpanNode[];
  depth: number;
}

/** One visible row. */
export interface SpanRow {
  node: SpanNode;
  depth: number;
}

/** Builds the tree; spans whose parent is missing (another process, not yet received) become roots. */
export function buildTree(spans: SpanRecord[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.spanId, { span, children: [], depth: 0 });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.startMs - b.span.startMs;
  // Iterative, so a 10,000-deep chain cannot overflow the stack; a cycle of bad parent ids is cut by `seen`.
  const seen = new Set<SpanNode>();
  const stack: SpanNode[] = [...roots];
  roots.sort(byStart);
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    node.children.sort(byStart);
    for (const child of node.children) {
      child.depth = node.depth + 1;
      stack.push(child);
    }
  }
  // Spans in a parent cycle were never reached from a root: show them as roots rather than lose them.
  for (const node of nodes.values()) if (!seen.has(node)) roots.push(node);
  return roots;
}

/** The rows of the expanded part of the tree, depth-first. */
export function visibleRows(roots: SpanNode[], collapsed: ReadonlySet<string>): SpanRow[] {
  const rows: SpanRow[] = [];
  const seen = new Set<SpanNode>();
  const stack: SpanNode[] = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    rows.push({ node, depth: node.depth });
    if (!collapsed.has(node.span.spanId))
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

/** The ids of a span's ancestors (to expand them when the span is selected by link). */
export function ancestors(spans: Map<string, SpanRecord>, spanId: string): string[] {
  const out: string[] = [];
  let current = spans.get(spanId)?.parentSpanId;
  while (current && spans.has(current) && !out.includes(current)) {
    out.push(current);
    current = spans.get(current)?.parentSpanId;
  }
  return out;
}
