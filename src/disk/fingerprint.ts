import { lstatSync, readdirSync, statSync, type Stats } from "node:fs";
import { join, sep } from "node:path";
import type { RunsDirEntry } from "./entries.js";
import { resolveLink, typeOf, type FileType } from "./safe-fs.js";

/**
 * A fingerprint is a 53-bit hash of what identifies a file or dir as of now: inode, size, mtime
 * and ctime (µs). Compared for equality only, never ordered: sync tools (rsync -a, rclone) set
 * mtimes *older* than before, but they cannot set ctime, so any write or re-copy still changes
 * it (docs/freshness.md). A number rather than the text of those fields: a no-change refresh at 100k
 * runs compares 200k of them, and loading and comparing 200k strings cost more than the stats.
 * Two changed states hash alike with odds of 2^-53.
 */
export type Fingerprint = number;

/** A 53-bit hash of a unit's name (`run:<id>`, …), from its parts, without building the name. */
export function unitKeyHash(kind: string, key: string): number {
  return new Hasher().str(kind).str(key).done();
}

/** Two independent 32-bit FNV-1a lanes, combined into a safe integer. */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;

  num(x: number): this {
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    this.word(lo);
    this.word(hi);
    return this;
  }

  str(s: string): this {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this.word(0xffff);
  }

  done(): Fingerprint {
    return (this.a >>> 0) * 2097152 + ((this.b >>> 0) >>> 11);
  }

  private word(w: number): this {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.b = Math.imul(this.b ^ w, 0x5bd1e995) ^ (this.b >>> 15);
    return this;
  }
}

function statOf(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

function lstatOf(path: string): Stats | null {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

function addStat(h: Hasher, st: Stats | null): Hasher {
  if (st === null) return h.num(-1);
  return h.num(st.ino).num(st.size).num(Math.round(st.mtimeMs * 1000)).num(Math.round(st.ctimeMs * 1000));
}

/**
 * Adds what `path` is now, by lstat (the same cost as stat). A symlink adds its own state and,
 * only when it stays inside the runs dir, its target's; one that leaves it adds the reason, so
 * nothing outside is ever stat'ed. Returns the type seen, "outside" for a link that may not be
 * followed, null when gone (no object per call: this runs for every entry of every refresh).
 */
function addConfined(h: Hasher, runsDir: string, path: string): FileType | "outside" | null {
  const st = lstatOf(path);
  addStat(h, st);
  if (st === null) return null;
  const type = typeOf(st);
  if (type !== "link") return type;
  const r = resolveLink(runsDir, path);
  if ("problem" in r) {
    h.str(r.problem);
    return "outside";
  }
  addStat(h, statOf(path));
  return type;
}

/**
 * The fingerprint of one runs-dir entry, by its kind, and the entry's type into `out`: a meta dir
 * changes through new files in it or in `proc/` (lock, exit), the archive registry through new
 * revisions inside each archive dir. Null when the entry is gone. A name that is not valid
 * UTF-8 cannot be stat'ed by it: it stands for itself (its unit holds an error, so it is read
 * again on every pass anyway).
 */
export function probeEntry(runsDir: string, e: RunsDirEntry, out: { type: FileType }): Fingerprint | null {
  if (e.badName) {
    out.type = "unknown";
    return new Hasher().str("undecodable").str(e.name).done();
  }
  const path = `${runsDir}${sep}${e.name}`;
  const h = new Hasher();
  const seen = addConfined(h, runsDir, path);
  if (seen === null) return null;
  out.type = seen === "outside" ? "link" : seen;
  if (seen === "link" || seen === "dir") {
    if (e.kind === "meta-dir" || e.kind === "legacy-meta-dir") addConfined(h, runsDir, join(path, "proc"));
    else if (e.kind === "archives") addArchives(h, runsDir, path);
  }
  return h.done();
}

/** The archive registry changes through new revision files inside each archive dir. */
function addArchives(h: Hasher, runsDir: string, path: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(path).sort();
  } catch {
    // unreadable: its own state stands for it
  }
  for (const n of names) addConfined(h.str(n), runsDir, join(path, n));
}

/** Combines the fingerprints of a unit's entries (in their preference order) with their names. */
export function combineFingerprints(parts: ReadonlyArray<readonly [string, Fingerprint]>): Fingerprint {
  if (parts.length === 1) return parts[0]![1];
  const h = new Hasher();
  for (const [name, fp] of parts) h.str(name).num(fp);
  return h.done();
}

/**
 * The fingerprint of a unit (null if all its entries are gone), and its entries as they are now,
 * each with its type.
 */
export function probeUnit(runsDir: string, entries: readonly RunsDirEntry[]): { fingerprint: Fingerprint | null; entries: RunsDirEntry[] } {
  const parts: [string, Fingerprint][] = [];
  const typed: RunsDirEntry[] = [];
  const seen: { type: FileType } = { type: "unknown" };
  for (const e of entries) {
    const fp = probeEntry(runsDir, e, seen);
    if (fp === null) continue;
    parts.push([e.name, fp]);
    typed.push({ ...e, type: seen.type });
  }
  return { fingerprint: parts.length === 0 ? null : combineFingerprints(parts), entries: typed };
}
