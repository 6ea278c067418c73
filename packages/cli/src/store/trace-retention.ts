import type Database from 'better-sqlite3';
import { FACET, TEXT_ROWS } from './trace-query.js';

/** Traces deleted per transaction, so a big clean-up does not hold the write lock for long. */
const DELETE_BATCH = 500;
/** Deleting for size goes down to this fraction of `maxBytes`, so the next inserts do not start again at once. */
const SIZE_TARGET = 0.9;

/**
 * Keeps a store within `maxTraces` and `maxBytes` by deleting the oldest traces (by start) with their spans,
 * search rows, facets and feedback. Traces that carry feedback go last: a person's judgement is worth more
 * than a newer unjudged trace, while judged traces are at most half the store (past that, or when only judged
 * traces are left, the oldest go whatever they carry, so the limits always hold and new traces are kept). The trace and span counts are kept in memory and the size read from two page-count
 * pragmas only after enough bytes were written, so an insert that stays under both limits costs nothing here.
 */
export class TraceRetention {
  readonly #db: Database.Database;
  readonly #maxTraces: number;
  readonly #maxBytes: number;
  readonly #pageSize: number;
  readonly #checkEveryBytes: number;
  #traceCount: number;
  #spanCount: number;
  #bytesSinceCheck = 0;

  constructor(db: Database.Database, maxTraces: number, maxBytes: number) {
    this.#db = db;
    this.#maxTraces = maxTraces;
    this.#maxBytes = maxBytes;
    this.#pageSize = db.pragma('page_size', { simple: true }) as number;
    this.#checkEveryBytes = Math.max(1, Math.min(1024 * 1024, Math.floor(maxBytes / 64)));
    this.#traceCount = (db.prepare('SELECT count(*) AS n FROM traces').get() as { n: number }).n;
    this.#spanCount = (db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
    // A store opened with lower limits than it was written with is trimmed at once, not at its next insert.
    this.#bytesSinceCheck = this.#checkEveryBytes;
    this.#enforce(0);
  }

  /** Traces in the store (kept in memory: counted on insert and delete). */
  get traceCount(): number {
    return this.#traceCount;
  }

  /** Spans in the store (kept in memory like the trace count). */
  get spanCount(): number {
    return this.#spanCount;
  }

  /** Bytes of database pages in use (free pages left by deletions not counted). */
  usedBytes(): number {
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * this.#pageSize;
  }

  /** Runs after each insert with the traces and spans it created and the (approximate) bytes it wrote. */
  afterInsert(newTraces: number, newSpans: number, bytes: number): void {
    this.#traceCount += newTraces;
    this.#spanCount += newSpans;
    this.#enforce(bytes);
  }

  #enforce(bytes: number): void {
    if (this.#traceCount > this.#maxTraces) this.#deleteOldest(this.#traceCount - this.#maxTraces);
    this.#bytesSinceCheck += bytes;
    if (this.#bytesSinceCheck < this.#checkEveryBytes) return;
    this.#bytesSinceCheck = 0;
    if (this.usedBytes() <= this.#maxBytes) return;
    const target = this.#maxBytes * SIZE_TARGET;
    let deleted = false;
    while (this.#traceCount > 0 && this.usedBytes() > target) {
      // Delete a slice proportional to the overshoot, at least one trace.
      const over = 1 - target / this.usedBytes();
      const n = Math.max(1, Math.min(DELETE_BATCH, Math.ceil(this.#traceCount * Math.max(over, 0.02))));
      if (this.#deleteOldest(n) === 0) break;
      deleted = true;
    }
    if (deleted) this.#db.pragma('incremental_vacuum');
  }

  /** Deletes the `count` oldest traces, in transactions of at most `DELETE_BATCH`; returns how many went. */
  #deleteOldest(count: number): number {
    let done = 0;
    while (done < count) {
      const n = this.#deleteBatch(Math.min(DELETE_BATCH, count - done));
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  #deleteBatch(limit: number): number {
    const db = this.#db;
    let spans = 0;
    const run = db.transaction(() => {
      // Unjudged traces first (the start index, skipping judged ones), then judged ones only if need be.
      // Judged traces are spared only while they are at most half the store: past that, the oldest go
      // whatever they carry, or a store full of judged traces would delete each new trace as it arrives.
      const judgedCount = (
        db.prepare('SELECT count(*) AS n FROM traces WHERE feedback_count > 0').get() as { n: number }
      ).n;
      const spare = judgedCount <= this.#traceCount / 2;
      const oldest = db
        .prepare(
          spare
            ? 'SELECT id, tags, text_rows FROM traces WHERE feedback_count = 0 ORDER BY start_ms, id LIMIT ?'
            : 'SELECT id, tags, text_rows FROM traces ORDER BY start_ms, id LIMIT ?',
        )
        .all(limit) as { id: number; tags: string; text_rows: number }[];
      if (oldest.length < limit) {
        const judged = db
          .prepare(
            'SELECT id, tags, text_rows FROM traces WHERE feedback_count > 0 ORDER BY start_ms, id LIMIT ?',
          )
          .all(limit - oldest.length) as { id: number; tags: string; text_rows: number }[];
        oldest.push(...judged);
      }
      const spansOf = db.prepare('SELECT DISTINCT name, service_name, span_type FROM spans WHERE trace = ?');
      const deleteText = db.prepare('DELETE FROM span_text WHERE rowid = ?');
      const deleteFacet = db.prepare('DELETE FROM trace_facets WHERE kind = ? AND value = ? AND trace = ?');
      const uncount = db.prepare('UPDATE facet_counts SET n = n - 1 WHERE kind = ? AND value = ?');
      const deleteSpans = db.prepare('DELETE FROM spans WHERE trace = ?');
      const deleteFeedback = db.prepare(
        'DELETE FROM feedback WHERE trace_id = (SELECT trace_id FROM traces WHERE id = ?)',
      );
      const deleteTrace = db.prepare('DELETE FROM traces WHERE id = ?');
      for (const { id, tags, text_rows: textRows } of oldest) {
        // The facet rows of a trace are found again from its spans, so they need no index by trace.
        const facets = new Set<string>();
        const rows = spansOf.all(id) as { name: string; service_name: string; span_type: string }[];
        for (const s of rows) {
          facets.add(`${FACET.service}\0${s.service_name}`);
          facets.add(`${FACET.name}\0${s.name}`);
          facets.add(`${FACET.spanType}\0${s.span_type}`);
        }
        for (const tag of parseTags(tags)) facets.add(`${FACET.tag}\0${tag}`);
        for (const f of facets) {
          const cut = f.indexOf('\0');
          if (deleteFacet.run(f.slice(0, cut), f.slice(cut + 1), id).changes > 0)
            uncount.run(f.slice(0, cut), f.slice(cut + 1));
        }
        for (let n = 0; n < textRows; n++) deleteText.run(id * TEXT_ROWS + n);
        spans += deleteSpans.run(id).changes;
        deleteFeedback.run(id);
        deleteTrace.run(id);
      }
      if (oldest.length > 0) db.prepare('DELETE FROM facet_counts WHERE n <= 0').run();
      return oldest.length;
    });
    const n = run();
    this.#traceCount = Math.max(0, this.#traceCount - n);
    this.#spanCount = Math.max(0, this.#spanCount - spans);
    return n;
  }
}

function parseTags(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((t) => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
