import type { Db } from "../index/db.js";
import { recheckLiveLocks } from "../index/locks.js";
import { openForRead, openForWrite, type Context } from "./context.js";
import { ProgressBar } from "./print/progress.js";

/**
 * The database a query reads: brought up to date by an incremental index first, unless the
 * caller opted out (`--no-refresh`); either way runs shown as running are re-checked.
 */
export async function openFresh(ctx: Context, refresh: boolean): Promise<Db> {
  if (!refresh) {
    const db = openForRead(ctx);
    recheckLiveLocks(db);
    return db;
  }
  const db = await openForWrite(ctx);
  try {
    await runIndex(db, ctx);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export async function runIndex(db: Db, ctx: Context) {
  // The indexer pulls in the zip reader; only commands that index load it.
  const { indexRunsDir } = await import("../index/indexer.js");
  const bar = new ProgressBar("indexing");
  try {
    return await indexRunsDir(db, { runsDir: ctx.runsDir, onProgress: (p) => bar.update(p.done, p.total) });
  } finally {
    bar.finish();
  }
}
