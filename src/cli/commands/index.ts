import type { IndexStats } from "../../index/indexer.js";
import type { INDEX_ARGS, REINDEX_ARGS } from "../commands.js";
import { indexTargetOf, locate, mayCreateDbDir, requireRunsDir } from "../context.js";
import { explainDbError } from "../errors.js";
import { ProgressBar } from "../print/progress.js";
import { READER_THREADS, runIndex } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

function summary(verb: string, runsDir: string, s: IndexStats, started: number): string {
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  let text = `${verb} ${runsDir}: ${s.units} entries, ${s.read} read, ${s.removed} removed in ${secs}s\n`;
  if (s.errors > 0) text += `${s.errors} index errors (see \`catalog check\`)\n`;
  if (s.notes > 0) text += `${s.notes} notes: entries Gage itself skips (see \`catalog check\`)\n`;
  return text;
}

/** `catalog index`: an incremental index of the runs dir, in one transaction. */
export async function runIndexCommand(a: ArgsOf<typeof INDEX_ARGS>, io: Io): Promise<void> {
  const ctx = locate(a);
  const started = Date.now();
  const stats = await runIndex(ctx, "catalog index");
  io.out(a.format === "json" ? `${JSON.stringify({ ...stats, ms: Date.now() - started })}\n` : summary("indexed", ctx.runsDir, stats, started));
}

/** `catalog reindex`: a fresh database from the files, swapped in atomically. */
export async function runReindexCommand(a: ArgsOf<typeof REINDEX_ARGS>, io: Io): Promise<void> {
  const ctx = locate(a);
  requireRunsDir(ctx);
  const createDir = mayCreateDbDir(ctx);
  const started = Date.now();
  const target = await indexTargetOf(ctx, "catalog reindex", createDir);
  const bar = new ProgressBar("reindexing");
  try {
    const stats = await target.reindex({ workers: READER_THREADS, onProgress: (p) => bar.update(p.done, p.total) });
    bar.finish();
    io.out(summary("reindexed", ctx.runsDir, stats, started));
  } catch (err) {
    throw explainDbError(err, ctx.dbLabel);
  } finally {
    bar.finish();
    await target.close();
  }
}
