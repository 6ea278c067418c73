import { SpanType } from '@glassbox/core';
import type { Attributes, AttributeValue } from '@opentelemetry/api';

// Readers of the Glassbox attributes that every backend convention maps from. They read the span's
// attributes only (never write), and every value they return is plain data, safe to JSON-encode.

/** The Glassbox span type, or the one the GenAI operation implies for spans of other instrumentations. */
export function spanTypeOf(attributes: Attributes): string | undefined {
  const type = attributes['glassbox.span.type'];
  if (typeof type === 'string' && type !== '') return type;
  switch (attributes['gen_ai.operation.name']) {
    case 'chat':
    case 'text_completion':
    case 'generate_content':
      return 'LLM';
    case 'embeddings':
      return 'EMBEDDING';
    case 'execute_tool':
      return 'TOOL';
    case 'retrieval':
      return 'RETRIEVER';
    case 'invoke_agent':
    case 'create_agent':
      return 'AGENT';
    default:
      return undefined;
  }
}

/** A span type in a backend's names: its own name but for `renames`; a type Glassbox lacks is UNKNOWN. */
export function backendSpanType(
  type: string | undefined,
  renames: Partial<Record<SpanType, string>>,
): string {
  // SpanType's keys are its values.
  const known = type !== undefined && Object.hasOwn(SpanType, type) ? (type as SpanType) : SpanType.UNKNOWN;
  return renames[known] ?? known;
}

/** Whether a span is a `logFeedback` span. */
export function isFeedback(attributes: Attributes): boolean {
  return typeof attributes['glassbox.feedback.name'] === 'string';
}

/** What `parseJson` parsed for the span being mapped (`withParsedJson`), by attribute value. */
let parsedOfSpan: Map<string, unknown> | undefined;

/**
 * Runs `map` (the mapping of one span) with `parseJson` parsing each value once: the conventions sent
 * together, and the readers within one, read the same attributes (the messages above all). The parsed
 * values are then shared between readers, which never change them.
 */
export function withParsedJson<T>(map: () => T): T {
  parsedOfSpan = new Map();
  try {
    return map();
  } finally {
    parsedOfSpan = undefined;
  }
}

/** Parses a JSON string attribute; a value that is not JSON (cut short at the length limit) gives undefined. */
export function parseJson(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return undefined;
  if (parsedOfSpan?.has(value)) return parsedOfSpan.get(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  parsedOfSpan?.set(value, parsed);
  return parsed;
}

/** A step's input or output as a backend shows it: text when it is a string, else JSON. */
export interface IoValue {
  /** The text as sent: the string itself, or JSON. */
  value: string;
  json: boolean;
}

/** `glassbox.inputs`/`glassbox.outputs` as text or JSON; a value cut short at the limit stays text. */
export function ioValue(value: AttributeValue | undefined): IoValue | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseJson(value);
  if (typeof parsed === 'string') return { value: parsed, json: false };
  if (parsed === undefined) return { value, json: false };
  return { value, json: true };
}

/** Wraps any value as an `IoValue` (strings as text, the rest as JSON). */
export function toIo(value: unknown): IoValue {
  return typeof value === 'string' ? { value, json: false } : { value: JSON.stringify(value), json: true };
}

const METADATA_PREFIX = 'glassbox.trace.metadata.';

/** The tags and metadata `withTraceContext` set (`glassbox.trace.tags`, `glassbox.trace.metadata.*`). */
export function traceContextOf(attributes: Attributes): {
  tags?: string[];
  metadata?: Record<string, AttributeValue>;
} {
  const out: { tags?: string[]; metadata?: Record<string, AttributeValue> } = {};
  const tags = attributes['glassbox.trace.tags'];
  if (Array.isArray(tags) && tags.length > 0)
    out.tags = tags.filter((t): t is string => typeof t === 'string');
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || !key.startsWith(METADATA_PREFIX)) continue;
    out.metadata ??= {};
    out.metadata[key.slice(METADATA_PREFIX.length)] = value;
  }
  return out;
}

/** A retrieved document, as `glassbox.retrieval.documents` lists them. */
export interface RetrievedDocument {
  id?: string;
  score?: number;
  content?: string;
  metadata?: Record<string, unknown>;
}

/** The retrieved documents, or undefined when absent or not readable. */
export function documentsOf(attributes: Attributes): RetrievedDocument[] | undefined {
  const docs = parseJson(attributes['glassbox.retrieval.documents']);
  if (!Array.isArray(docs)) return undefined;
  return docs
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null)
    .map((d) => ({
      ...(d.id !== undefined && d.id !== null ? { id: String(d.id) } : {}),
      ...(typeof d.score === 'number' ? { score: d.score } : {}),
      ...(typeof d.content === 'string' ? { content: d.content } : {}),
      ...(typeof d.metadata === 'object' && d.metadata !== null
        ? { metadata: d.metadata as Record<string, unknown> }
        : {}),
    }));
}

/** Token counts of an LLM or embedding call. */
export interface TokenUsage {
  input?: number;
  output?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

const num = (value: AttributeValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The `gen_ai.usage.*` token counts, with a total when input and output are known. */
export function usageOf(attributes: Attributes): TokenUsage | undefined {
  const input = num(attributes['gen_ai.usage.input_tokens']);
  const output = num(attributes['gen_ai.usage.output_tokens']);
  if (input === undefined && output === undefined) return undefined;
  const usage: TokenUsage = { total: (input ?? 0) + (output ?? 0) };
  if (input !== undefined) usage.input = input;
  if (output !== undefined) usage.output = output;
  const cacheRead = num(attributes['gen_ai.usage.cache_read.input_tokens']);
  const cacheWrite = num(attributes['gen_ai.usage.cache_creation.input_tokens']);
  const reasoning = num(attributes['gen_ai.usage.reasoning.output_tokens']);
  if (cacheRead !== undefined) usage.cacheRead = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWrite = cacheWrite;
  if (reasoning !== undefined) usage.reasoning = reasoning;
  return usage;
}

/** Token usage as the JSON MLflow and Langfuse read: the counts under `names`, cache counts under Anthropic's. */
export function usageJsonOf(
  attributes: Attributes,
  names: { input: string; output: string; total: string },
): string | undefined {
  const usage = usageOf(attributes);
  if (!usage) return undefined;
  return JSON.stringify({
    ...(usage.input !== undefined ? { [names.input]: usage.input } : {}),
    ...(usage.output !== undefined ? { [names.output]: usage.output } : {}),
    [names.total]: usage.total,
    ...(usage.cacheRead !== undefined ? { cache_read_input_tokens: usage.cacheRead } : {}),
    ...(usage.cacheWrite !== undefined ? { cache_creation_input_tokens: usage.cacheWrite } : {}),
  });
}

/** Cost in USD of one call (`gen_ai.usage.cost` and the `glassbox.cost.*_usd` parts). */
export interface CallCost {
  total: number;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The cost of an LLM or embedding call, when the pricing step recorded one. */
export function costOf(attributes: Attributes): CallCost | undefined {
  const total = num(attributes['gen_ai.usage.cost']);
  if (total === undefined) return undefined;
  const cost: CallCost = { total };
  const parts = [
    ['input', 'glassbox.cost.input_usd'],
    ['output', 'glassbox.cost.output_usd'],
    ['cacheRead', 'glassbox.cost.cache_read_usd'],
    ['cacheWrite', 'glassbox.cost.cache_write_usd'],
  ] as const;
  for (const [field, key] of parts) {
    const value = num(attributes[key]);
    if (value !== undefined) cost[field] = value;
  }
  return cost;
}

/** The model that answered, else the one asked for. */
export function modelOf(attributes: Attributes): string | undefined {
  const model = attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model'];
  return typeof model === 'string' && model !== '' ? model : undefined;
}

const REQUEST_PREFIX = 'gen_ai.request.';

/** The request parameters (`gen_ai.request.*` but the model), as one object. */
export function requestParamsOf(attributes: Attributes): Record<string, AttributeValue> | undefined {
  let out: Record<string, AttributeValue> | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || !key.startsWith(REQUEST_PREFIX) || key === 'gen_ai.request.model') continue;
    out ??= {};
    out[key.slice(REQUEST_PREFIX.length)] = value;
  }
  return out;
}

/** A `logFeedback` span's judgement: what was judged, the value and why. */
export function feedbackOf(attributes: Attributes): { input: IoValue; output: IoValue } {
  const value = attributes['glassbox.feedback.value'];
  const parsedValue = typeof value === 'string' ? (parseJson(value) ?? value) : value;
  const input = {
    name: attributes['glassbox.feedback.name'],
    traceId: attributes['glassbox.feedback.target.trace_id'],
    ...(attributes['glassbox.feedback.target.span_id'] !== undefined
      ? { spanId: attributes['glassbox.feedback.target.span_id'] }
      : {}),
  };
  const output = {
    value: parsedValue,
    ...(attributes['glassbox.feedback.rationale'] !== undefined
      ? { rationale: attributes['glassbox.feedback.rationale'] }
      : {}),
    source: attributes['glassbox.feedback.source'],
  };
  return { input: toIo(input), output: toIo(output) };
}

/** A guardrail's decision (`glassbox.guardrail.*`), used as its output when it recorded none. */
export function guardrailOf(attributes: Attributes): Record<string, AttributeValue> | undefined {
  const decision = attributes['glassbox.guardrail.decision'];
  if (decision === undefined) return undefined;
  const out: Record<string, AttributeValue> = { decision };
  for (const field of ['name', 'reason', 'score', 'policy'] as const) {
    const value = attributes[`glassbox.guardrail.${field}`];
    if (value !== undefined) out[field] = value;
  }
  return out;
}
