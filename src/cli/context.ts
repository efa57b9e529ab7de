import { existsSync } from "node:fs";
import { openDb, type Db } from "../index/db.js";
import { schemaIsCurrent } from "../index/schema.js";
import { resolveDbPath, resolveRunsDir } from "../locate.js";
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

/** Opens an existing database read-only; its schema must be current. */
export function openForRead(ctx: Context): Db {
  if (!existsSync(ctx.dbPath)) {
    throw new CliError(`no index at ${ctx.dbPath}; run \`catalog index\` first`);
  }
  let db: Db;
  try {
    db = openDb(ctx.dbPath, { readonly: true });
  } catch (err) {
    throw new CliError(`cannot open ${ctx.dbPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!schemaIsCurrent(db)) {
    db.close();
    throw new CliError(`the index at ${ctx.dbPath} is from another catalog version; run \`catalog index\` or \`catalog reindex\``);
  }
  return db;
}
