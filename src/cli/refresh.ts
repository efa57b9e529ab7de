import type { IndexStats } from "../index/indexer.js";
import { LockBusyError } from "../index/writer-lock.js";
import { daemonServing } from "../daemon/state.js";
import type { Store } from "../store/store.js";
import { indexTargetOf, mayCreateDbDir, openStore, requireRunsDir, type Context } from "./context.js";
import { explainDbError } from "./errors.js";
import { ProgressBar } from "./print/progress.js";

/**
 * A refresh slower than this on a terminal earns a hint that the daemon makes it instant;
 * CATALOG_REFRESH_HINT_MS changes it (docs/cli.md).
 */
function slowRefreshMs(): number {
  const v = Number(process.env["CATALOG_REFRESH_HINT_MS"]);
  return Number.isFinite(v) && v >= 0 && process.env["CATALOG_REFRESH_HINT_MS"] !== "" ? v : 1000;
}

/**
 * The database a query reads, read-only. Unless the caller opted out (`--no-refresh`) or a live
 * daemon keeps this index fresh, an incremental index runs first; if another indexer holds the
 * database right now, the query answers from it as it is.
 */
export async function openFresh(ctx: Context, refresh: boolean, hint?: (s: string) => void, narrow = true): Promise<Store> {
  // A team database is refreshed by each machine's daemon; a query indexes first only the runs
  // dir that `--runs-dir` names on this machine (docs/team.md).
  const mine = ctx.backend === "sqlite" || ctx.runsDirFrom === "--runs-dir";
  if (refresh && mine && !daemonServing(ctx.stateBase, ctx.runsDir)) {
    requireRunsDir(ctx);
    const t0 = Date.now();
    try {
      await runIndex(ctx, "catalog query", 1000);
    } catch (err) {
      if (!(err instanceof LockBusyError)) throw err;
    }
    if (hint && Date.now() - t0 >= slowRefreshMs()) {
      hint(`catalog: indexing first took ${((Date.now() - t0) / 1000).toFixed(1)} s; \`catalog daemon start\` keeps the index fresh so queries answer at once\n`);
    }
  }
  return openStore(ctx, narrow);
}

/** Reader threads for large passes: one, beside the main thread's SQL writes (2-core machines). */
export const READER_THREADS = 2;

/** An incremental index pass under the writer lock, with a progress bar on a terminal. */
export async function runIndex(ctx: Context, role: string, waitMs?: number): Promise<IndexStats> {
  requireRunsDir(ctx);
  const createDir = mayCreateDbDir(ctx);
  // The indexer pulls in the zip reader; only commands that index load it.
  const { indexRunsDir } = await import("../index/indexer.js");
  const onRebuild = (why: string) =>
    process.stderr.write(`catalog: the index ${ctx.dbPath} was not a readable database (${why}); set it aside as ${ctx.dbPath}.corrupt and rebuilt it from the runs dir\n`);
  const target = await indexTargetOf(ctx, role, createDir, onRebuild);
  try {
    return await target.withSink(role, waitMs === undefined ? {} : { waitMs }, async (sink) => {
      const bar = new ProgressBar("indexing");
      try {
        return await indexRunsDir(sink, { ...target.indexOptions, runsDir: ctx.runsDir, workers: READER_THREADS, onProgress: (p) => bar.update(p.done, p.total) });
      } finally {
        bar.finish();
      }
    });
  } catch (err) {
    if (err instanceof LockBusyError) throw err;
    throw explainDbError(err, ctx.dbLabel);
  } finally {
    await target.close();
  }
}
