import type { IndexStats } from "../../index/indexer.js";
import { locate, type GlobalArgs } from "../context.js";
import { ProgressBar } from "../print/progress.js";
import { READER_THREADS, runIndex } from "../refresh.js";

function summary(runsDir: string, s: IndexStats, started: number): string {
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  let text = `indexed ${runsDir}: ${s.units} entries, ${s.read} read, ${s.removed} removed in ${secs}s\n`;
  if (s.errors > 0) text += `${s.errors} index errors (see \`catalog check\`)\n`;
  return text;
}

export interface IndexArgs extends GlobalArgs {
  format?: "text" | "json";
}

/** `catalog index`: an incremental index of the runs dir, in one transaction. */
export async function runIndexCommand(args: IndexArgs, out: (s: string) => void): Promise<void> {
  const ctx = locate(args);
  const started = Date.now();
  const stats = await runIndex(ctx, "catalog index");
  out(args.format === "json" ? `${JSON.stringify({ ...stats, ms: Date.now() - started })}\n` : summary(ctx.runsDir, stats, started));
}

/** `catalog reindex`: a fresh database from the files, swapped in atomically. */
export async function runReindexCommand(args: GlobalArgs, out: (s: string) => void): Promise<void> {
  const ctx = locate(args);
  const started = Date.now();
  const { reindex } = await import("../../index/reindex.js");
  const bar = new ProgressBar("reindexing");
  try {
    const stats = await reindex(ctx.dbPath, { runsDir: ctx.runsDir, workers: READER_THREADS, onProgress: (p) => bar.update(p.done, p.total) });
    bar.finish();
    out(summary(ctx.runsDir, stats, started).replace(/^indexed/u, "reindexed"));
  } finally {
    bar.finish();
  }
}
