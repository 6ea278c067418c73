import { ATTR, SpanType } from '@glassbox/core';
import { type TraceSpanLike, toPlainSpan } from './trace-text.js';

/**
 * The cost of the judges' model calls in an example's trace: `gen_ai.usage.cost` of the spans under a
 * `judge {name}` EVALUATOR span; undefined when none carries a cost.
 */
export function judgeCost(spans: readonly TraceSpanLike[]): number | undefined {
  const plain = spans.map(toPlainSpan);
  const byId = new Map(plain.map((s) => [s.spanId, s]));
  const isJudge = (s: { name: string; attributes: Record<string, unknown> }) =>
    s.attributes[ATTR.SPAN_TYPE] === SpanType.EVALUATOR && s.name.startsWith('judge ');
  let total: number | undefined;
  for (const span of plain) {
    const cost = span.attributes[ATTR.GEN_AI_USAGE_COST];
    if (typeof cost !== 'number' || !Number.isFinite(cost)) continue;
    // Walks up to a judge span (a bounded walk: a malformed parent chain cannot loop forever).
    let at: typeof span | undefined = span;
    for (let depth = 0; at && depth < 64; depth++) {
      if (isJudge(at)) {
        total = (total ?? 0) + cost;
        break;
      }
      at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined;
    }
  }
  return total === undefined ? undefined : roundUsd(total);
}

/** Rounds a USD amount to 1e-10, as the cost attributes are. */
export const roundUsd = (usd: number) => Math.round(usd * 1e10) / 1e10;
