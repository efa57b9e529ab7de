import { realpathSync } from "node:fs";
import type { Db } from "./db.js";

/**
 * A database indexes one runs dir (docs/cli.md, "Runs dir and database"): indexing another one
 * into it would drop every row of the first. Both are named so the user can choose.
 */
export class OtherRunsDirError extends Error {
  override readonly name = "OtherRunsDirError";
  constructor(
    readonly dbPath: string,
    readonly indexed: string,
    readonly given: string,
  ) {
    super(`the database ${dbPath} is the index of ${indexed}, not of ${given}`);
  }
}

/** The runs dir the database was built from, or null for a new database. */
export function indexedRunsDir(db: Db): string | null {
  try {
    return db.prepare<[], { value: string }>("SELECT value FROM catalog_meta WHERE key = 'runs_dir'").get()?.value ?? null;
  } catch {
    return null; // no schema yet: a new database
  }
}

/** Two paths naming the same dir (a symlinked runs dir is the same runs dir). */
export function sameDir(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Throws when the database holds the index of another runs dir. */
export function checkRunsDir(db: Db, dbPath: string, runsDir: string): void {
  const indexed = indexedRunsDir(db);
  if (indexed !== null && !sameDir(indexed, runsDir)) throw new OtherRunsDirError(dbPath, indexed, runsDir);
}
