import { opendirSync, statSync, type Stats } from "node:fs";
import { sep } from "node:path";
import { ARCHIVES_DIR, classifyEntry } from "../disk/entries.js";
import { probeEntry } from "../disk/fingerprint.js";
import { unitOfEntry } from "../index/units.js";
import { sweptKind } from "./watch-set.js";

/**
 * Stamps are small integers (V8 keeps them unboxed in the map: no heap number per entry). A
 * stamp is a 29-bit hash of a directory's inode, size, mtime and ctime; two different states
 * stamp alike with odds of 2^-29, and the periodic full index (a full fingerprint comparison)
 * catches even that.
 */
const NOT_SWEPT = 1; // a file in the runs dir (a meta zip): its changes are runs-dir events
const UNREADABLE = 2;
const MIN_STAMP = 4;
/** Entries stat'ed between two yields to the event loop, so events are handled mid-sweep. */
const CHUNK = 4096;

export interface SweepResult {
  /** runs-dir entries to index again: changed, new or gone */
  readonly changed: string[];
  /** the runs dir's own stamp had changed, so it was listed again */
  readonly relisted: boolean;
  /** directories stat'ed */
  readonly dirs: number;
  readonly ms: number;
}

/**
 * The cheap periodic check: for every entry of the runs dir that belongs to a unit, the stamp of
 * what the daemon last saw, in memory. A sweep stats the runs dir (and lists it again only when
 * that changed: an entry added, removed or renamed), then stats each directory whose contents
 * can change without an event on the runs dir, and reports the entries whose stamp moved. Files
 * in the runs dir (meta zips, 80% of a typical runs dir) are not stat'ed: rewriting one is an
 * event on the watched runs dir, and the periodic full index covers a lost event.
 */
export class Sweeper {
  private readonly stamps = new Map<string, number>();
  /**
   * Meta dirs whose run has finished (`proc/exit` seen): Gage writes nothing more in their
   * `proc/`, so the sweep stats only the meta dir itself (at 100k runs, 19k stats fewer per
   * sweep); the next thing to happen to one is its zip replacing it, an event. The periodic full
   * index fingerprints `proc/` all the same.
   */
  private readonly finished = new Set<string>();
  private runsDirStamp: number | null = null;
  private running = false;

  constructor(private readonly runsDir: string) {}

  /** entries known (units' entries in the runs dir) */
  get size(): number {
    return this.stamps.size;
  }

  /**
   * The first listing, before the first full index, so that anything changing after the index
   * stat'ed it differs from these stamps at the next sweep. `seen` gets each directory's last
   * change time (ms), for the hot set's first order.
   */
  snapshot(seen: (name: string, changedMs: number) => void): void {
    this.runsDirStamp = stampOf(statOrNull(this.runsDir));
    this.relist(seen);
  }

  /** Records an entry as indexed just now (or drops it when gone), so the sweep does not redo it. */
  refresh(name: string): void {
    const kind = classifyEntry(name).kind;
    if (unitOfEntry(name) === null) return;
    const present = () => (statOrNull(`${this.runsDir}${sep}${name}`) === null ? null : NOT_SWEPT);
    const stamp = sweptKind(kind) ? this.stampEntry(name, kind === "meta-dir" || kind === "legacy-meta-dir", null, true) : present();
    if (stamp === null) this.forget(name);
    else this.stamps.set(name, stamp);
  }

  /**
   * One sweep; yields to the event loop every few thousand stats. `stopped` is asked between
   * chunks. Null when a sweep is already under way.
   */
  async sweep(force: boolean, stopped: () => boolean): Promise<SweepResult | null> {
    if (this.running) return null;
    this.running = true;
    try {
      const t0 = performance.now();
      const dirStamp = stampOf(statOrNull(this.runsDir));
      const relisted = force || dirStamp !== this.runsDirStamp;
      // The stamp is taken before listing (a change while listing shows at the next sweep) and
      // kept only once the listing worked.
      const changed = relisted ? this.relist(null) : [];
      if (relisted) this.runsDirStamp = dirStamp;
      let dirs = 0;
      let n = 0;
      for (const [name, stamp] of this.stamps) {
        if (stamp === NOT_SWEPT) continue;
        if (++n % CHUNK === 0) {
          await new Promise((r) => setImmediate(r));
          if (stopped()) break;
        }
        // Entries can leave the map while this loop waits; the iterator skips deleted ones.
        const meta = name.endsWith(".meta") || name.endsWith(".meta.deleted");
        dirs += meta && !this.finished.has(name) ? 2 : 1;
        let now = this.stampEntry(name, meta, null, false);
        if (now === stamp) continue;
        // Changed: whether its run has finished is looked at again (its stamp may change kind).
        if (meta && now !== null) now = this.stampEntry(name, meta, null, true);
        if (now === null) this.forget(name);
        else this.stamps.set(name, now);
        changed.push(name);
      }
      return { changed, relisted, dirs, ms: performance.now() - t0 };
    } finally {
      this.running = false;
    }
  }

  /**
   * Lists the runs dir, entry by entry (no array of every name: at 100k runs that is 300k
   * strings at once), and returns the names added or gone since the last listing. Entries seen
   * are marked by negating their stamp, so no second set of names is built.
   */
  private relist(seen: ((name: string, changedMs: number) => void) | null): string[] {
    const changes: string[] = [];
    const dir = openRunsDir(this.runsDir);
    if (dir !== null) {
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
          const name = d.name;
          const old = this.stamps.get(name);
          if (old !== undefined) {
            if (old > 0) this.stamps.set(name, -old);
            continue;
          }
          const e = classifyEntry(name);
          if (unitOfEntry(e) === null) continue;
          let stamp: number | null = NOT_SWEPT;
          if (sweptKind(e.kind)) {
            const meta = e.kind === "meta-dir" || e.kind === "legacy-meta-dir";
            stamp = this.stampEntry(name, meta, seen === null ? null : (ms) => seen(name, ms), true);
          }
          if (stamp === null) continue; // gone since it was listed
          this.stamps.set(name, -stamp);
          if (seen === null) changes.push(name);
        }
      } finally {
        dir.closeSync();
      }
    }
    for (const [name, stamp] of this.stamps) {
      if (stamp < 0) {
        this.stamps.set(name, -stamp);
      } else {
        this.forget(name);
        changes.push(name);
      }
    }
    return changes;
  }

  private forget(name: string): void {
    this.stamps.delete(name);
    this.finished.delete(name);
  }

  /**
   * The stamp of one directory entry (a meta dir with its `proc/` until its run finished), null
   * when it is gone. `recheck`: look whether a meta dir's run has finished.
   */
  private stampEntry(name: string, meta: boolean, changedMs: ((ms: number) => void) | null, recheck: boolean): number | null {
    const path = `${this.runsDir}${sep}${name}`;
    if (name === ARCHIVES_DIR) {
      // A few archive dirs, each changed by new revision files: the index's own fingerprint.
      const fp = probeEntry(this.runsDir, classifyEntry(name), { type: "unknown" });
      const st = fp === null ? null : statOrNull(path);
      if (st !== null && st !== "unreadable") changedMs?.(Math.max(st.mtimeMs, st.ctimeMs));
      return fp === null ? null : MIN_STAMP + (fp % 0x1fffffff);
    }
    const st = statOrNull(path);
    if (st === null) return null;
    if (st === "unreadable") return UNREADABLE;
    if (meta && recheck) {
      const exit = statOrNull(`${path}${sep}proc${sep}exit`);
      if (exit !== null && exit !== "unreadable") this.finished.add(name);
      else this.finished.delete(name);
    }
    const proc = meta && !this.finished.has(name) ? statOrNull(`${path}${sep}proc`) : null;
    if (changedMs) {
      const procMs = proc !== null && proc !== "unreadable" ? Math.max(proc.mtimeMs, proc.ctimeMs) : 0;
      changedMs(Math.max(st.mtimeMs, st.ctimeMs, procMs));
    }
    return stampOf(st, proc);
  }
}

function openRunsDir(path: string) {
  try {
    // A larger buffer than the default 32 entries: one readdir call per 1024 names.
    return opendirSync(path, { bufferSize: 1024 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A missing runs dir has no runs (as for `catalog index`); anything else (EMFILE, EACCES)
    // is not an empty runs dir, and the sweep is simply tried again next time.
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw err;
  }
}

function statOrNull(path: string): Stats | "unreadable" | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return "unreadable";
  }
}

function stampOf(st: Stats | "unreadable" | null, extra: Stats | "unreadable" | null = null): number {
  if (st === null) return 0;
  if (st === "unreadable") return UNREADABLE;
  let h = mix(mix(mix(mix(0x811c9dc5, st.ino), st.size), st.mtimeMs), st.ctimeMs);
  if (extra === "unreadable") h = mix(h, -1);
  else if (extra !== null) h = mix(mix(mix(mix(h, extra.ino), extra.size), extra.mtimeMs), extra.ctimeMs);
  return MIN_STAMP + (h >>> 3);
}

/** FNV-1a over a number's low and high 32 bits (times in ms with a fraction: scaled to µs). */
function mix(h: number, x: number): number {
  const v = Math.round(x * 1000);
  h = Math.imul(h ^ (v >>> 0), 0x01000193);
  return Math.imul(h ^ (Math.floor(v / 4294967296) >>> 0), 0x01000193);
}
