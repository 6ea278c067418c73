import { ATTR } from '@glassbox/core';
import type { Attrs, AttrValue, SpanRecord } from './span-record.js';

/** What the store reads out of one span for its trace summary, filters and search index. */
export interface SpanFacts {
  spanType: string;
  /** Orders the candidates for the trace's root and its previews: a span without parent first, then earlier starts. */
  rank: number;
  error: boolean;
  sessionId?: string;
  userId?: string;
  tags: string[];
  flagged: boolean;
  /** Token counts per convention, summed per trace and read in order of preference. */
  genIn: number;
  genOut: number;
  oiIn: number;
  oiOut: number;
  aiIn: number;
  aiOut: number;
  /** `glassbox.trace.*` totals written on a Glassbox root span. */
  traceIn?: number;
  traceOut?: number;
  traceCost?: number;
  cost?: number;
  inputPreview?: string;
  outputPreview?: string;
  /** The text indexed for free-text search ('' when none). */
  searchText: string;
}

export const PREVIEW_CHARS = 200;
/** Bounds the text indexed per span, so one huge prompt does not dominate the index. */
const MAX_SEARCH_CHARS = 32_768;
const MAX_TAGS = 50;
const MAX_LABEL_CHARS = 200;
// A span without a parent always outranks one with a parent, whatever their start times.
const ROOT_BONUS = 1e15;

const OPERATION_TYPES: Record<string, string> = {
  chat: 'LLM',
  text_completion: 'LLM',
  generate_content: 'LLM',
  execute_tool: 'TOOL',
  embeddings: 'EMBEDDING',
  retrieval: 'RETRIEVER',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
};

/** One attribute of the span, parsed where it is JSON (memoized per span). */
type Parse = (key: string) => unknown;

const SEARCH_KEYS = [
  ATTR.INPUTS,
  ATTR.OUTPUTS,
  ATTR.GEN_AI_INPUT_MESSAGES,
  ATTR.GEN_AI_OUTPUT_MESSAGES,
  'input.value',
  'output.value',
  ATTR.REWRITE_ORIGINAL,
  ATTR.REWRITE_REWRITTEN,
  ATTR.RETRIEVAL_QUERY,
  'ai.prompt',
  'ai.response.text',
];

/** Reads the facts of a span; never throws on odd attribute values. */
export function spanFacts(span: SpanRecord): SpanFacts {
  const a = span.attributes;
  // The previews and the search text read the same attributes: each JSON value is parsed once.
  const parsed = new Map<string, unknown>();
  const parse: Parse = (key) => {
    if (!parsed.has(key)) parsed.set(key, parsedValue(a[key]));
    return parsed.get(key);
  };
  const facts: SpanFacts = {
    spanType: spanTypeOf(a),
    rank: span.startMs - (span.parentSpanId ? 0 : ROOT_BONUS),
    error: span.statusCode === 2,
    tags: tagsOf(a),
    flagged: bool(a[ATTR.REWRITE_FLAGGED]),
    genIn: count(a[ATTR.GEN_AI_USAGE_INPUT_TOKENS]),
    genOut: count(a[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]),
    oiIn: count(a['llm.token_count.prompt']),
    oiOut: count(a['llm.token_count.completion']),
    aiIn: count(a['ai.usage.inputTokens'] ?? a['ai.usage.promptTokens']),
    aiOut: count(a['ai.usage.outputTokens'] ?? a['ai.usage.completionTokens']),
    searchText: searchTextOf(a, parse),
  };
  const session = label(a[ATTR.SESSION_ID] ?? a['ai.telemetry.metadata.sessionId']);
  if (session !== undefined) facts.sessionId = session;
  const user = label(a[ATTR.USER_ID] ?? a['ai.telemetry.metadata.userId'] ?? a['enduser.id']);
  if (user !== undefined) facts.userId = user;
  const traceIn = num(a[ATTR.TRACE_INPUT_TOKENS]);
  if (traceIn !== undefined) facts.traceIn = traceIn;
  const traceOut = num(a[ATTR.TRACE_OUTPUT_TOKENS]);
  if (traceOut !== undefined) facts.traceOut = traceOut;
  const traceCost = num(a[ATTR.TRACE_COST_USD]);
  if (traceCost !== undefined) facts.traceCost = traceCost;
  const cost = num(a[ATTR.GEN_AI_USAGE_COST]);
  if (cost !== undefined) facts.cost = cost;
  const input = previewOf(a, 'input', parse);
  if (input) facts.inputPreview = input;
  const output = previewOf(a, 'output', parse);
  if (output) facts.outputPreview = output;
  return facts;
}

/** The span type: Glassbox's, else OpenInference's, else inferred from the GenAI operation, else UNKNOWN. */
export function spanTypeOf(a: Attrs): string {
  const own = label(a[ATTR.SPAN_TYPE]) ?? label(a['openinference.span.kind']);
  if (own !== undefined) return own.toUpperCase();
  const op = label(a[ATTR.GEN_AI_OPERATION_NAME]);
  if (op !== undefined && Object.hasOwn(OPERATION_TYPES, op)) return OPERATION_TYPES[op] as string;
  const vercel = label(a['ai.operationId']);
  if (vercel !== undefined) {
    if (/\.do(Generate|Stream)$/.test(vercel)) return 'LLM';
    if (/\.doEmbed$/.test(vercel)) return 'EMBEDDING';
    if (vercel === 'ai.toolCall') return 'TOOL';
  }
  return 'UNKNOWN';
}

/** Parses a JSON string attribute, or gives the value itself (undefined when absent). */
export function parsedValue(value: AttrValue | undefined): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  const t = value.trimStart();
  if (t[0] !== '{' && t[0] !== '[' && t[0] !== '"') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The inputs or outputs of a span, as a dataset wants them: parsed JSON where it is JSON. */
export function ioValue(a: Attrs, side: 'input' | 'output'): unknown {
  const own = a[side === 'input' ? ATTR.INPUTS : ATTR.OUTPUTS];
  if (own !== undefined && own !== null) return parsedValue(own);
  const oi = a[side === 'input' ? 'input.value' : 'output.value'];
  if (oi !== undefined && oi !== null) return parsedValue(oi);
  const messages = a[side === 'input' ? ATTR.GEN_AI_INPUT_MESSAGES : ATTR.GEN_AI_OUTPUT_MESSAGES];
  if (messages !== undefined && messages !== null) return parsedValue(messages);
  const vercel = a[side === 'input' ? 'ai.prompt' : 'ai.response.text'];
  if (vercel !== undefined && vercel !== null) return parsedValue(vercel);
  return undefined;
}

function previewOf(a: Attrs, side: 'input' | 'output', parse: Parse): string | undefined {
  const present = (key: string) => a[key] !== undefined && a[key] !== null;
  const ownKey = side === 'input' ? ATTR.INPUTS : ATTR.OUTPUTS;
  const own = present(ownKey) ? ownKey : `${side}.value`;
  const messages = side === 'input' ? ATTR.GEN_AI_INPUT_MESSAGES : ATTR.GEN_AI_OUTPUT_MESSAGES;
  const vercel = side === 'input' ? 'ai.prompt' : 'ai.response.text';
  let text: string | undefined;
  if (present(own)) text = leafText(parse(own));
  else if (present(messages)) text = messageText(parse(messages), side);
  else if (present(vercel)) text = leafText(parse(vercel));
  return text ? cut(text, PREVIEW_CHARS) : undefined;
}

/** The text of the last user message (inputs) or the first assistant message (outputs). */
function messageText(messages: unknown, side: 'input' | 'output'): string {
  if (!Array.isArray(messages)) return leafText(messages);
  const wanted = side === 'input' ? 'user' : 'assistant';
  const list = side === 'input' ? [...messages].reverse() : messages;
  const pick = list.find((m) => m && typeof m === 'object' && (m as any).role === wanted) ?? list[0];
  if (pick && typeof pick === 'object') {
    const m = pick as Record<string, unknown>;
    return leafText(m.parts ?? m.content ?? m);
  }
  return leafText(pick);
}

/** The string leaves of a value, joined by spaces; keys and JSON punctuation left out. */
export function leafText(value: unknown, limit = MAX_SEARCH_CHARS): string {
  const out: string[] = [];
  let size = 0;
  const visit = (v: unknown, depth: number): void => {
    if (size >= limit || depth > 20) return;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s) {
        out.push(s);
        size += s.length + 1;
      }
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      if (depth === 0) out.push(String(v));
    } else if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        // Part and message metadata ("type": "text", "role": "user") is not what people search for.
        if (k === 'type' || k === 'role' || k === 'finish_reason' || k === 'id') continue;
        visit(item, depth + 1);
      }
    }
  };
  visit(value, 0);
  const text = out.join(' ');
  return text.length > limit ? text.slice(0, limit) : text;
}

function searchTextOf(a: Attrs, parse: Parse): string {
  const parts: string[] = [];
  let size = 0;
  for (const key of SEARCH_KEYS) {
    const v = a[key];
    if (v === undefined || v === null || size >= MAX_SEARCH_CHARS) continue;
    const text = leafText(parse(key), MAX_SEARCH_CHARS - size);
    if (text) {
      parts.push(text);
      size += text.length + 1;
    }
  }
  return parts.join('\n');
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function tagsOf(a: Attrs): string[] {
  const raw = parsedValue(a[ATTR.TRACE_TAGS] ?? a['tag.tags']);
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const tags: string[] = [];
  for (const t of list) {
    const tag = label(t as AttrValue);
    if (tag !== undefined && !tags.includes(tag)) tags.push(tag);
    if (tags.length >= MAX_TAGS) break;
  }
  return tags;
}

/** A short identifier-like string (session, user, tag, type), or undefined. */
function label(v: AttrValue | undefined): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' ? undefined : s.slice(0, MAX_LABEL_CHARS);
}

function bool(v: AttrValue | undefined): boolean {
  return v === true || v === 'true';
}

function num(v: AttrValue | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function count(v: AttrValue | undefined): number {
  const n = num(v);
  return n !== undefined && n > 0 ? n : 0;
}
