import type { StatementCache } from './statement-cache.js';
import { summaryOf, type TraceRow, type TraceSummary } from './trace-aggregate.js';
import { type CompiledQuery, encodeCursor } from './trace-query.js';

/** One page of summaries and the cursor after it. */
export interface SummaryPage {
  traces: TraceSummary[];
  nextCursor: string | null;
}

/**
 * How many traces match. One facet: its kept count. Otherwise the matching ids are read from indexes
 * only (facet keys, partial and column indexes, the text index), one list driving and the others probed,
 * so no trace row is read; rows are read only when every filter is negative.
 */
export function countMatches(sql: StatementCache, q: CompiledQuery): number {
  const filters = q.filters;
  if (filters.length === 0) return (sql.get('SELECT count(*) AS n FROM traces').get() as { n: number }).n;
  const only = filters.length === 1 ? filters[0] : undefined;
  if (only?.countAlone !== undefined)
    return (sql.get(only.countAlone).get(...only.params) as { n: number }).n;
  const ids = matchingIds(q);
  if (ids === undefined) {
    const text = `SELECT count(*) AS n FROM traces t ${whereOf(filters.map((f) => f.sparse))}`;
    return (sql.get(text).get(...filters.flatMap((f) => f.params)) as { n: number }).n;
  }
  return (sql.get(`SELECT count(*) AS n FROM (${ids.sql})`).get(...ids.params) as { n: number }).n;
}

/** The ids of the matching traces, from indexes only: undefined when no filter can drive (all negative). */
function matchingIds(q: CompiledQuery): { sql: string; params: unknown[] } | undefined {
  const driver = q.filters.find((f) => !f.negated && !f.duplicates) ?? q.filters.find((f) => !f.negated);
  if (driver === undefined) return undefined;
  const others = q.filters.filter((f) => f !== driver);
  const from = driver.duplicates ? `SELECT DISTINCT id FROM (${driver.ids})` : driver.ids;
  const where = others.map((f) => `x.id ${f.negated ? 'NOT IN' : 'IN'} (${f.ids})`);
  return {
    sql: `SELECT x.id FROM (${from}) AS x ${whereOf(where)}`,
    params: [...driver.params, ...others.flatMap((f) => f.params)],
  };
}

/**
 * A page of traces, newest first. With few matches SQLite drives the query from the lookups (the `IN`
 * lists) and sorts what they give; with many it walks the start-time index newest first, probing each
 * trace, and stops at the page's end. `matches` and `traceCount` choose: walking costs about
 * limit * traceCount / matches probes, sorting about `matches` rows.
 */
export function pageOf(
  sql: StatementCache,
  q: CompiledQuery,
  matches: number,
  traceCount: number,
): SummaryPage {
  const lookups = q.filters.some((f) => f.lookup);
  const walk = lookups && matches * matches > 4 * q.limit * Math.max(traceCount, matches);
  let where = q.filters.map((f) => (walk ? f.dense : f.sparse));
  let params = q.filters.flatMap((f) => f.params);
  // Few matches of several filters: intersect the index-only id lists first, so only matching rows are read.
  const ids = !walk && q.filters.length > 1 ? matchingIds(q) : undefined;
  if (ids !== undefined) {
    where = [`t.id IN (${ids.sql})`];
    params = [...ids.params];
  }
  if (q.cursor !== undefined) {
    where.push('(t.start_ms, t.id) < (?, ?)');
    params.push(q.cursor.startMs, q.cursor.id);
  }
  const rows = sql
    .get(
      `SELECT t.* FROM traces t ${walk ? 'INDEXED BY traces_start' : ''} ${whereOf(where)}
       ORDER BY t.start_ms DESC, t.id DESC LIMIT ?`,
    )
    .all(...params, q.limit + 1) as TraceRow[];
  const more = rows.length > q.limit;
  if (more) rows.length = q.limit;
  const last = rows.at(-1);
  return {
    traces: rows.map(summaryOf),
    nextCursor: more && last ? encodeCursor({ startMs: last.start_ms, id: last.id }) : null,
  };
}

function whereOf(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}
