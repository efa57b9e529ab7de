/**
 * Writes planned attr-log entries: every target directory is checked first, so a directory the
 * user cannot write (a read-only runs dir) fails before any file is written.
 */
import { accessSync, constants, existsSync, lstatSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { resolveLink } from "../disk/safe-fs.js";
import { writeAttrLogEntry, type AttrLogEntry } from "./attr-log-write.js";
import { targetDir, type LogTarget } from "./targets.js";

export interface PlannedWrite {
  readonly target: LogTarget;
  readonly entry: AttrLogEntry;
}

/** Some entries could not be written; `written` say which were (their runs-dir entries). */
export class WriteError extends Error {
  override readonly name = "WriteError";
  constructor(
    message: string,
    readonly written: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The dir an entry goes to must be a directory inside the runs dir (a symlink may lead out of
 * it: docs/decisions.md, "Symlinks"), and it (or, when it is to be created, the runs dir) must
 * be writable.
 */
export function checkWritable(t: LogTarget): void {
  const dir = targetDir(t);
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    const r = resolveLink(t.runsDir, dir);
    if ("problem" in r) throw new WriteError(`${dir}: ${r.problem}; nothing was written`, []);
  }
  if (st !== undefined && !statSync(dir).isDirectory()) throw new WriteError(`${dir} is not a directory; nothing was written`, []);
  const probe = existsSync(dir) || !t.create ? dir : dirname(dir);
  try {
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    throw new WriteError(`cannot write to ${probe}: permission denied (or a read-only file system); nothing was written`, []);
  }
}

/** Writes every entry, all targets checked first; returns the runs-dir entries written to. */
export function writeEntries(writes: readonly PlannedWrite[]): string[] {
  for (const w of writes) checkWritable(w.target);
  const written: string[] = [];
  for (const w of writes) {
    try {
      writeAttrLogEntry(targetDir(w.target), w.entry, w.target.create);
    } catch (err) {
      throw new WriteError(`${err instanceof Error ? err.message : String(err)}; ${written.length} of ${writes.length} entries were written`, written);
    }
    written.push(w.target.entry);
  }
  return written;
}
