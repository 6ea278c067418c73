/// <reference lib="dom" />
// A span detail view: when it applies and what it draws. `span-detail.ts` runs every view that applies,
// each guarded, so one that throws on an odd span falls back to the raw attributes.
import type { SpanRecord } from '../../store/span-record.js';

/** One kind of span detail. */
export interface SpanRenderer {
  /** Shown in the fallback note when the view fails. */
  name: string;
  applies(span: SpanRecord): boolean;
  render(span: SpanRecord): Node;
}
