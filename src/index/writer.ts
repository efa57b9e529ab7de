import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
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
  /** told when the database was not a readable SQLite file and was rebuilt from the files */
  readonly onRebuild?: (why: string) => void;
}

const SIDE_FILES = ["-wal", "-shm", "-journal"];

/** SQLite's verdicts on a file that is not a database, or a damaged one. */
export function isCorrupt(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || (typeof code === "string" && code.startsWith("SQLITE_CORRUPT_"));
}

/**
 * Runs `fn` with a read-write connection, holding the writer lock for the connection's whole life
 * (see writer-lock.ts for why), with the schema brought up to date first. A command that fails
 * leaves no database behind: a file (and directories) this call created are removed again.
 * A database file that SQLite finds is not a database, or damaged (a truncated copy, a disk
 * error), is set aside as `<db>.corrupt` and the work runs again on a fresh one — which, for an
 * index pass, rebuilds the index from the files; `onRebuild` is told why.
 */
export async function withWriter<T>(dbPath: string, role: string, o: WriterOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  const dir = dirname(dbPath);
  const madeDir = o.createDir ? mkdirSync(dir, { recursive: true }) : undefined;
  const existed = existsSync(dbPath);
  let ok = false;
  try {
    const lock = await acquireWriterLock(dbPath, role, o.waitMs);
    const session = async (checkBinding: boolean): Promise<T> => {
      const db = openDb(dbPath);
      try {
        await ensureSchema(db);
        if (checkBinding) checkRunsDir(db, dbPath, o.runsDir);
        return await fn(db);
      } finally {
        db.close();
      }
    };
    try {
      let result: T;
      try {
        result = await session(true);
      } catch (err) {
        if (!existed || !isCorrupt(err)) throw err;
        renameSync(dbPath, `${dbPath}.corrupt`);
        for (const s of SIDE_FILES) rmSync(`${dbPath}${s}`, { force: true });
        o.onRebuild?.(err instanceof Error ? err.message : String(err));
        result = await session(false);
      }
      ok = true;
      return result;
    } finally {
      if (!ok && !existed) for (const s of ["", ...SIDE_FILES]) rmSync(`${dbPath}${s}`, { force: true });
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
