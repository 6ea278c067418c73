import type { FeedbackRecord } from '@glassbox/evals';
import { feedbackFromSpan } from './feedback-input.js';
import { spanFacts } from './span-facts.js';
import type { SpanRecord } from './span-record.js';
import { normalizeSpan, safeJson } from './span-rows.js';
import type { StatementCache } from './statement-cache.js';
import {
  aggregateOf,
  foldSpan,
  newAggregate,
  rowOf,
  type TraceAggregate,
  type TraceRow,
} from './trace-aggregate.js';
import { FACET, TEXT_ROWS } from './trace-query.js';

/** What one insert did. */
export interface InsertResult {
  inserted: number;
  traceIds: string[];
  /** Approximate bytes written, for the retention's size checks. */
  bytes: number;
  /** Traces created by this insert. */
  newTraces: number;
}

const TRACE_COLUMNS = [
  'root_span_id',
  'root_name',
  'root_rank',
  'root_status',
  'service_name',
  'start_ms',
  'end_ms',
  'duration_ms',
  'span_count',
  'error_count',
  'status_code',
  'session_id',
  'user_id',
  'tags',
  'span_types',
  'flagged',
  'feedback_count',
  'gen_in',
  'gen_out',
  'oi_in',
  'oi_out',
  'ai_in',
  'ai_out',
  'trace_in',
  'trace_out',
  'trace_cost',
  'cost_sum',
  'input_preview',
  'output_preview',
  'ranks',
  'text_rows',
];
const INSERT_TRACE = `INSERT INTO traces (trace_id, ${TRACE_COLUMNS.join(', ')})
  VALUES (@trace_id, ${TRACE_COLUMNS.map((c) => `@${c}`).join(', ')})`;
const UPDATE_TRACE = `UPDATE traces SET ${TRACE_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
const INSERT_SPAN = `INSERT OR IGNORE INTO spans (trace, span_id, parent_span_id, name, kind, start_ns, end_ns,
  start_ms, duration_ms, status_code, status_message, service_name, span_type, origin_id, attributes, events, links)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Writes span batches and feedback, keeping each trace's summary row, facets and search rows in step. */
export class SpanWriter {
  readonly #sql: StatementCache;
  readonly #origins = new Map<string, number>();

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  /** Inserts a batch; run it inside a transaction. */
  insert(spans: readonly SpanRecord[]): InsertResult {
    const sql = this.#sql;
    const traces = new Map<string, TraceAggregate>();
    const touched = new Set<string>();
    const result: InsertResult = { inserted: 0, traceIds: [], bytes: 0, newTraces: 0 };
    const insertSpan = sql.get(INSERT_SPAN);
    const facetRow = sql.get('INSERT OR IGNORE INTO trace_facets (kind, value, trace) VALUES (?, ?, ?)');
    const facetCount = sql.get(
      'INSERT INTO facet_counts (kind, value, n) VALUES (?, ?, 1) ON CONFLICT (kind, value) DO UPDATE SET n = n + 1',
    );
    const insertFacet = (kind: string, value: string, trace: number) => {
      if (facetRow.run(kind, value, trace).changes > 0) facetCount.run(kind, value);
    };
    for (const raw of spans) {
      const span = normalizeSpan(raw);
      if (span === undefined) continue;
      let agg = traces.get(span.traceId);
      if (agg === undefined) {
        agg = this.#aggregate(span.traceId);
        traces.set(span.traceId, agg);
      }
      const facts = spanFacts(span);
      const attributes = safeJson(span.attributes);
      const events = span.events.length > 0 ? safeJson(span.events) : null;
      const links = span.links.length > 0 ? safeJson(span.links) : null;
      const res = insertSpan.run(
        agg.row.id,
        span.spanId,
        span.parentSpanId ?? null,
        span.name,
        span.kind,
        span.startTimeUnixNano,
        span.endTimeUnixNano,
        span.startMs,
        span.durationMs,
        span.statusCode,
        span.statusMessage ?? null,
        span.serviceName,
        facts.spanType,
        this.#originId(safeJson({ resource: span.resource, scope: span.scope })),
        attributes,
        events,
        links,
      );
      if (res.changes === 0) continue; // already stored: a re-sent batch
      result.inserted += 1;
      result.bytes += attributes.length + (events?.length ?? 0) + (links?.length ?? 0) + 200;
      foldSpan(agg, span, facts);
      touched.add(span.traceId);
      const id = agg.row.id;
      insertFacet(FACET.service, span.serviceName, id);
      insertFacet(FACET.name, span.name, id);
      insertFacet(FACET.spanType, facts.spanType, id);
      for (const tag of facts.tags) if (agg.tags.includes(tag)) insertFacet(FACET.tag, tag, id);
      const feedback = feedbackFromSpan(span);
      if (feedback !== undefined && this.storeFeedback(feedback, traces)) touched.add(feedback.traceId);
    }
    const insertText = sql.get('INSERT INTO span_text (rowid, body) VALUES (?, ?)');
    const update = sql.get(UPDATE_TRACE);
    for (const agg of traces.values()) {
      if (agg.text.length > 0 && agg.row.text_rows < TEXT_ROWS) {
        insertText.run(agg.row.id * TEXT_ROWS + agg.row.text_rows, agg.text.join('\n'));
        agg.row.text_rows += 1;
      }
      if (!touched.has(agg.row.trace_id)) continue; // only duplicates: nothing changed
      update.run(rowOf(agg));
      if (agg.isNew) result.newTraces += 1;
    }
    result.traceIds = [...touched];
    return result;
  }

  /** The trace's aggregate, creating its row (so spans can refer to its id) when it is new. */
  #aggregate(traceId: string): TraceAggregate {
    const row = this.#sql.get('SELECT * FROM traces WHERE trace_id = ?').get(traceId) as TraceRow | undefined;
    if (row !== undefined) return aggregateOf(row);
    // Feedback may have arrived before any span of its trace.
    const count = this.#sql.get('SELECT count(*) AS n FROM feedback WHERE trace_id = ?').get(traceId) as {
      n: number;
    };
    const agg = newAggregate(traceId, count.n);
    agg.row.id = Number(this.#sql.get(INSERT_TRACE).run(rowOf(agg)).lastInsertRowid);
    return agg;
  }

  #originId(json: string): number {
    let id = this.#origins.get(json);
    if (id !== undefined) return id;
    this.#sql.get('INSERT OR IGNORE INTO origins (json) VALUES (?)').run(json);
    id = (this.#sql.get('SELECT id FROM origins WHERE json = ?').get(json) as { id: number }).id;
    if (this.#origins.size > 1000) this.#origins.clear();
    this.#origins.set(json, id);
    return id;
  }

  /** Stores a record unless its id is there; counts it on its trace (in the batch's aggregates or the table). */
  storeFeedback(record: FeedbackRecord, batch?: Map<string, TraceAggregate>): boolean {
    const res = this.#sql
      .get(
        `INSERT OR IGNORE INTO feedback (id, trace_id, span_id, name, source_type, created_at, json)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.traceId,
        record.spanId ?? null,
        record.name,
        record.source.type,
        record.createdAt,
        JSON.stringify(record),
      );
    if (res.changes === 0) return false;
    const agg = batch?.get(record.traceId);
    if (agg !== undefined) agg.row.feedback_count += 1;
    else
      this.#sql
        .get('UPDATE traces SET feedback_count = feedback_count + 1 WHERE trace_id = ?')
        .run(record.traceId);
    return true;
  }
}
