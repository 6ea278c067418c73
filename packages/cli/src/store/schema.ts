import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreOpenError } from './store-errors.js';

/** `PRAGMA application_id` of a Glassbox trace store ("GLBX"), so a file can be told apart from other SQLite files. */
export const APPLICATION_ID = 0x474c4258;
/** `PRAGMA user_version`: bumped with each schema change; older files are migrated, newer ones refused. */
export const SCHEMA_VERSION = 1;

// Span bodies are JSON text; resources and scopes repeat on every span of a process, so they are kept once
// in `origins`. Spans and facets refer to their trace by its integer id (8 bytes, not 32 characters).
// `trace_facets` holds the many-valued trace properties (services, span names, span types, tags) by value,
// so each filter is an index lookup; `facet_counts` keeps the traces per value, for counts and `facets()`. `span_text` has one
// row per trace and insert batch, rowid = trace id * 2^20 + batch number, so a match gives its trace
// without a join.
const DDL = `
CREATE TABLE origins (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL UNIQUE
);
CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  trace INTEGER NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  start_ns TEXT NOT NULL,
  end_ns TEXT NOT NULL,
  start_ms REAL NOT NULL,
  duration_ms REAL NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT,
  service_name TEXT NOT NULL,
  span_type TEXT NOT NULL,
  origin_id INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  events TEXT,
  links TEXT
);
CREATE UNIQUE INDEX spans_ids ON spans (trace, span_id);
CREATE TABLE traces (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  root_span_id TEXT,
  root_name TEXT NOT NULL,
  root_rank REAL NOT NULL,
  root_status INTEGER NOT NULL,
  service_name TEXT NOT NULL,
  start_ms REAL NOT NULL,
  end_ms REAL NOT NULL,
  duration_ms REAL NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  session_id TEXT,
  user_id TEXT,
  tags TEXT NOT NULL,
  span_types TEXT NOT NULL,
  flagged INTEGER NOT NULL,
  feedback_count INTEGER NOT NULL,
  gen_in REAL NOT NULL, gen_out REAL NOT NULL,
  oi_in REAL NOT NULL, oi_out REAL NOT NULL,
  ai_in REAL NOT NULL, ai_out REAL NOT NULL,
  trace_in REAL, trace_out REAL, trace_cost REAL,
  cost_sum REAL,
  input_preview TEXT,
  output_preview TEXT,
  ranks TEXT NOT NULL,
  text_rows INTEGER NOT NULL
);
-- Index keys end with the rowid (the trace id), so every (x, start_ms) index also orders ties by id.
CREATE INDEX traces_start ON traces (start_ms);
CREATE INDEX traces_status ON traces (status_code, start_ms);
CREATE INDEX traces_duration ON traces (duration_ms);
CREATE INDEX traces_session ON traces (session_id, start_ms) WHERE session_id IS NOT NULL;
CREATE INDEX traces_user ON traces (user_id, start_ms) WHERE user_id IS NOT NULL;
CREATE INDEX traces_flagged ON traces (start_ms) WHERE flagged = 1;
CREATE INDEX traces_feedback ON traces (start_ms) WHERE feedback_count > 0;
CREATE TABLE trace_facets (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  trace INTEGER NOT NULL,
  PRIMARY KEY (kind, value, trace)
) WITHOUT ROWID;
CREATE TABLE facet_counts (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE TABLE feedback (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  trace_id TEXT NOT NULL,
  span_id TEXT,
  name TEXT NOT NULL,
  source_type TEXT NOT NULL,
  created_at TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX feedback_trace ON feedback (trace_id, span_id);
CREATE INDEX feedback_name ON feedback (name);
CREATE VIRTUAL TABLE span_text USING fts5 (
  body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
`;

/** Opens (creating when new) a store database and checks that it is a Glassbox store of a known schema. */
export function openDatabase(path: string): Database.Database {
  const memory = path === ':memory:';
  const where = memory ? path : resolve(path);
  if (!memory) {
    try {
      mkdirSync(dirname(where), { recursive: true });
    } catch (error) {
      throw new StoreOpenError(where, `cannot create its directory: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  let db: Database.Database;
  try {
    db = new Database(where);
  } catch (error) {
    throw new StoreOpenError(where, (error as Error).message, { cause: error });
  }
  try {
    prepare(db, where, memory);
  } catch (error) {
    db.close();
    if (StoreOpenError.isInstance(error)) throw error;
    const message = (error as Error).message;
    const notDb = /not a database|file is encrypted/i.test(message);
    throw new StoreOpenError(
      where,
      notDb ? 'not a SQLite database (and so not a Glassbox trace store)' : message,
      {
        cause: error,
      },
    );
  }
  return db;
}

function prepare(db: Database.Database, where: string, memory: boolean): void {
  db.pragma('busy_timeout = 5000');
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
    n: number;
  };
  if (appId !== APPLICATION_ID) {
    if (tables.n > 0 || appId !== 0)
      throw new StoreOpenError(where, 'not a Glassbox trace store (an SQLite file of another application)');
    // A new, empty file. auto_vacuum must be chosen before the first table exists.
    db.pragma('auto_vacuum = INCREMENTAL');
    if (!memory) db.pragma('journal_mode = WAL');
    db.transaction(() => {
      db.exec(DDL);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  } else if (version > SCHEMA_VERSION) {
    throw new StoreOpenError(
      where,
      `written by a newer Glassbox (store schema ${version}; this version reads schema ${SCHEMA_VERSION} and older): upgrade @glassbox/cli or use another --db file`,
    );
  } else if (version < SCHEMA_VERSION) {
    migrate(db, where, version);
  } else if (!memory) {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16384');
}

/** Upgrades an older schema in place. Schema 1 is the first one, so any lower version is a damaged file. */
function migrate(_db: Database.Database, where: string, version: number): void {
  throw new StoreOpenError(where, `unknown store schema version ${version} (expected ${SCHEMA_VERSION})`);
}
