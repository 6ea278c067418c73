import type Database from 'better-sqlite3';

/** Prepared statements by SQL text, prepared once (the store's queries are few, filters combine into some more). */
export class StatementCache {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** The prepared statement of `sql`. */
  get(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      // Filter combinations are bounded (about a dozen filters), but a bound keeps a bug from leaking.
      if (this.#statements.size > 500) this.#statements.clear();
      stmt = this.db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
}
