/**
 * Connections to a team database on PostgreSQL (docs/team.md), through Kysely's Postgres dialect
 * and the `pg` driver. Loaded only by processes that use PostgreSQL: a SQLite query never pays
 * for Kysely or `pg`.
 *
 * Credentials come from the URL, `PGPASSWORD` or `~/.pgpass` (the driver reads both); nothing
 * here ever prints a password: messages name the database by `redactUrl`.
 */
import type { Kysely } from "kysely";
import type pg from "pg";
import { redactUrl } from "./pg-url.js";
import type { Clause } from "./sql.js";

type Drivers = typeof import("./pg-drivers.js");

let drivers: Promise<Drivers> | undefined;

/**
 * Kysely and `pg`, imported on first use. A static import would not do: the CLI's bundle hoists
 * every package import to its start, and a SQLite query must not load either.
 */
export function pgDrivers(): Promise<Drivers> {
  drivers ??= import("./pg-drivers.js");
  return drivers;
}

/**
 * bigint (`count(*)`, µs timestamps) and numeric arrive as strings by default; every such value
 * in this schema fits a double (µs since 1970 are < 2^53), so they are read as numbers, as SQLite
 * gives them.
 */
const INT8 = 20;
const NUMERIC = 1700;

export type PgDb = Kysely<Record<string, never>>;

export interface PgHandle {
  readonly db: PgDb;
  readonly pool: pg.Pool;
  readonly label: string;
  /** a clause written for both backends (`?` placeholders), through Kysely */
  rows<R>(q: Clause): Promise<R[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** connections at most: small, a catalog process runs one statement at a time */
  readonly max?: number;
  /** what `pg_stat_activity` shows for this process (an indexer busy message names it) */
  readonly applicationName?: string;
}

export async function connectPg(url: string, o: ConnectOptions = {}): Promise<PgHandle> {
  const { kysely, pg } = await pgDrivers();
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 4,
    types,
    connectionTimeoutMillis: 10_000,
    application_name: (o.applicationName ?? `catalog (pid ${process.pid})`).slice(0, 63),
  });
  // An idle client's connection dropping (a server restart) must not crash the process: the
  // next query gets a fresh connection or a clear error.
  pool.on("error", () => undefined);
  const db: PgDb = new kysely.Kysely({ dialect: new kysely.PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    label: redactUrl(url),
    rows: async <R>(q: Clause) => (await db.executeQuery<R>(kysely.CompiledQuery.raw(numberPlaceholders(q.sql), [...q.params]))).rows,
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Kysely ends the pool only if it ever used it; an idle pool would keep the process alive
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * A clause's `?` placeholders as `$1`, `$2`, …: those outside quoted text and identifiers only
 * (`'?'` stays text), so that clauses are written once for both backends.
 */
export function numberPlaceholders(text: string): string {
  let out = "";
  let n = 0;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** The channel every index commit on a team database notifies (docs/team.md, "Live pages"). */
export const CHANGES_CHANNEL = "catalog_changed";

/**
 * Calls `onChange` after each commit of an index pass into the database (PostgreSQL's
 * LISTEN/NOTIFY: the notification is delivered when the pass commits). Returns a stop function.
 */
export async function listenForChanges(url: string, onChange: () => void): Promise<() => Promise<void>> {
  const { pg } = await pgDrivers();
  const client = new pg.Client({ connectionString: url, application_name: `catalog serve (pid ${process.pid})` });
  client.on("error", () => undefined); // a lost connection ends the updates, not the server
  await client.connect();
  client.on("notification", () => onChange());
  await client.query(`LISTEN ${CHANGES_CHANNEL}`);
  return () => client.end();
}
