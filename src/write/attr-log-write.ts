/**
 * Writes attr-log entries exactly as Gage's `attr_log.log_attrs` does (docs/format.md, "Attr logs"): a file
 * `<ULID-uuid>.json` holding `json.dump({"author", "set", "delete"})`, read-only (0444). Unlike
 * Gage, which writes in place, an entry appears whole or not at all, and never replaces a file:
 * it is written under a temporary name (not ending in `.json`, so every reader skips it), made
 * read-only, then hard-linked to its final name, which fails rather than overwrite.
 */
import { randomUUID } from "node:crypto";
import { closeSync, copyFileSync, constants, fsyncSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pyDumps, type PyJson } from "./py-json.js";
import { nowMs, ulidUuid } from "./ulid.js";

export interface AttrLogEntry {
  readonly author: string;
  /** keys to set, in the order Gage would write them */
  readonly set: ReadonlyMap<string, PyJson>;
  readonly delete: readonly string[];
}

/** The bytes Gage writes for an entry: Python's default separators, ASCII only, no newline. */
export function attrLogText(e: AttrLogEntry): string {
  return pyDumps(
    new Map<string, PyJson>([
      ["author", e.author],
      ["set", e.set],
      ["delete", [...e.delete]],
    ]),
  );
}

/**
 * Writes one entry into the attr-log dir `dir` (created when `createDir`; its parent must
 * exist) and returns the new file's name. The name's ms comes from the process's monotonic
 * clock, so entries written one after another sort in that order.
 */
export function writeAttrLogEntry(dir: string, e: AttrLogEntry, createDir = false): string {
  if (createDir) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const tmp = join(dir, `.catalog-${randomUUID()}.tmp`);
  const fd = openSync(tmp, "wx", 0o444);
  try {
    writeSync(fd, attrLogText(e));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    for (;;) {
      const name = `${ulidUuid(nowMs())}.json`;
      try {
        publish(tmp, join(dir, name));
        return name;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
  } finally {
    unlinkSync(tmp);
  }
}

/** A hard link is atomic and exclusive; where links are not supported, an exclusive copy. */
function publish(tmp: string, final: string): void {
  try {
    linkSync(tmp, final);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw err;
    copyFileSync(tmp, final, constants.COPYFILE_EXCL);
  }
}
