import type { Db } from "../index/db.js";
import type { IndexStats } from "../index/indexer.js";
import { withWriter } from "../index/writer.js";
import { LockBusyError } from "../index/writer-lock.js";
import { openForRead, type Context } from "./context.js";
import { ProgressBar } from "./print/progress.js";
import { daemonServing } from "../daemon/state.js";

/**
 * The database a query reads, read-only. Unless the caller opted out (`--no-refresh`) or a live
 * daemon keeps this index fresh, an incremental index runs first; if another indexer holds the
 * database right now, the query answers from it as it is.
 */
export async function openFresh(ctx: Context, refresh: boolean): Promise<Db> {
  if (refresh && !daemonServing(ctx.dbPath, ctx.runsDir)) {
    try {
      await runIndex(ctx, "catalog query", 1000);
    } catch (err) {
      if (!(err instanceof LockBusyError)) throw err;
    }
  }
  return openForRead(ctx);
}

/** Reader threads for large passes: one, beside the main thread's SQL writes (2-core machines). */
export const READER_THREADS = 2;

/** An incremental index pass under the writer lock, with a progress bar on a terminal. */
export async function runIndex(ctx: Context, role: string, waitMs?: number): Promise<IndexStats> {
  // The indexer pulls in the zip reader; only commands that index load it.
  const { indexRunsDir } = await import("../index/indexer.js");
  return withWriter(
    ctx.dbPath,
    role,
    async (db) => {
      const bar = new ProgressBar("indexing");
      try {
        return await indexRunsDir(db, { runsDir: ctx.runsDir, workers: READER_THREADS, onProgress: (p) => bar.update(p.done, p.total) });
      } finally {
        bar.finish();
      }
    },
    waitMs,
  );
}
