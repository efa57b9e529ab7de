import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { checkRunsDir } from "../index/binding.js";
import { openDb, type Db } from "../index/db.js";
import { schemaIsCurrent } from "../index/schema.js";
import { locateDb, locateRunsDir } from "../locate.js";
import { SqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { CliError, explainDbError } from "./errors.js";

export interface LocationArgs {
  readonly runsDir?: string | undefined;
  readonly db?: string | undefined;
}

/** A runs dir and its database, each with where its path came from (for messages). */
export interface Context {
  readonly runsDir: string;
  readonly runsDirFrom: string;
  readonly dbPath: string;
  readonly dbFrom: string;
}

export function locate(args: LocationArgs): Context {
  const runs = locateRunsDir(args.runsDir);
  const db = locateDb(args.db, runs.path);
  return { runsDir: runs.path, runsDirFrom: runs.from, dbPath: db.path, dbFrom: db.from };
}

/** The runs dir must be a directory before anything reads or indexes it. */
export function requireRunsDir(ctx: Context): void {
  const st = statSync(ctx.runsDir, { throwIfNoEntry: false });
  const from = ctx.runsDirFrom;
  const fix =
    from === "--runs-dir"
      ? "check the path"
      : from === "GAGE_RUNS" || from === "RUNS_DIR"
        ? `fix ${from} or pass --runs-dir`
        : from.startsWith("$runs-dir in ")
          ? `fix ${from} or pass --runs-dir`
          : from.startsWith("project ")
            ? "this project has no Gage runs yet; pass --runs-dir or set GAGE_RUNS for another runs dir"
            : "pass --runs-dir or set GAGE_RUNS";
  if (st === undefined) throw new CliError(`no runs dir at ${ctx.runsDir} (from ${ctx.runsDirFrom}); ${fix}`);
  if (!st.isDirectory()) throw new CliError(`${ctx.runsDir} (from ${ctx.runsDirFrom}) is not a directory; ${fix}`);
}

/** The database may be created (its directory too) only at the default location. */
export function mayCreateDbDir(ctx: Context): boolean {
  if (ctx.dbFrom === "default") return true;
  const dir = dirname(ctx.dbPath);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CliError(`no directory ${dir} for the database ${ctx.dbPath} (from ${ctx.dbFrom}); create it first`);
  }
  return false;
}

/** An existing database must be this runs dir's index (a new one becomes it). */
export function checkExistingDb(ctx: Context): void {
  if (existsSync(ctx.dbPath)) openChecked(ctx, false).close();
}

/** Opens an existing database read-only; its schema must be current and it must index this runs dir. */
export function openForRead(ctx: Context): Db {
  if (!existsSync(ctx.dbPath)) {
    throw new CliError(`no index at ${ctx.dbPath}; run \`catalog index\` first`);
  }
  return openChecked(ctx, true);
}

/** The same, as the Store the query layer reads through. */
export async function openStore(ctx: Context): Promise<Store> {
  return new SqliteStore(openForRead(ctx));
}

function openChecked(ctx: Context, currentSchema: boolean): Db {
  let db: Db;
  try {
    db = openDb(ctx.dbPath, { readonly: true });
  } catch (err) {
    throw explainDbError(err, ctx.dbPath);
  }
  try {
    if (currentSchema && !schemaIsCurrent(db)) {
      throw new CliError(`the index at ${ctx.dbPath} is from another catalog version; run \`catalog index\` or \`catalog reindex\``);
    }
    checkRunsDir(db, ctx.dbPath, ctx.runsDir);
  } catch (err) {
    db.close();
    throw explainDbError(err, ctx.dbPath);
  }
  return db;
}
