/** The kinds of step a Glassbox span can describe, written to `glassbox.span.type`. */
export const SpanType = {
  LLM: 'LLM',
  EMBEDDING: 'EMBEDDING',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  AGENT: 'AGENT',
  CHAIN: 'CHAIN',
  QUERY_REWRITE: 'QUERY_REWRITE',
  PROMPT: 'PROMPT',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  PARSER: 'PARSER',
  UNKNOWN: 'UNKNOWN',
} as const;

/** One of the `SpanType` values. */
export type SpanType = (typeof SpanType)[keyof typeof SpanType];

const SPAN_TYPES = new Set<string>(Object.values(SpanType));

/** Tells whether a value is a known span type. */
export function isSpanType(value: unknown): value is SpanType {
  return typeof value === 'string' && SPAN_TYPES.has(value);
}
