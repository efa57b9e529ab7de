import { indexEntries, type IndexStats } from "./indexer.js";
import type { IndexTarget } from "./target.js";

/**
 * A targeted index of runs-dir entries just written (a `.user` dir, a group dir), with the
 * writer role, so the index shows a write when the command that made it returns.
 */
export async function indexWritten(target: IndexTarget, entries: readonly string[]): Promise<IndexStats> {
  return target.withSink("catalog write", { waitMs: 10_000 }, (sink) => indexEntries(sink, { ...target.indexOptions, runsDir: target.runsDir }, new Set(entries)));
}
