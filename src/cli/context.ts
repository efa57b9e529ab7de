import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDb, type Db } from "../index/db.js";
import { resolveDbPath, resolveRunsDir } from "../locate.js";
import { migrationsDir } from "../index/migrate-dir.js";
import { CliError } from "./errors.js";

export interface GlobalArgs {
  readonly runsDir?: string | undefined;
  readonly db?: string | undefined;
}

export interface Context {
  readonly runsDir: string;
  readonly dbPath: string;
}

export function locate(args: GlobalArgs): Context {
  const runsDir = resolveRunsDir(args.runsDir);
  return { runsDir, dbPath: resolveDbPath(args.db, runsDir) };
}

/** Opens (creating if needed) the catalog database with an up-to-date schema. */
export async function openForWrite(ctx: Context): Promise<Db> {
  mkdirSync(dirname(ctx.dbPath), { recursive: true });
  let db: Db;
  try {
    db = openDb(ctx.dbPath);
  } catch (err) {
    throw new CliError(`cannot open database ${ctx.dbPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!schemaIsCurrent(db)) {
    // Kysely's Migrator is loaded only when the schema is behind: queries do not pay for it.
    const { migrate } = await import("../index/migrate.js");
    await migrate(db);
  }
  return db;
}

/** Opens an existing database for reading; its schema must be current. */
export function openForRead(ctx: Context): Db {
  if (!existsSync(ctx.dbPath)) {
    throw new CliError(`no index at ${ctx.dbPath}; run \`catalog index\` first`);
  }
  const db = openDb(ctx.dbPath);
  if (!schemaIsCurrent(db)) {
    db.close();
    throw new CliError(`the index at ${ctx.dbPath} is from another catalog version; run \`catalog reindex\``);
  }
  return db;
}

/** The newest migration applied equals the newest migration file. */
export function schemaIsCurrent(db: Db): boolean {
  const files = readdirSync(migrationsDir())
    .filter((f) => /^\d+_.+\.sql$/u.test(f))
    .map((f) => f.replace(/\.sql$/u, ""))
    .sort();
  const newest = files[files.length - 1];
  try {
    const row = db.prepare("SELECT max(name) AS name FROM kysely_migration").get() as { name: string | null };
    return row.name === newest;
  } catch {
    return false;
  }
}
