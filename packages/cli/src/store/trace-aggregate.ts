import type { SpanFacts } from './span-facts.js';
import type { SpanRecord } from './span-record.js';

/** A `traces` row as SQLite gives and takes it. */
export interface TraceRow {
  id: number;
  trace_id: string;
  root_span_id: string | null;
  root_name: string;
  root_rank: number;
  root_status: number;
  service_name: string;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  span_count: number;
  error_count: number;
  status_code: number;
  session_id: string | null;
  user_id: string | null;
  tags: string;
  span_types: string;
  flagged: number;
  feedback_count: number;
  gen_in: number;
  gen_out: number;
  oi_in: number;
  oi_out: number;
  ai_in: number;
  ai_out: number;
  trace_in: number | null;
  trace_out: number | null;
  trace_cost: number | null;
  cost_sum: number | null;
  input_preview: string | null;
  output_preview: string | null;
  ranks: string;
  text_rows: number;
}

/** A trace summary while a batch is folded into it: the row with its JSON columns parsed. */
export interface TraceAggregate {
  row: TraceRow;
  tags: string[];
  spanTypes: string[];
  /**
   * For each value taken from the best-ranked span that has it (session, previews...), that span's rank and
   * id (ties go to the smaller span id, as for the root, so the arrival order does not matter).
   */
  ranks: Record<string, [rank: number, spanId: string]>;
  isNew: boolean;
  /** Search text of the spans added in this batch, indexed as one row at the end of the batch. */
  text: string[];
}

/** One trace of a page, as the HTTP API and the page show it. */
export interface TraceSummary {
  traceId: string;
  rootSpanId?: string;
  rootName: string;
  serviceName: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  spanTypes: string[];
  sessionId?: string;
  userId?: string;
  tags: string[];
  flagged: boolean;
  feedbackCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  inputPreview?: string;
  outputPreview?: string;
}

const MAX_TAGS = 50;

/** An empty aggregate for a trace seen for the first time. */
export function newAggregate(traceId: string, feedbackCount: number): TraceAggregate {
  return {
    row: {
      id: 0,
      trace_id: traceId,
      root_span_id: null,
      root_name: '',
      root_rank: Number.MAX_VALUE,
      root_status: 0,
      service_name: '',
      start_ms: Number.MAX_VALUE,
      end_ms: -Number.MAX_VALUE,
      duration_ms: 0,
      span_count: 0,
      error_count: 0,
      status_code: 0,
      session_id: null,
      user_id: null,
      tags: '[]',
      span_types: '[]',
      flagged: 0,
      feedback_count: feedbackCount,
      gen_in: 0,
      gen_out: 0,
      oi_in: 0,
      oi_out: 0,
      ai_in: 0,
      ai_out: 0,
      trace_in: null,
      trace_out: null,
      trace_cost: null,
      cost_sum: null,
      input_preview: null,
      output_preview: null,
      ranks: '{}',
      text_rows: 0,
    },
    tags: [],
    spanTypes: [],
    ranks: {},
    isNew: true,
    text: [],
  };
}

/** The aggregate of a stored row. */
export function aggregateOf(row: TraceRow): TraceAggregate {
  return {
    row,
    tags: jsonArray(row.tags),
    spanTypes: jsonArray(row.span_types),
    ranks: ranksOf(row.ranks),
    isNew: false,
    text: [],
  };
}

/**
 * Adds one newly stored span to its trace. Every rule is order-free (sums, min/max, unions, and "the value
 * of the best-ranked span that has one"), so the summary is the same whatever order the spans arrive in.
 */
export function foldSpan(agg: TraceAggregate, span: SpanRecord, facts: SpanFacts): void {
  const r = agg.row;
  r.span_count += 1;
  if (facts.error) r.error_count += 1;
  const start = finite(span.startMs);
  const end = start + Math.max(0, finite(span.durationMs));
  if (start < r.start_ms) r.start_ms = start;
  if (end > r.end_ms) r.end_ms = end;
  // Rounded to the nanosecond: the difference of two epoch doubles carries float noise below that.
  r.duration_ms = Math.max(0, Math.round((r.end_ms - r.start_ms) * 1e6) / 1e6);
  if (facts.rank < r.root_rank || (facts.rank === r.root_rank && span.spanId < (r.root_span_id ?? ''))) {
    r.root_rank = facts.rank;
    r.root_span_id = span.spanId;
    r.root_name = span.name;
    r.root_status = span.statusCode === 1 || span.statusCode === 2 ? span.statusCode : 0;
    r.service_name = span.serviceName;
  }
  r.status_code = r.error_count > 0 ? 2 : r.root_status;
  const by = { rank: facts.rank, spanId: span.spanId };
  pick(agg, 'session_id', facts.sessionId, by);
  pick(agg, 'user_id', facts.userId, by);
  pick(agg, 'input_preview', facts.inputPreview, by);
  pick(agg, 'output_preview', facts.outputPreview, by);
  pick(agg, 'trace_in', facts.traceIn, by);
  pick(agg, 'trace_out', facts.traceOut, by);
  pick(agg, 'trace_cost', facts.traceCost, by);
  for (const tag of facts.tags) if (agg.tags.length < MAX_TAGS && !agg.tags.includes(tag)) agg.tags.push(tag);
  if (!agg.spanTypes.includes(facts.spanType)) agg.spanTypes.push(facts.spanType);
  if (facts.flagged) r.flagged = 1;
  r.gen_in += facts.genIn;
  r.gen_out += facts.genOut;
  r.oi_in += facts.oiIn;
  r.oi_out += facts.oiOut;
  r.ai_in += facts.aiIn;
  r.ai_out += facts.aiOut;
  if (facts.cost !== undefined) r.cost_sum = (r.cost_sum ?? 0) + facts.cost;
  if (facts.searchText !== '') agg.text.push(facts.searchText);
}

/** The row to write back, with its JSON columns serialised. */
export function rowOf(agg: TraceAggregate): TraceRow {
  agg.row.tags = JSON.stringify(agg.tags);
  agg.row.span_types = JSON.stringify([...agg.spanTypes].sort());
  agg.row.ranks = JSON.stringify(agg.ranks);
  return agg.row;
}

type Picked =
  | 'session_id'
  | 'user_id'
  | 'input_preview'
  | 'output_preview'
  | 'trace_in'
  | 'trace_out'
  | 'trace_cost';

function pick(
  agg: TraceAggregate,
  key: Picked,
  value: string | number | undefined,
  by: { rank: number; spanId: string },
): void {
  if (value === undefined) return;
  const held = agg.ranks[key];
  if (held !== undefined && (held[0] < by.rank || (held[0] === by.rank && held[1] <= by.spanId))) return;
  agg.ranks[key] = [by.rank, by.spanId];
  (agg.row as unknown as Record<string, unknown>)[key] = value;
}

/** The summary the API returns. Tokens: Glassbox's trace totals, else GenAI, OpenInference or Vercel AI SDK sums. */
export function summaryOf(r: TraceRow): TraceSummary {
  const summary: TraceSummary = {
    traceId: r.trace_id,
    rootName: r.root_name,
    serviceName: r.service_name,
    startMs: r.start_ms,
    durationMs: r.duration_ms,
    spanCount: r.span_count,
    errorCount: r.error_count,
    spanTypes: jsonArray(r.span_types),
    tags: jsonArray(r.tags),
    flagged: r.flagged === 1,
    feedbackCount: r.feedback_count,
    inputTokens: r.trace_in ?? (r.gen_in || r.oi_in || r.ai_in),
    outputTokens: r.trace_out ?? (r.gen_out || r.oi_out || r.ai_out),
    costUsd: r.trace_cost ?? r.cost_sum ?? null,
  };
  if (r.root_span_id !== null) summary.rootSpanId = r.root_span_id;
  if (r.session_id !== null) summary.sessionId = r.session_id;
  if (r.user_id !== null) summary.userId = r.user_id;
  if (r.input_preview !== null) summary.inputPreview = r.input_preview;
  if (r.output_preview !== null) summary.outputPreview = r.output_preview;
  return summary;
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

function jsonArray(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The `ranks` column; a bare number (a row written before span ids were kept) holds its value on ties. */
function ranksOf(text: string): Record<string, [number, string]> {
  const out: Record<string, [number, string]> = {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return out;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [key, held] of Object.entries(v)) {
    if (typeof held === 'number') out[key] = [held, ''];
    else if (Array.isArray(held) && typeof held[0] === 'number' && typeof held[1] === 'string')
      out[key] = [held[0], held[1]];
  }
  return out;
}
