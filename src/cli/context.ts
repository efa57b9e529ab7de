import { existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { checkRunsDir } from "../index/binding.js";
import { openDb, type Db } from "../index/db.js";
import { schemaIsCurrent } from "../index/schema.js";
import type { IndexTarget } from "../index/target.js";
import { locateDb, locateHost, locateRunsDir } from "../locate.js";
import { isPostgresUrl, redactUrl } from "../store/pg-url.js";
import { SqliteStore } from "../store/sqlite-store.js";
import type { SourceScope, Store } from "../store/store.js";
import { CliError, explainDbError } from "./errors.js";

export interface LocationArgs {
  readonly runsDir?: string | undefined;
  readonly db?: string | undefined;
  readonly host?: string | undefined;
}

/** A runs dir and its database, each with where its value came from (for messages). */
export interface Context {
  readonly runsDir: string;
  readonly runsDirFrom: string;
  /** the SQLite file, or the PostgreSQL URL (with any password: never print it, print dbLabel) */
  readonly dbPath: string;
  readonly dbFrom: string;
  readonly backend: "sqlite" | "postgres";
  /** the database as messages name it */
  readonly dbLabel: string;
  /** the host this runs dir is indexed under */
  readonly host: string;
  /** where a daemon of this runs dir keeps its pid, status and log files (`<base>.daemon.*`) */
  readonly stateBase: string;
}

export function locate(args: LocationArgs): Context {
  const runs = locateRunsDir(args.runsDir);
  const db = locateDb(args.db, runs.path);
  const host = locateHost(args.host);
  if (host.path.trim() === "" || /[\u0000-\u001f\u007f]/u.test(host.path)) {
    throw new CliError(`${host.from}: ${JSON.stringify(host.path)} is not a host name; give a name such as gpu-box-1`);
  }
  if (!isPostgresUrl(db.path)) {
    return { runsDir: runs.path, runsDirFrom: runs.from, dbPath: db.path, dbFrom: db.from, backend: "sqlite", dbLabel: db.path, host: host.path, stateBase: db.path };
  }
  const dbLabel = redactUrl(db.path);
  return {
    runsDir: runs.path,
    runsDirFrom: runs.from,
    dbPath: db.path,
    dbFrom: db.from,
    backend: "postgres",
    dbLabel,
    host: host.path,
    stateBase: teamStateBase(dbLabel, host.path, runs.path),
  };
}

/**
 * A daemon serving one source of a team database keeps its files in the user's cache, named for
 * the database (without password), the host and the runs dir's real path.
 */
function teamStateBase(dbLabel: string, host: string, runsDir: string): string {
  const cache = process.env["XDG_CACHE_HOME"] && isAbsolute(process.env["XDG_CACHE_HOME"]) ? process.env["XDG_CACHE_HOME"] : join(homedir(), ".cache");
  let real = runsDir;
  try {
    real = realpathSync(runsDir);
  } catch {
    // not there yet: the resolved path stands in
  }
  const { createHash } = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  const digest = createHash("sha256").update(`${dbLabel}\n${host}\n${real}`).digest("hex").slice(0, 32);
  return join(cache, "gage-catalog", `team-${digest}`);
}

/** The source a team database query is narrowed to: `--runs-dir` names one (docs/team.md). */
export function querySource(ctx: Context): SourceScope | null {
  if (ctx.backend !== "postgres" || ctx.runsDirFrom !== "--runs-dir") return null;
  return { host: ctx.host, runsDir: realRunsDir(ctx) };
}

/** The runs dir's real path: how a team database names a source. */
export function realRunsDir(ctx: Context): string {
  try {
    return realpathSync(ctx.runsDir);
  } catch {
    return ctx.runsDir;
  }
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
  if (ctx.backend === "postgres") return false;
  if (ctx.dbFrom === "default") return true;
  const dir = dirname(ctx.dbPath);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CliError(`no directory ${dir} for the database ${ctx.dbPath} (from ${ctx.dbFrom}); create it first`);
  }
  return false;
}

/** An existing database must be this runs dir's index (a new one becomes it). */
export function checkExistingDb(ctx: Context): void {
  if (ctx.backend === "sqlite" && existsSync(ctx.dbPath)) openChecked(ctx, false).close();
}

/** Opens an existing database read-only; its schema must be current and it must index this runs dir. */
export function openForRead(ctx: Context): Db {
  if (!existsSync(ctx.dbPath)) {
    throw new CliError(`no index at ${ctx.dbPath}; run \`catalog index\` first`);
  }
  return openChecked(ctx, true);
}

/**
 * The Store the query layer reads through: the SQLite file read-only, or a team database (its
 * schema must be current), narrowed to one source when `--runs-dir` names it (unless `narrow` is
 * false: a group's members may be runs of any host).
 */
export async function openStore(ctx: Context, narrow = true): Promise<Store> {
  if (ctx.backend === "sqlite") return new SqliteStore(openForRead(ctx));
  const [{ connectPg }, { PgStore }, { pgSchemaIsCurrent }] = await Promise.all([
    import("../store/pg.js"),
    import("../store/pg-store.js"),
    import("../index/pg/pg-target.js"),
  ]);
  const h = await connectPg(ctx.dbPath, { max: 2, applicationName: `catalog query (pid ${process.pid})` });
  try {
    if (!(await pgSchemaIsCurrent(h))) {
      throw new CliError(`${ctx.dbLabel} holds no catalog of this version; \`catalog index --db …\` on a machine with runs creates or upgrades it`);
    }
  } catch (err) {
    await h.close();
    throw explainDbError(err, ctx.dbLabel);
  }
  return new PgStore(h, ctx.host, narrow ? querySource(ctx) : null);
}

/** Where index passes of this runs dir write (docs/architecture.md, "Stores"). */
export async function indexTargetOf(ctx: Context, role: string, createDir: boolean, onRebuild?: (why: string) => void): Promise<IndexTarget> {
  const { pgTarget, sqliteTarget } = await import("../index/target.js");
  if (ctx.backend === "postgres") return pgTarget({ url: ctx.dbPath, runsDir: ctx.runsDir, host: ctx.host, role });
  return sqliteTarget({ dbPath: ctx.dbPath, runsDir: ctx.runsDir, host: ctx.host, createDir, ...(onRebuild ? { onRebuild } : {}) });
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
