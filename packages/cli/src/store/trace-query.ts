import { StoreInputError } from './store-errors.js';

/** The filters of the trace list (every one optional; all given ones must hold). */
export interface TraceQuery {
  service?: string;
  /** A span name present anywhere in the trace. */
  name?: string;
  status?: 'ok' | 'error' | 'unset';
  spanType?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  sessionId?: string;
  userId?: string;
  tag?: string;
  flagged?: boolean;
  hasFeedback?: boolean;
  /** Free text searched in inputs and outputs (words, prefix-matched, all required). */
  text?: string;
  /** Default 50, at most 500. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

/** Where a page ends: the last trace's start and row id (the list is ordered by both, descending). */
export interface TraceCursor {
  startMs: number;
  id: number;
}

/**
 * One filter as SQL over `traces t`. Lookups in other tables come in two forms: `sparse` (an `IN` list that
 * SQLite can drive the query from, best when few traces match) and `dense` (a probe per trace while walking
 * the start-time index, best when many match); column conditions are the same in both.
 */
export interface CompiledFilter {
  sparse: string;
  dense: string;
  params: unknown[];
  /** A lookup in another table (facets, text), as opposed to a condition on a `traces` column. */
  lookup: boolean;
  /** The matching trace ids from an index alone (a column named `id`), for counting without reading rows. */
  ids: string;
  /** The filter holds for the traces NOT in `ids`. */
  negated?: boolean;
  /** `ids` may list a trace more than once. */
  duplicates?: boolean;
  /** Counts the matches when this is the only filter, without touching `traces`. */
  countAlone?: string;
}

/** A query compiled to filters. */
export interface CompiledQuery {
  filters: CompiledFilter[];
  limit: number;
  cursor?: TraceCursor;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
/** Rows of `span_text` per trace: its rowid is `trace id * TEXT_ROWS + n`. */
export const TEXT_ROWS = 1_048_576;
const STRING_KEYS = ['service', 'name', 'spanType', 'sessionId', 'userId', 'tag', 'text', 'cursor'] as const;
const KEYS = new Set<string>([
  ...STRING_KEYS,
  'status',
  'minDurationMs',
  'maxDurationMs',
  'flagged',
  'hasFeedback',
  'limit',
]);
const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
/** Facet kinds in `trace_facets`. */
export const FACET = { service: 's', name: 'n', spanType: 't', tag: 'g' } as const;

/** Checks a query (throwing `StoreInputError` naming the field) and compiles it to SQL. */
export function compileQuery(query: TraceQuery = {}): CompiledQuery {
  if (query === null || typeof query !== 'object') throw new StoreInputError('query', 'expected an object');
  for (const key of Object.keys(query))
    if (!KEYS.has(key) && (query as Record<string, unknown>)[key] !== undefined)
      throw new StoreInputError(key, `unknown filter (known: ${[...KEYS].join(', ')})`);
  for (const key of STRING_KEYS) {
    const v = query[key];
    if (v !== undefined && typeof v !== 'string') throw new StoreInputError(key, 'expected a string');
  }
  const filters: CompiledFilter[] = [];
  const column = (sql: string, ids: string, ...params: unknown[]) =>
    filters.push({ sparse: sql, dense: sql, params, lookup: false, ids });
  const facet = (kind: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    filters.push({
      sparse: 't.id IN (SELECT f.trace FROM trace_facets f WHERE f.kind = ? AND f.value = ?)',
      dense: 'EXISTS (SELECT 1 FROM trace_facets f WHERE f.kind = ? AND f.value = ? AND f.trace = t.id)',
      params: [kind, value],
      lookup: true,
      ids: 'SELECT f.trace AS id FROM trace_facets f WHERE f.kind = ? AND f.value = ?',
      countAlone: 'SELECT coalesce((SELECT n FROM facet_counts WHERE kind = ? AND value = ?), 0) AS n',
    });
  };
  facet(FACET.service, query.service);
  facet(FACET.name, query.name);
  facet(FACET.spanType, query.spanType);
  facet(FACET.tag, query.tag);
  if (query.status !== undefined) {
    if (!Object.hasOwn(STATUS_CODES, query.status))
      throw new StoreInputError('status', "expected 'ok', 'error' or 'unset'");
    // A literal, so SQLite can pick the (status_code, start_ms) index.
    const code = STATUS_CODES[query.status];
    column(`t.status_code = ${code}`, `SELECT id FROM traces WHERE status_code = ${code}`);
  }
  for (const key of ['minDurationMs', 'maxDurationMs'] as const) {
    const v = query[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new StoreInputError(key, 'expected a number of milliseconds >= 0');
    const op = key === 'minDurationMs' ? '>=' : '<=';
    column(`t.duration_ms ${op} ?`, `SELECT id FROM traces WHERE duration_ms ${op} ?`, v);
  }
  if (query.sessionId !== undefined && query.sessionId !== '')
    column('t.session_id = ?', 'SELECT id FROM traces WHERE session_id = ?', query.sessionId);
  if (query.userId !== undefined && query.userId !== '')
    column('t.user_id = ?', 'SELECT id FROM traces WHERE user_id = ?', query.userId);
  for (const key of ['flagged', 'hasFeedback'] as const) {
    const v = query[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new StoreInputError(key, 'expected a boolean');
    const condition = key === 'flagged' ? 'flagged = 1' : 'feedback_count > 0';
    // The partial indexes hold the traces that have the property: a count of those without is a NOT IN.
    filters.push({
      sparse: v ? `t.${condition}` : `NOT (t.${condition})`,
      dense: v ? `t.${condition}` : `NOT (t.${condition})`,
      params: [],
      lookup: false,
      ids: `SELECT id FROM traces WHERE ${condition}`,
      negated: !v,
    });
  }
  if (query.text !== undefined) {
    const match = ftsQuery(query.text);
    if (match !== undefined) {
      // An FTS5 MATCH per probed trace costs far more than matching once: both forms match once and
      // then probe the ephemeral list of trace ids.
      const sql = `t.id IN (SELECT x.rowid / ${TEXT_ROWS} FROM span_text x WHERE span_text MATCH ?)`;
      filters.push({
        sparse: sql,
        dense: sql,
        params: [match],
        lookup: true,
        ids: `SELECT x.rowid / ${TEXT_ROWS} AS id FROM span_text x WHERE span_text MATCH ?`,
        duplicates: true,
        countAlone: `SELECT count(DISTINCT rowid / ${TEXT_ROWS}) AS n FROM span_text WHERE span_text MATCH ?`,
      });
    }
  }
  let limit = DEFAULT_LIMIT;
  if (query.limit !== undefined) {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1)
      throw new StoreInputError('limit', `expected an integer from 1 to ${MAX_LIMIT}`);
    limit = Math.min(query.limit, MAX_LIMIT);
  }
  const compiled: CompiledQuery = { filters, limit };
  if (query.cursor !== undefined && query.cursor !== '') compiled.cursor = decodeCursor(query.cursor);
  return compiled;
}

/**
 * An FTS5 query for user text: every word quoted (so `"`, `*`, `:`, `(`, `-`, `AND`, `NEAR` are plain
 * text, never syntax) and prefix-matched, all required; undefined when the text has no word at all.
 */
export function ftsQuery(text: string): string | undefined {
  // Each whitespace-separated word becomes a quoted phrase: FTS5 tokenizes inside the quotes the way it
  // tokenized the text (so `A-1042` finds "order A-1042"), and a word of punctuation only matches nothing.
  const words = text
    .split(/\s+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, 32);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

/** An opaque keyset cursor (base64url JSON). */
export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify([cursor.startMs, cursor.id])).toString('base64url');
}

/** Reads a cursor from `encodeCursor`; throws `StoreInputError('cursor')` for anything else. */
export function decodeCursor(text: string): TraceCursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isSafeInteger(v[1]))
      return { startMs: v[0], id: v[1] };
  } catch {
    // reported below
  }
  throw new StoreInputError('cursor', 'not a cursor from a previous page (pass nextCursor unchanged)');
}
