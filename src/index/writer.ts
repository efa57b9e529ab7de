import { existsSync, mkdirSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { checkRunsDir } from "./binding.js";
import { openDb, type Db } from "./db.js";
import { ensureSchema } from "./schema.js";
import { acquireWriterLock } from "./writer-lock.js";

export interface WriterOptions {
  /** the runs dir being indexed: the database must be its index (or new) */
  readonly runsDir: string;
  /** create the database's directory when missing (the default location), else it must exist */
  readonly createDir: boolean;
  /** how long to wait for another writer */
  readonly waitMs?: number;
}

/**
 * Runs `fn` with a read-write connection, holding the writer lock for the connection's whole life
 * (see writer-lock.ts for why), with the schema brought up to date first. A command that fails
 * leaves no database behind: a file (and directories) this call created are removed again.
 */
export async function withWriter<T>(dbPath: string, role: string, o: WriterOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  const dir = dirname(dbPath);
  const madeDir = o.createDir ? mkdirSync(dir, { recursive: true }) : undefined;
  const existed = existsSync(dbPath);
  let ok = false;
  try {
    const lock = await acquireWriterLock(dbPath, role, o.waitMs);
    try {
      const db = openDb(dbPath);
      try {
        await ensureSchema(db);
        checkRunsDir(db, dbPath, o.runsDir);
        const result = await fn(db);
        ok = true;
        return result;
      } finally {
        db.close();
        if (!ok && !existed) for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbPath}${s}`, { force: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    if (!ok && madeDir !== undefined) removeEmptyDirs(dir, madeDir);
  }
}

/** Removes `dir` and its parents up to and including `top`, as far as they are empty. */
function removeEmptyDirs(dir: string, top: string): void {
  const levels = relative(top, dir).split(sep).filter((p) => p !== "");
  for (let i = levels.length; i >= 0; i--) {
    try {
      rmdirSync(join(top, ...levels.slice(0, i)));
    } catch {
      return; // not empty (someone else's files): leave it and its parents
    }
  }
}
