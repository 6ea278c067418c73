import { assertOptions, type Rule, rules } from '@glassbox/core/instrumentation';
import type { DatasetExample, FeedbackRecord } from '@glassbox/evals';
import type Database from 'better-sqlite3';
import { datasetExampleOf } from './dataset-example.js';
import { type FeedbackInput, feedbackRecordOf } from './feedback-input.js';
import { openDatabase } from './schema.js';
import type { SpanRecord } from './span-record.js';
import { SPAN_COLUMNS, SPAN_JOINS, type SpanRow, spanOfRow } from './span-rows.js';
import { type InsertResult, SpanWriter } from './span-writer.js';
import { StatementCache } from './statement-cache.js';
import { StoreInputError } from './store-errors.js';
import { summaryOf, type TraceRow, type TraceSummary } from './trace-aggregate.js';
import { countMatches, pageOf } from './trace-pages.js';
import { compileQuery, decodeCursor, FACET, MAX_LIMIT, type TraceQuery } from './trace-query.js';
import { TraceRetention } from './trace-retention.js';

/** Options for `TraceStore.open`. */
export interface TraceStoreOptions {
  /** A file (its directory is created) or `':memory:'`. */
  path: string;
  /** Oldest traces are deleted beyond this many; default 10,000. */
  maxTraces?: number;
  /** Oldest traces are deleted when the database uses more bytes than this; default 512 MiB. */
  maxBytes?: number;
}

/** One page of the trace list, newest first. */
export interface TracePage {
  traces: TraceSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** How many traces match the filters (all pages). */
  total: number;
}

/** A trace with all its spans (by start time) and its feedback. */
export interface TraceDetail {
  summary: TraceSummary;
  spans: SpanRecord[];
  feedback: FeedbackRecord[];
}

/** The values the list's filters can take. */
export interface TraceFacets {
  services: string[];
  spanNames: string[];
  spanTypes: string[];
  tags: string[];
}

/** Filters of `listFeedback`. */
export interface FeedbackQuery {
  traceId?: string;
  spanId?: string;
  /** The source type: `human`, `llm_judge` or `code`. */
  source?: string;
  name?: string;
  limit?: number;
  cursor?: string;
}

/** One page of feedback, newest first. */
export interface FeedbackPage {
  feedback: FeedbackRecord[];
  nextCursor: string | null;
}

/** Counts and size of a store. */
export interface StoreInfo {
  traceCount: number;
  spanCount: number;
  feedbackCount: number;
  sizeBytes: number;
  path: string;
}

const OPTIONS = rules.object(
  {
    path: rules.string({ nonEmpty: true }),
    maxTraces: rules.integer(1),
    maxBytes: rules.integer(1),
  } satisfies Record<keyof TraceStoreOptions, Rule>,
  { required: ['path'] },
);
const DEFAULT_MAX_TRACES = 10_000;
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const FACET_LIMIT = 1000;
const PAGE = 500;

/**
 * The viewer's trace store: spans from any OpenTelemetry app in SQLite, with a summary per trace kept up
 * to date on insert (in any span order), feedback, free-text search and retention by count and size.
 */
export class TraceStore {
  readonly #db: Database.Database;
  readonly #sql: StatementCache;
  readonly #path: string;
  readonly #writer: SpanWriter;
  readonly #retention: TraceRetention;
  readonly #insertBatch: (spans: SpanRecord[]) => InsertResult;

  private constructor(db: Database.Database, path: string, maxTraces: number, maxBytes: number) {
    this.#db = db;
    this.#sql = new StatementCache(db);
    this.#path = path;
    this.#writer = new SpanWriter(this.#sql);
    this.#retention = new TraceRetention(db, maxTraces, maxBytes);
    this.#insertBatch = db.transaction((spans: SpanRecord[]) => this.#writer.insert(spans));
  }

  /** Opens or creates a store; throws `GlassboxConfigError` for bad options and `StoreOpenError` for a bad file. */
  static open(options: TraceStoreOptions): TraceStore {
    assertOptions(options, OPTIONS, 'TraceStore.open');
    const db = openDatabase(options.path);
    try {
      return new TraceStore(
        db,
        options.path,
        options.maxTraces ?? DEFAULT_MAX_TRACES,
        options.maxBytes ?? DEFAULT_MAX_BYTES,
      );
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Stores spans (one transaction), skipping ones already stored; returns how many were new and their traces. */
  insertSpans(spans: SpanRecord[]): { inserted: number; traceIds: string[] } {
    if (!Array.isArray(spans)) throw new StoreInputError('spans', 'expected an array of span records');
    if (spans.length === 0) return { inserted: 0, traceIds: [] };
    const result = this.#insertBatch(spans);
    this.#retention.afterInsert(result.newTraces, result.inserted, result.bytes);
    return { inserted: result.inserted, traceIds: result.traceIds };
  }

  /** A page of traces, newest first, with the number of all matches. */
  listTraces(query: TraceQuery = {}): TracePage {
    const compiled = compileQuery(query);
    const total = countMatches(this.#sql, compiled);
    const page = pageOf(this.#sql, compiled, total, this.#retention.traceCount);
    return { ...page, total };
  }

  /** A trace's summary, spans (by start time) and feedback; undefined when the store does not have it. */
  getTrace(traceId: string): TraceDetail | undefined {
    if (typeof traceId !== 'string') return undefined;
    const id = traceId.toLowerCase();
    const row = this.#sql.get('SELECT * FROM traces WHERE trace_id = ?').get(id) as TraceRow | undefined;
    if (row === undefined) return undefined;
    const spans = (
      this.#sql
        .get(`SELECT ${SPAN_COLUMNS} FROM spans s ${SPAN_JOINS} WHERE s.trace = ? ORDER BY s.start_ms, s.id`)
        .all(row.id) as SpanRow[]
    ).map(spanOfRow);
    return { summary: summaryOf(row), spans, feedback: this.#feedbackOf(id) };
  }

  /** The root span id the trace's summary names (undefined for an unknown trace), without reading its spans. */
  rootSpanIdOf(traceId: string): string | undefined {
    if (typeof traceId !== 'string') return undefined;
    const row = this.#sql
      .get('SELECT root_span_id FROM traces WHERE trace_id = ?')
      .get(traceId.toLowerCase()) as { root_span_id: string | null } | undefined;
    return row?.root_span_id ?? undefined;
  }

  #feedbackOf(traceId: string): FeedbackRecord[] {
    const rows = this.#sql
      .get('SELECT json FROM feedback WHERE trace_id = ? ORDER BY created_at, seq')
      .all(traceId);
    return (rows as { json: string }[]).map((r) => JSON.parse(r.json));
  }

  /** The distinct services, span names, span types and tags (each sorted, at most 1,000). */
  facets(): TraceFacets {
    const distinct = this.#sql.get(
      `SELECT value FROM facet_counts WHERE kind = ? AND n > 0 ORDER BY value LIMIT ${FACET_LIMIT}`,
    );
    const values = (kind: string) => (distinct.all(kind) as { value: string }[]).map((r) => r.value);
    return {
      services: values(FACET.service),
      spanNames: values(FACET.name),
      spanTypes: values(FACET.spanType),
      tags: values(FACET.tag),
    };
  }

  /** Checks and stores a judgement (throws `StoreInputError` naming the bad field); returns the record. */
  addFeedback(input: FeedbackInput): FeedbackRecord {
    const record = feedbackRecordOf(input);
    this.#writer.storeFeedback(record);
    return record;
  }

  /** A page of feedback, newest first. */
  listFeedback(query: FeedbackQuery = {}): FeedbackPage {
    if (query === null || typeof query !== 'object') throw new StoreInputError('query', 'expected an object');
    const where: string[] = [];
    const params: unknown[] = [];
    const columns = { traceId: 'trace_id', spanId: 'span_id', source: 'source_type', name: 'name' } as const;
    for (const [key, column] of Object.entries(columns) as [keyof typeof columns, string][]) {
      const v = query[key];
      if (v === undefined || v === '') continue;
      if (typeof v !== 'string') throw new StoreInputError(key, 'expected a string');
      where.push(`${column} = ?`);
      params.push(key === 'traceId' || key === 'spanId' ? v.toLowerCase() : v);
    }
    const limit = pageLimit(query.limit);
    if (query.cursor !== undefined && query.cursor !== '') {
      const text = Buffer.from(String(query.cursor), 'base64url').toString('utf8');
      const seq = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(seq))
        throw new StoreInputError('cursor', 'not a cursor from a previous page');
      where.push('seq < ?');
      params.push(seq);
    }
    const rows = this.#sql
      .get(
        `SELECT seq, json FROM feedback ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT ?`,
      )
      .all(...params, limit + 1) as { seq: number; json: string }[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows.at(-1);
    return {
      feedback: rows.map((r) => JSON.parse(r.json)),
      nextCursor: more && last ? Buffer.from(String(last.seq)).toString('base64url') : null,
    };
  }

  /** Every feedback record, oldest first, read in pages (the store may be written to meanwhile). */
  *feedbackRecords(): IterableIterator<FeedbackRecord> {
    const page = this.#sql.get('SELECT seq, json FROM feedback WHERE seq > ? ORDER BY seq LIMIT ?');
    for (let after = 0; ; ) {
      const rows = page.all(after, PAGE) as { seq: number; json: string }[];
      for (const r of rows) yield JSON.parse(r.json);
      if (rows.length < PAGE) return;
      after = (rows.at(-1) as { seq: number }).seq;
    }
  }

  /** One dataset example per matching trace, newest first (`limit` and `cursor` of the query are ignored). */
  *dataset(query: TraceQuery = {}): IterableIterator<DatasetExample> {
    const { limit: _limit, cursor: _cursor, ...filters } = query;
    const compiled = compileQuery(filters);
    compiled.limit = MAX_LIMIT;
    const total = countMatches(this.#sql, compiled);
    const rootOf = this.#sql.get(
      `SELECT ${SPAN_COLUMNS} FROM spans s ${SPAN_JOINS} WHERE tr.trace_id = ? AND s.span_id = ?`,
    );
    for (;;) {
      const { traces, nextCursor } = pageOf(this.#sql, compiled, total, this.#retention.traceCount);
      for (const summary of traces) {
        const row = summary.rootSpanId
          ? (rootOf.get(summary.traceId, summary.rootSpanId) as SpanRow | undefined)
          : undefined;
        yield datasetExampleOf(summary, row ? spanOfRow(row) : undefined, this.#feedbackOf(summary.traceId));
      }
      if (nextCursor === null) return;
      compiled.cursor = decodeCursor(nextCursor);
    }
  }

  /** Every stored span, in insertion order, read in pages (for `glassbox stats`). */
  *spans(): IterableIterator<SpanRecord> {
    const page = this.#sql.get(
      `SELECT ${SPAN_COLUMNS} FROM spans s ${SPAN_JOINS} WHERE s.id > ? ORDER BY s.id LIMIT ?`,
    );
    for (let after = 0; ; ) {
      const rows = page.all(after, PAGE) as SpanRow[];
      for (const r of rows) yield spanOfRow(r);
      if (rows.length < PAGE) return;
      after = (rows.at(-1) as SpanRow).id;
    }
  }

  /** Counts (traces and spans kept in memory, as this process wrote them) and the bytes the database uses. */
  info(): StoreInfo {
    const feedback = this.#sql.get('SELECT count(*) AS n FROM feedback').get() as { n: number };
    return {
      traceCount: this.#retention.traceCount,
      spanCount: this.#retention.spanCount,
      feedbackCount: feedback.n,
      sizeBytes: this.#retention.usedBytes(),
      path: this.#path,
    };
  }

  /** Closes the database (a WAL file is checkpointed into the main file). */
  close(): void {
    if (!this.#db.open) return;
    try {
      this.#db.pragma('optimize');
    } catch {
      // best effort: statistics for the query planner
    }
    this.#db.close();
  }
}

function pageLimit(limit: unknown): number {
  if (limit === undefined) return 50;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
    throw new StoreInputError('limit', `expected an integer from 1 to ${MAX_LIMIT}`);
  return Math.min(limit, MAX_LIMIT);
}
