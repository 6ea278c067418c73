/**
 * The last object of each hot shape stays reachable. When a full GC collects every object of a shape
 * (a burst of calls ends and its spans are exported), V8 drops the shape and throws away the optimised
 * code built for it, and the next calls run unoptimised while it re-optimises (issue 14's forced-GC
 * bench: +20-40% per call after each collection). One object per shape is the price of not falling off
 * that cliff.
 */
export const keepShape: { layer?: object; pending?: object; scope?: object; spans: object[]; next: number } =
  {
    // A few spans: a trace's root and its children differ in their attributes, so in their shapes.
    spans: [],
    next: 0,
  };

/** Keeps `span` among the last few spans kept reachable. */
export function keepSpanShape(span: object): void {
  keepShape.spans[keepShape.next] = span;
  keepShape.next = (keepShape.next + 1) & 3;
}
