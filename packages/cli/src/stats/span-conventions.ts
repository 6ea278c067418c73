import { ATTR } from '@glassbox/core';
import { parsedValue, spanTypeOf } from '../store/span-facts.js';
import type { Attrs, AttrValue, SpanRecord } from '../store/span-record.js';

// Reads what stats need from a span under any of the conventions the viewer understands; never throws.

export { spanTypeOf };

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
// Vercel AI SDK spans that wrap the model calls and repeat their usage: counting them would count twice.
const VERCEL_WRAPPERS = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
  'ai.embed',
  'ai.embedMany',
]);

// Token counts, costs and sizes beyond this are corrupt data; skipping them keeps every sum finite.
const MAX_MAGNITUDE = 1e15;

/** A number attribute (or a numeric string, as some exporters write counts); undefined when absent or absurd. */
export function num(v: AttrValue | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && Math.abs(n) <= MAX_MAGNITUDE ? n : undefined;
}

/** A string attribute, or a number or boolean as text; undefined when absent, empty or structured. */
export function text(v: AttrValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The first of several keys that holds a number. */
function firstNum(a: Attrs, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const n = num(a[key]);
    if (n !== undefined) return n;
  }
  return undefined;
}

const INPUT_TOKENS = [
  ATTR.GEN_AI_USAGE_INPUT_TOKENS,
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
];
const OUTPUT_TOKENS = [
  ATTR.GEN_AI_USAGE_OUTPUT_TOKENS,
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
];
const MODEL_KEYS = [
  ATTR.GEN_AI_RESPONSE_MODEL,
  ATTR.GEN_AI_REQUEST_MODEL,
  'llm.model_name',
  'ai.response.model',
  'ai.model.id',
];
const PROVIDER_KEYS = [
  ATTR.GEN_AI_PROVIDER_NAME,
  'gen_ai.system',
  'llm.provider',
  'llm.system',
  'ai.model.provider',
];

/** One model call: the model, its token usage and cost as recorded. */
export interface ModelCall {
  model: string;
  provider?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
}

/**
 * The model call a span records, or undefined when it is not one. A call is an LLM or embedding span,
 * or any span with token usage, except the Vercel AI SDK spans that only wrap calls (their usage repeats
 * their children's).
 */
export function modelCallOf(span: SpanRecord, spanType: string): ModelCall | undefined {
  const a = span.attributes;
  const vercel = text(a['ai.operationId']);
  if (vercel !== undefined && VERCEL_WRAPPERS.has(vercel)) return undefined;
  const input = firstNum(a, INPUT_TOKENS);
  const output = firstNum(a, OUTPUT_TOKENS);
  const operation = text(a[ATTR.GEN_AI_OPERATION_NAME]);
  const isCall =
    spanType === 'LLM' ||
    spanType === 'EMBEDDING' ||
    (operation !== undefined && MODEL_OPERATIONS.has(operation)) ||
    input !== undefined ||
    output !== undefined;
  if (!isCall) return undefined;
  let model: string | undefined;
  for (const key of MODEL_KEYS) if ((model = text(a[key])) !== undefined) break;
  const call: ModelCall = {
    model: model ?? '(unknown model)',
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
  };
  let provider: string | undefined;
  for (const key of PROVIDER_KEYS) if ((provider = text(a[key])) !== undefined) break;
  if (provider !== undefined) call.provider = provider;
  const cost = num(a[ATTR.GEN_AI_USAGE_COST]) ?? num(a['llm.cost.total']);
  if (cost !== undefined) call.costUsd = cost;
  return call;
}

/** The error of a failed span: the status message or exception message, and the error type. */
export function errorOf(span: SpanRecord): { message?: string; type?: string } {
  const exception = span.events.find((e) => e.name === 'exception');
  const out: { message?: string; type?: string } = {};
  const message = span.statusMessage || text(exception?.attributes['exception.message']);
  if (message !== undefined) out.message = message;
  const type = text(span.attributes[ATTR.ERROR_TYPE]) ?? text(exception?.attributes['exception.type']);
  if (type !== undefined) out.type = type;
  return out;
}

/** The tool a tool-call span ran, or undefined when the span is not a tool call. */
export function toolCallOf(span: SpanRecord, spanType: string): string | undefined {
  const a = span.attributes;
  const isTool =
    spanType === 'TOOL' ||
    text(a[ATTR.GEN_AI_OPERATION_NAME]) === 'execute_tool' ||
    a['ai.operationId'] === 'ai.toolCall';
  if (!isTool) return undefined;
  return (
    text(a[ATTR.GEN_AI_TOOL_NAME]) ??
    text(a['tool.name']) ??
    text(a['ai.toolCall.name']) ??
    (span.name.startsWith('execute_tool ') ? span.name.slice('execute_tool '.length) : span.name)
  );
}

/** Names of the tools offered to the model by an LLM span (GenAI, OpenInference or Vercel AI SDK attributes). */
export function declaredToolsOf(a: Attrs): string[] {
  const names: string[] = [];
  const add = (definition: unknown) => {
    const d = typeof definition === 'string' ? parsedValue(definition) : definition;
    if (d === null || typeof d !== 'object') return;
    const o = d as Record<string, unknown>;
    const fn = o.function && typeof o.function === 'object' ? (o.function as Record<string, unknown>) : o;
    if (typeof fn.name === 'string' && fn.name !== '') names.push(fn.name);
  };
  const definitions = parsedValue(a[ATTR.GEN_AI_TOOL_DEFINITIONS]);
  if (Array.isArray(definitions)) definitions.forEach(add);
  const vercel = a['ai.prompt.tools'];
  if (Array.isArray(vercel)) vercel.forEach(add);
  for (let i = 0; i < 1000; i++) {
    const schema = a[`llm.tools.${i}.tool.json_schema`];
    if (schema === undefined) break;
    add(schema);
  }
  return names;
}

/** Whether a span records a flagged query rewrite, and why. */
export function rewriteFlagOf(span: SpanRecord): { reasons: string[] } | undefined {
  const a = span.attributes;
  const events = span.events.filter((e) => e.name === ATTR.REWRITE_FLAG_EVENT);
  if (a[ATTR.REWRITE_FLAGGED] !== true && events.length === 0) return undefined;
  const reasons = new Set<string>();
  const listed = a[ATTR.REWRITE_FLAG_REASONS];
  if (Array.isArray(listed)) {
    for (const r of listed) if (typeof r === 'string') reasons.add(r);
  } else if (typeof listed === 'string') reasons.add(listed);
  for (const e of events) {
    const reason = text(e.attributes[ATTR.REWRITE_FLAG_REASON]);
    if (reason !== undefined) reasons.add(reason);
  }
  return { reasons: [...reasons] };
}

/** Whether a span is a query rewrite at all (flagged or not). */
export function isRewrite(span: SpanRecord, spanType: string): boolean {
  return spanType === 'QUERY_REWRITE' || span.attributes[ATTR.REWRITE_CHANGED] !== undefined;
}

/** The end of a span in Unix-epoch milliseconds. */
export function endMsOf(span: SpanRecord): number {
  return span.startMs + span.durationMs;
}
