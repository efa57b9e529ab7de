/**
 * The backends a suite runs against (docs/team.md, "Tests"): SQLite always, PostgreSQL when
 * CATALOG_TEST_PG_URL names a server the tests may create databases on (`.ci/run` starts one
 * with scripts/pg-cluster.sh). Each workspace gets a database of its own: a file, or a new
 * PostgreSQL database dropped by the global teardown.
 */
import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { indexRunsDir, type IndexOptions, type IndexStats } from "../src/index/indexer.js";
import { pgTarget, sqliteTarget, type IndexTarget } from "../src/index/target.js";
import { openDb } from "../src/index/db.js";
import { migrate } from "../src/index/migrate.js";
import { connectPg } from "../src/store/pg.js";
import { PgStore } from "../src/store/pg-store.js";
import { SqliteStore } from "../src/store/sqlite-store.js";
import type { SourceScope, Store } from "../src/store/store.js";
import { tempDir } from "./helpers.js";
import { PG_URL, runDbPrefix } from "./pg-env.js";

export { PG_URL };

export type Backend = "sqlite" | "postgres";

export const BACKENDS: readonly Backend[] = PG_URL === undefined ? ["sqlite"] : ["sqlite", "postgres"];

/** The URL of another database on the test server. */
export function pgUrlFor(database: string): string {
  const u = new URL(PG_URL!);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new, empty PostgreSQL database on the test server; its URL. */
export async function newPgDatabase(): Promise<string> {
  const name = `${runDbPrefix()}${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return pgUrlFor(name);
}

export interface Ws {
  readonly dir: string;
  readonly runsDir: string;
  /** what `--db` takes: a SQLite file path, or a PostgreSQL URL */
  readonly dbPath: string;
  readonly backend: Backend;
}

/**
 * A runs dir in a fresh temp dir and a fresh database of the backend. `dir` is removed after the
 * test unless given: a suite sharing one workspace across its tests makes and removes its own.
 */
export async function backendWorkspace(backend: Backend, dir = tempDir()): Promise<Ws> {
  const dbPath = backend === "sqlite" ? join(dir, "catalog.sqlite") : await newPgDatabase();
  return { dir, runsDir: join(dir, "runs"), dbPath, backend };
}

/** Another, empty database of the workspace's backend for the same runs dir (to compare a first-time index with). */
export async function freshDb(ws: Ws): Promise<Ws> {
  const dbPath = ws.backend === "sqlite" ? join(tempDir(), "fresh.sqlite") : await newPgDatabase();
  return { ...ws, dbPath };
}

/** `--runs-dir` and `--db` of the workspace, for `catalog` commands. */
export const loc = (ws: Pick<Ws, "runsDir" | "dbPath">): string[] => ["--runs-dir", ws.runsDir, "--db", ws.dbPath];

/** The index target a workspace's passes write to (host: the one given, else this machine's). */
export async function targetOf(ws: Ws, host = process.env["CATALOG_HOST"] || hostname()): Promise<IndexTarget> {
  if (ws.backend === "sqlite") {
    const db = openDb(ws.dbPath);
    await migrate(db);
    db.close();
    return sqliteTarget({ dbPath: ws.dbPath, runsDir: ws.runsDir, host, createDir: false });
  }
  return pgTarget({ url: ws.dbPath, runsDir: ws.runsDir, host, role: "catalog test" });
}

/** Indexes the workspace in-process, as `catalog index` does. */
export async function indexWs(ws: Ws, options: Partial<IndexOptions> = {}, host?: string): Promise<IndexStats> {
  const target = await targetOf(ws, host);
  try {
    return await target.withSink("catalog test", {}, (sink) => indexRunsDir(sink, { ...target.indexOptions, ...options, runsDir: ws.runsDir }));
  } finally {
    await target.close();
  }
}

/** A Store reading the workspace's database (narrowed to a source when given). */
export async function storeOf(ws: Ws, scope: SourceScope | null = null): Promise<Store> {
  if (ws.backend === "sqlite") return new SqliteStore(openDb(ws.dbPath, { readonly: true }));
  return new PgStore(await connectPg(ws.dbPath), hostname(), scope);
}

/** Runs `fn` with a Store of the workspace's database, closed afterwards. */
export async function withStore<T>(ws: Ws, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await storeOf(ws);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** How many rows a table of the workspace's database holds (the store reads bigint counts as numbers). */
export function countRows(ws: Ws, table: string): Promise<number> {
  return withStore(ws, async (store) => (await store.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM ${table}`, params: [] }))!.n);
}

/**
 * Every table's rows and every view's definition, hashed: changes if anything in the database
 * changed. Each backend lists its schema from its own catalog.
 */
export async function checksum(store: Store): Promise<string> {
  const hash = createHash("sha256");
  const objects =
    store.dialect.name === "sqlite"
      ? await store.all<{ name: string; sql: string | null; type: string }>({ sql: "SELECT name, sql, type FROM sqlite_schema ORDER BY name", params: [] })
      : await store.all<{ name: string; sql: string | null; type: string }>({
          sql: `SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN pg_get_viewdef(c.oid) END AS sql, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' ELSE 'other' END AS type
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'i') ORDER BY c.relname`,
          params: [],
        });
  for (const o of objects) {
    hash.update(`${o.name}\n${o.type}\n${o.sql ?? ""}\n`);
    if (o.type === "table") {
      const rows = await store.all<Record<string, unknown>>({ sql: `SELECT * FROM "${o.name}"`, params: [] });
      hash.update(rows.map((r) => JSON.stringify(r)).sort().join("\n"));
    }
  }
  return hash.digest("hex");
}
