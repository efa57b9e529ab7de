import { readdirSync, statSync, type Stats } from "node:fs";
import { join, sep } from "node:path";
import type { RunsDirEntry } from "./entries.js";

/**
 * A fingerprint is a 53-bit hash of what identifies a file or dir as of now: inode, size, mtime
 * and ctime (µs). Compared for equality only, never ordered: sync tools (rsync -a, rclone) set
 * mtimes *older* than before, but they cannot set ctime, so any write or re-copy still changes
 * it (DESIGN §4). A number rather than the text of those fields: a no-change refresh at 100k
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

function addStat(h: Hasher, st: Stats | null): Hasher {
  if (st === null) return h.num(-1);
  return h.num(st.ino).num(st.size).num(Math.round(st.mtimeMs * 1000)).num(Math.round(st.ctimeMs * 1000));
}

/** A file or dir's fingerprint; null when the path is gone. */
export function statFingerprint(path: string): Fingerprint | null {
  const st = statOf(path);
  return st === null ? null : addStat(new Hasher(), st).done();
}

/** A meta dir changes through new files in it or in `proc/` (lock, exit); both are covered. */
function metaDirFingerprint(path: string): Fingerprint | null {
  const st = statOf(path);
  return st === null ? null : addStat(addStat(new Hasher(), st), statOf(join(path, "proc"))).done();
}

/** The archive registry changes through new revision files inside each archive dir. */
function archivesFingerprint(path: string): Fingerprint | null {
  const st = statOf(path);
  if (st === null) return null;
  const h = addStat(new Hasher(), st);
  let names: string[] = [];
  try {
    names = readdirSync(path).sort();
  } catch {
    // unreadable: its own stat stands for it
  }
  for (const n of names) addStat(h.str(n), statOf(join(path, n)));
  return h.done();
}

/** The fingerprint of one runs-dir entry, by its kind. */
export function entryFingerprint(runsDir: string, e: RunsDirEntry): Fingerprint | null {
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

/** Combines the fingerprints of a unit's entries (in their preference order) with their names. */
export function combineFingerprints(parts: ReadonlyArray<readonly [string, Fingerprint]>): Fingerprint {
  if (parts.length === 1) return parts[0]![1];
  const h = new Hasher();
  for (const [name, fp] of parts) h.str(name).num(fp);
  return h.done();
}

/** The fingerprint of a unit, or null if all its entries are gone. */
export function unitFingerprint(runsDir: string, entries: readonly RunsDirEntry[]): Fingerprint | null {
  const parts: [string, Fingerprint][] = [];
  for (const e of entries) {
    const fp = entryFingerprint(runsDir, e);
    if (fp !== null) parts.push([e.name, fp]);
  }
  return parts.length === 0 ? null : combineFingerprints(parts);
}
