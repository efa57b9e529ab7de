import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { checkRunsDir } from "./binding.js";
import { openDb } from "./db.js";
import { indexRunsDir, type IndexOptions, type IndexStats } from "./indexer.js";
import { SqliteSink } from "./sqlite-sink.js";
import { migrate } from "./migrate.js";
import { acquireWriterLock } from "./writer-lock.js";

const SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * Builds a fresh database from the files into a temp file beside the old one, then renames it
 * over the old one. Queries that opened the old file keep answering from it.
 *
 * SQLite names the WAL and shared-memory files after the database path, so the swap must not let
 * the old and new databases share them: under the writer lock (no read-write connection to the
 * old file exists), the old WAL is checkpointed empty, the side files are removed, and only then
 * is the new file renamed in. Readers open the database read-only, and a read-only connection
 * never deletes the WAL when it closes, so an old reader cannot disturb the new file's WAL.
 */
export async function reindex(dbPath: string, options: IndexOptions, host: string, createDir = true): Promise<IndexStats> {
  if (createDir) mkdirSync(dirname(dbPath), { recursive: true });
  const lock = await acquireWriterLock(dbPath, "catalog reindex");
  const tmp = `${dbPath}.reindex-${process.pid}`;
  try {
    if (existsSync(dbPath)) checkBinding(dbPath, options.runsDir);
    removeWithSideFiles(tmp);
    const fresh = openDb(tmp, { bulk: true });
    let stats: IndexStats;
    try {
      await migrate(fresh);
      stats = await indexRunsDir(new SqliteSink(fresh, options.runsDir, host), options);
      fresh.pragma("journal_mode = WAL");
    } finally {
      fresh.close();
    }
    if (existsSync(dbPath)) {
      checkpointEmpty(dbPath);
      for (const s of SIDE_FILES) rmSync(`${dbPath}${s}`, { force: true });
    }
    renameSync(tmp, dbPath);
    return stats;
  } catch (err) {
    removeWithSideFiles(tmp);
    throw err;
  } finally {
    lock.release();
  }
}

/** A rebuild replaces the index of the same runs dir only; a broken old file is simply replaced. */
function checkBinding(dbPath: string, runsDir: string): void {
  let old;
  try {
    old = openDb(dbPath, { readonly: true });
  } catch {
    return;
  }
  try {
    checkRunsDir(old, dbPath, runsDir);
  } finally {
    old.close();
  }
}

/** Moves everything in the old WAL into the old file; a broken old file is simply replaced. */
function checkpointEmpty(dbPath: string): void {
  try {
    const old = openDb(dbPath);
    try {
      old.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      old.close();
    }
  } catch {
    // not a usable database: nothing in it is worth keeping, the rebuild replaces it
  }
}

function removeWithSideFiles(path: string): void {
  for (const s of ["", ...SIDE_FILES]) rmSync(`${path}${s}`, { force: true });
}
