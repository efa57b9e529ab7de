import { readdirSync, statSync, type Stats } from "node:fs";
import { join, sep } from "node:path";
import type { RunsDirEntry } from "./entries.js";

/**
 * Identity of a file or dir as of now: inode, size, mtime and ctime. Compared for equality only,
 * never ordered: sync tools (rsync -a, rclone) set mtimes *older* than before, but they cannot
 * set ctime, so any write or re-copy still changes the fingerprint (DESIGN §4). Times are kept to
 * the µs: a bigint stat would give whole ns but costs a fifth more per entry, and a no-change
 * refresh is mostly stats.
 * null when the path is gone.
 */
export function statFingerprint(path: string): string | null {
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  // Integer µs: formatting integers is much cheaper than formatting floats.
  return st === undefined ? null : `${st.ino}:${st.size}:${Math.round(st.mtimeMs * 1000)}:${Math.round(st.ctimeMs * 1000)}`;
}

/** A meta dir changes through new files in it or in `proc/` (lock, exit); both are covered. */
export function metaDirFingerprint(path: string): string | null {
  const self = statFingerprint(path);
  return self === null ? null : `${self}/proc=${statFingerprint(join(path, "proc")) ?? "-"}`;
}

/** The archive registry changes through new revision files inside each archive dir. */
export function archivesFingerprint(path: string): string | null {
  const self = statFingerprint(path);
  if (self === null) return null;
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch {
    return self;
  }
  return [self, ...names.map((n) => `${n}=${statFingerprint(join(path, n)) ?? "-"}`)].join("/");
}

/** The fingerprint of one runs-dir entry, by its kind. */
export function entryFingerprint(runsDir: string, e: RunsDirEntry): string | null {
  const path = `${runsDir}${sep}${e.name}`;
  switch (e.kind) {
    case "meta-dir":
    case "legacy-meta-dir":
      return metaDirFingerprint(path);
    case "archives":
      return archivesFingerprint(path);
    default:
      return statFingerprint(path);
  }
}

/** The fingerprint of a unit: its entries' (in their preference order), or null if all are gone. */
export function unitFingerprint(runsDir: string, entries: readonly RunsDirEntry[]): string | null {
  const parts: string[] = [];
  for (const e of entries) {
    const fp = entryFingerprint(runsDir, e);
    if (fp !== null) parts.push(`${e.name}=${fp}`);
  }
  return parts.length === 0 ? null : parts.join("|");
}
