import { indexEntries, type IndexStats } from "./indexer.js";
import { withWriter } from "./writer.js";

/**
 * A targeted index of runs-dir entries just written (a `.user` dir, a group dir), under the
 * writer lock, so the index shows a write when the command that made it returns.
 */
export async function indexWritten(dbPath: string, runsDir: string, entries: readonly string[], createDir: boolean): Promise<IndexStats> {
  return withWriter(dbPath, "catalog write", { runsDir, createDir, waitMs: 10_000 }, (db) => indexEntries(db, { runsDir }, new Set(entries)));
}
