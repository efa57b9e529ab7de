import type { Statement } from "better-sqlite3";
import type { Db } from "../index/db.js";
import { sqliteDialect } from "./dialect.js";
import type { Clause } from "./sql.js";
import type { Store } from "./store.js";

/** Prepared statements kept per connection; a process runs a few dozen distinct ones. */
const MAX_STATEMENTS = 256;

/** The Store of a better-sqlite3 connection: each statement prepared once, run synchronously. */
export class SqliteStore implements Store {
  readonly dialect = sqliteDialect;
  // one SQLite file indexes one runs dir of this machine
  readonly localHost = null;
  // the file indexes one runs dir: there is nothing to narrow
  readonly scope = null;
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(readonly db: Db) {}

  private prepare(sql: string): Statement<unknown[], unknown> {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      st = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  all<R>(q: Clause): Promise<R[]> {
    // The row type is the caller's, declared with the statement it wrote (the query layer).
    return Promise.resolve(this.prepare(q.sql).all(...q.params) as R[]);
  }

  get<R>(q: Clause): Promise<R | undefined> {
    return Promise.resolve(this.prepare(q.sql).get(...q.params) as R | undefined);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
