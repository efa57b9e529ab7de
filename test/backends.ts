/**
 * The backends a suite runs against (docs/team.md, "Tests"): SQLite always, PostgreSQL when
 * CATALOG_TEST_PG_URL names a server the tests may create databases on (`.ci/run` starts one
 * with scripts/pg-cluster.sh). Each workspace gets a database of its own: a file, or a new
 * PostgreSQL database dropped by the global teardown.
 */
import { randomBytes } from "node:crypto";
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
import { PG_URL, TEST_DB_PREFIX } from "./pg-env.js";

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
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString("hex")}`;
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

/** A runs dir in a fresh temp dir and a fresh database of the backend. */
export async function backendWorkspace(backend: Backend): Promise<Ws> {
  const dir = tempDir();
  const dbPath = backend === "sqlite" ? join(dir, "catalog.sqlite") : await newPgDatabase();
  return { dir, runsDir: join(dir, "runs"), dbPath, backend };
}

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
  return new PgStore(connectPg(ws.dbPath), hostname(), scope);
}
