/**
 * The narrow interface the query layer reads the index through (docs/architecture.md, "Stores"):
 * a statement in, rows out, in the backend's SQL dialect. One implementation per backend —
 * SQLite (better-sqlite3, synchronous underneath) and PostgreSQL (Kysely's Postgres dialect over
 * `pg`) — so that the queries above are written once.
 */
import type { Dialect } from "./dialect.js";
import type { Clause } from "./sql.js";

/** One runs dir of one host: a source of a team database (docs/team.md). */
export interface SourceScope {
  readonly host: string;
  readonly runsDir: string;
}

export interface Store {
  readonly dialect: Dialect;
  /** listings narrowed to runs and groups with a copy in this source (`--runs-dir` on a team database) */
  readonly scope: SourceScope | null;
  /** the host whose runs' pids this process can check (null: every run is this machine's) */
  readonly localHost: string | null;
  /** every row the statement returns, typed by the caller where it writes the statement */
  all<R>(q: Clause): Promise<R[]>;
  get<R>(q: Clause): Promise<R | undefined>;
  close(): Promise<void>;
}
