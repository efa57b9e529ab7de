import { postgresDialect } from "./dialect.js";
import type { PgHandle } from "./pg.js";
import type { Clause } from "./sql.js";
import type { SourceScope, Store } from "./store.js";

/**
 * The Store of a team database on PostgreSQL. Reads never wait for an indexer: each statement
 * sees what was committed when it began (MVCC), and indexers hold no lock a reader needs.
 */
export class PgStore implements Store {
  readonly dialect = postgresDialect;

  constructor(
    private readonly pg: PgHandle,
    /** runs of sources on this host have pids this process can check */
    readonly localHost: string,
    readonly scope: SourceScope | null,
  ) {}

  async all<R>(q: Clause): Promise<R[]> {
    // The row type is the caller's, declared with the statement it wrote (the query layer).
    return this.pg.rows<R>(q);
  }

  async get<R>(q: Clause): Promise<R | undefined> {
    return (await this.all<R>(q))[0];
  }

  close(): Promise<void> {
    return this.pg.close();
  }
}
