import { readdirSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join, relative, sep } from "node:path";
import type { FSWatcher } from "chokidar";
import { indexEntries, type IndexStats } from "../index/indexer.js";
import { packageRoot } from "../package-root.js";
import { deadLiveLocks, recheckLiveLocks } from "../index/locks.js";
import { openDb } from "../index/db.js";
import { withWriter } from "../index/writer.js";
import { LockBusyError } from "../index/writer-lock.js";
import { daemonFiles, liveDaemonPid, removeDaemonFiles, writeDaemonStatus, type DaemonStatus } from "./state.js";
import { watchDirsFor } from "./watch-set.js";
import { DirWatchers } from "./dir-watchers.js";
import { ARCHIVES_DIR, classifyEntry } from "../disk/entries.js";

export interface WatchLoopOptions {
  readonly runsDir: string;
  readonly dbPath: string;
  /** full stat sweep period: catches what watching misses (network filesystems, lost events) */
  readonly sweepMs: number;
  /** how often runs shown as running have their pid re-checked */
  readonly lockCheckMs: number;
  /** events are gathered this long before a pass */
  readonly debounceMs: number;
  readonly log: (msg: string) => void;
}

export const DEFAULT_WATCH_OPTIONS = { sweepMs: 30_000, lockCheckMs: 2_000, debounceMs: 20 } as const;

const ROLE = "catalog daemon";
/** A pass that finds the writer lock taken (a reindex, a manual index) retries after this. */
const BUSY_RETRY_MS = 250;

/**
 * The daemon's loop: a full incremental index, then chokidar on the runs dir and the per-run
 * directories that can change, a targeted index of the entries each event names, a periodic full
 * sweep, and a pid re-check of running runs. One pass at a time; each takes the writer lock and
 * its own connection, so a `reindex` can swap the database between passes.
 */
export class WatchLoop {
  /** chokidar on the runs dir itself: entries added, removed, rewritten */
  private watcher: FSWatcher | null = null;
  /** the per-run directories whose contents change (see watch-set.ts) */
  private readonly dirs = new DirWatchers((dir, filename) => this.onRaw(filename, dir));
  private chokidarErrors = 0;
  private readonly pending = new Map<string, number>();
  private fullPending = false;
  private chain: Promise<void> = Promise.resolve();
  private debounce: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private readonly startedAt = new Date().toISOString();
  private ready = false;
  private lastChangeSeen: string | null = null;
  private lastPassAt: string | null = null;
  private lastPassMs: number | null = null;
  private passes = 0;

  constructor(private readonly o: WatchLoopOptions) {}

  /** Claims the database (one daemon per database), indexes, then starts watching. */
  async start(): Promise<void> {
    const other = liveDaemonPid(this.o.dbPath);
    if (other !== null && other !== process.pid) {
      throw new Error(`a daemon (pid ${other}) already serves ${this.o.dbPath}`);
    }
    writeFileSync(daemonFiles(this.o.dbPath).pid, `${process.pid}\n`);
    this.writeStatus();
    await this.enqueue(() => this.fullPass());
    this.ready = true;
    await this.startWatching();
    this.writeStatus();
    this.timers.push(setInterval(() => this.requestFull(), this.o.sweepMs));
    this.timers.push(setInterval(() => void this.enqueue(() => this.lockPass()), this.o.lockCheckMs));
    this.o.log(`watching ${this.o.runsDir} (${1 + this.dirs.size} directories)`);
  }

  /** Finishes the pass under way (its transaction commits), then stops. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    if (this.debounce) clearTimeout(this.debounce);
    await this.chain;
    await this.watcher?.close();
    this.dirs.closeAll();
    removeDaemonFiles(this.o.dbPath, process.pid);
    this.o.log("stopped");
  }

  private async startWatching(): Promise<void> {
    const runsDir = this.o.runsDir;
    const { default: chokidar } = await import("chokidar");
    this.watcher = chokidar.watch(runsDir, {
      depth: 0,
      ignoreInitial: true,
      persistent: true,
      // Only the runs dir itself is watched; what happens to its entries arrives as raw events
      // naming them, so chokidar need not scan (or stat) the hundreds of thousands of entries.
      ignored: (path) => path !== runsDir,
    });
    this.watcher.on("raw", (_event, filename, details) => this.onRaw(filename, (details as { watchedPath?: string }).watchedPath));
    this.watcher.on("error", (err) => {
      this.chokidarErrors += 1;
      this.o.log(`watch error: ${err instanceof Error ? err.message : String(err)}`);
    });
    const ready = new Promise<void>((resolve) => this.watcher!.once("ready", () => resolve()));
    this.syncWatches();
    await ready;
  }

  private onRaw(filename: string | null, watchedPath: string | undefined): void {
    if (this.stopping) return;
    this.lastChangeSeen = new Date().toISOString();
    const entry = this.entryOf(filename, watchedPath);
    if (entry === null) {
      this.requestFull();
      return;
    }
    if (!this.pending.has(entry)) {
      this.pending.set(entry, Date.now());
      if (this.pending.size === 1) this.writeStatus();
    }
    if (this.debounce === null) {
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.enqueue(() => this.entriesPass());
      }, this.o.debounceMs);
    }
  }

  /** The runs-dir entry an event is about: the first path segment below the runs dir. */
  private entryOf(filename: string | null, watchedPath: string | undefined): string | null {
    if (!watchedPath) return null;
    const rel = relative(this.o.runsDir, watchedPath);
    if (rel === "") return filename ? (filename.split(sep)[0] ?? null) : null;
    if (rel.startsWith("..")) return null;
    return rel.split(sep)[0] ?? null;
  }

  private requestFull(): void {
    if (this.fullPending || this.stopping) return;
    this.fullPending = true;
    void this.enqueue(async () => {
      this.fullPending = false;
      await this.fullPass();
    });
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.stopping && this.ready) return;
      try {
        await job();
      } catch (err) {
        this.o.log(`pass failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.chain;
  }

  /**
   * A full incremental index, run as a `catalog index` child process: a pass over every entry
   * allocates in proportion to the runs dir, and a long-lived process keeps the heap it once
   * grew, so the daemon itself only ever runs small targeted passes.
   */
  private async fullPass(): Promise<void> {
    const t0 = Date.now();
    const r = await runChild(process.execPath, [join(packageRoot(), "bin", "catalog"), "index", "--format", "json", "--runs-dir", this.o.runsDir, "--db", this.o.dbPath]);
    if (r.code !== 0) {
      if (r.stderr.includes("is being written by")) {
        this.requestFullLater();
        return;
      }
      throw new Error(`full pass: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
    const s = JSON.parse(r.stdout) as IndexStats;
    if (s.read + s.removed > 0) this.o.log(`sweep: ${s.read} read, ${s.removed} removed`);
    this.passDone(t0);
    if (this.watcher) this.syncWatches();
  }

  private requestFullLater(): void {
    setTimeout(() => this.requestFull(), BUSY_RETRY_MS).unref();
  }

  private async entriesPass(): Promise<void> {
    if (this.pending.size === 0) return;
    const names = [...this.pending.keys()];
    const ok = await this.withDb(async (db) => {
      const s = await indexEntries(db, { runsDir: this.o.runsDir }, names);
      if (s.read + s.removed > 0) this.o.log(`change: ${s.read} read, ${s.removed} removed (${names.length} entries)`);
    }, () => setTimeout(() => void this.enqueue(() => this.entriesPass()), BUSY_RETRY_MS).unref());
    if (!ok) return;
    for (const n of names) this.pending.delete(n);
    for (const n of names) this.updateWatchesFor(n);
  }

  private async lockPass(): Promise<void> {
    // Read-only look first: most of the time nothing runs and no writer is needed.
    const ro = openDb(this.o.dbPath, { readonly: true });
    let dead: string[];
    try {
      dead = deadLiveLocks(ro);
    } finally {
      ro.close();
    }
    if (dead.length === 0) {
      this.writeStatus(); // a heartbeat for `daemon status`
      return;
    }
    await this.withDb(async (db) => {
      const died = recheckLiveLocks(db);
      if (died.length > 0) this.o.log(`${died.length} running run(s) found dead: terminated`);
    }, () => undefined);
  }

  /** One pass under the writer lock; if another indexer holds it, `onBusy` and report false. */
  private async withDb(fn: (db: import("../index/db.js").Db) => Promise<void>, onBusy: () => void): Promise<boolean> {
    const t0 = Date.now();
    try {
      await withWriter(this.o.dbPath, ROLE, { runsDir: this.o.runsDir, createDir: false, waitMs: 0 }, fn);
    } catch (err) {
      if (err instanceof LockBusyError) {
        onBusy();
        return false;
      }
      throw err;
    }
    this.passDone(t0);
    return true;
  }

  private passDone(t0: number): void {
    this.passes += 1;
    this.lastPassAt = new Date().toISOString();
    this.lastPassMs = Date.now() - t0;
    this.writeStatus();
  }

  /** Every runs-dir entry name, or none when the runs dir cannot be listed. */
  private listNames(): string[] {
    try {
      return readdirSync(this.o.runsDir);
    } catch {
      return [];
    }
  }

  /** Re-aims the watches of one entry after its unit was indexed. */
  private updateWatchesFor(name: string): void {
    const prefix = `${this.o.runsDir}${sep}${name}`;
    const want = new Set(watchDirsFor(this.o.runsDir, name));
    for (const d of [prefix, `${prefix}${sep}proc`]) if (this.dirs.has(d) && !want.has(d)) this.dirs.remove(d);
    if (name === ARCHIVES_DIR) for (const d of [...this.dirs.dirs()]) if (d.startsWith(`${prefix}${sep}`) && !want.has(d)) this.dirs.remove(d);
    for (const d of want) this.dirs.add(d);
  }

  /** After a sweep: watch what is new, drop watches of entries gone from the runs dir. */
  private syncWatches(): void {
    const names = this.listNames();
    const present = new Set(names);
    for (const d of [...this.dirs.dirs()]) {
      const name = d.slice(this.o.runsDir.length + 1).split(sep)[0]!;
      if (!present.has(name)) this.dirs.remove(d);
    }
    for (const name of names) {
      const prefix = `${this.o.runsDir}${sep}${name}`;
      if (this.dirs.has(prefix) && classifyEntry(name).kind !== "archives") continue;
      for (const d of watchDirsFor(this.o.runsDir, name)) this.dirs.add(d);
    }
    this.writeStatus();
  }

  private writeStatus(): void {
    const pendingSince = this.pending.size === 0 ? null : Math.min(...this.pending.values());
    const status: DaemonStatus = {
      pid: process.pid,
      startedAt: this.startedAt,
      runsDir: this.o.runsDir,
      db: this.o.dbPath,
      ready: this.ready,
      watches: 1 + this.dirs.size,
      watchFailures: this.dirs.failures + this.chokidarErrors,
      lastChangeSeen: this.lastChangeSeen,
      lastPassAt: this.lastPassAt,
      lastPassMs: this.lastPassMs,
      pending: this.pending.size,
      pendingSince: pendingSince === null ? null : new Date(pendingSince).toISOString(),
      passes: this.passes,
      updatedAt: new Date().toISOString(),
    };
    try {
      writeDaemonStatus(this.o.dbPath, status);
    } catch (err) {
      this.o.log(`cannot write status: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function runChild(cmd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
