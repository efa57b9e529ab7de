import { relative, sep } from "node:path";
import { indexEntries } from "../index/indexer.js";
import type { IndexSink } from "../index/sink.js";
import type { IndexTarget } from "../index/target.js";
import { unitOfEntry } from "../index/units.js";
import { LockBusyError } from "../index/writer-lock.js";
import { liveDaemonPid, removeDaemonFiles, writeDaemonPid, writeDaemonStatus, type DaemonStatus } from "./state.js";
import { DirWatchers } from "./dir-watchers.js";
import { HotSet } from "./hot-set.js";
import { RunsDirWatch } from "./runs-dir-watch.js";
import { Sweeper, type SweepResult } from "./sweep.js";
import { runFullPass } from "./full-pass.js";
import { seedOrder } from "./seed.js";

export interface WatchLoopOptions {
  readonly runsDir: string;
  /** where passes write: a SQLite file or a source of a team database */
  readonly target: IndexTarget;
  /** base of the daemon's pid, status and log files (`<base>.daemon.*`) */
  readonly stateBase: string;
  /** how a full pass's `catalog index` child is started: its location options and environment */
  readonly fullPass: { readonly args: readonly string[]; readonly env: NodeJS.ProcessEnv };
  /** period of the cheap stat sweep: what is not watched is seen within this */
  readonly sweepMs: number;
  /** a full index (a `catalog index` child) replaces every this many sweeps */
  readonly fullEvery: number;
  /** most inotify watches the daemon holds, the runs dir included (>= 1) */
  readonly maxWatches: number;
  /** how often runs shown as running have their pid re-checked */
  readonly lockCheckMs: number;
  /** events are gathered this long before a pass */
  readonly debounceMs: number;
  readonly log: (msg: string) => void;
}

export const DEFAULT_WATCH_OPTIONS = { sweepMs: 30_000, fullEvery: 20, maxWatches: 2048, lockCheckMs: 2_000, debounceMs: 20 } as const;

const ROLE = "catalog daemon";
/** A pass that finds the writer lock taken (a reindex, a manual index) retries after this. */
const BUSY_RETRY_MS = 250;
/** More entries than this waiting: a full index in a child, not a targeted pass in the daemon. */
const LARGE_PASS = 1000;
/** Running runs kept hot at each pid check, at most (their meta dir and proc/ are watched). */
const MAX_LIVE_HOT = 256;

/**
 * The daemon's loop (see docs/freshness.md): a watch on the runs dir, a capped set of watched
 * per-run directories (the recently active ones), a cheap stat sweep of every directory for the
 * rest, a full index in a child now and then, and a pid re-check of running runs. Index passes
 * run one at a time, each with the writer lock and its own connection, so a `reindex` can swap
 * the database between passes.
 */
export class WatchLoop {
  private readonly runsDirWatch: RunsDirWatch;
  private readonly hot: HotSet;
  private readonly sweeper: Sweeper;
  /** entries seen changed and not yet indexed → when first seen */
  private pending = new Map<string, number>();
  /** entries a pass is indexing now (back into `pending` if the pass does not happen) */
  private inFlight = new Map<string, number>();
  private fullPending = false;
  private chain: Promise<void> = Promise.resolve();
  private sweeping: Promise<void> = Promise.resolve();
  /** a sweep waiting for the one under way (events ask for one; they merge) */
  private sweepQueued: { relist: boolean } | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private readonly startedAt = new Date().toISOString();
  private ready = false;
  private lastChangeSeen: string | null = null;
  private lastPassAt: string | null = null;
  private lastPassMs: number | null = null;
  private passes = 0;
  private sweeps = 0;
  private lastSweep: SweepResult | null = null;
  private lastSweepAt: string | null = null;
  private loggedFailure: string | null = null;

  constructor(private readonly o: WatchLoopOptions) {
    this.runsDirWatch = new RunsDirWatch(o.runsDir, (filename, path) => this.onRaw(filename, path), o.log);
    this.hot = new HotSet(o.runsDir, Math.max(0, o.maxWatches - 1), new DirWatchers((dir, filename) => this.onRaw(filename, dir)));
    this.sweeper = new Sweeper(o.runsDir);
  }

  /** Claims the database (one daemon per database), indexes, then keeps it fresh. */
  async start(): Promise<void> {
    const other = liveDaemonPid(this.o.stateBase);
    if (other !== null && other !== process.pid) {
      throw new Error(`a daemon (pid ${other}) already serves ${this.o.runsDir} into ${this.o.target.label}`);
    }
    writeDaemonPid(this.o.stateBase, process.pid);
    this.writeStatus();
    // What the passes import lazily is imported now: Node remembers an import that failed (for
    // want of a file descriptor, say) as failed for good, and the daemon lives long.
    await Promise.all([import("../disk/meta-zip.js"), import("../disk/meta-zip-large.js"), import("fflate"), import("yauzl")]);
    // Stamps first, then watches, then the full index: whatever changes after a stamp was
    // taken is an event or differs at the next sweep, so nothing falls between them.
    const recent: { names: string[]; times: number[] } = { names: [], times: [] };
    this.sweeper.snapshot((name, ms) => {
      recent.names.push(name);
      recent.times.push(ms);
    });
    this.runsDirWatch.ensure();
    const seeds = seedOrder(recent.names, recent.times, Math.max(0, this.o.maxWatches - 1));
    for (const name of seeds) this.hot.touch(name);
    this.hot.evictions += recent.names.length - seeds.length;
    recent.names = [];
    recent.times = [];
    this.writeStatus();
    await this.enqueue(() => this.fullPass());
    // The first pid check also loads SQLite's native addon now: loaded lazily, at a moment
    // without a free file descriptor, Node would remember the module as missing for good.
    await this.enqueue(() => this.lockPass());
    this.ready = true;
    this.writeStatus();
    this.timers.push(setInterval(() => this.onSweepTimer(), this.o.sweepMs));
    this.timers.push(setInterval(() => void this.enqueue(() => this.lockPass()), this.o.lockCheckMs));
    const w = this.status();
    this.o.log(`watching ${this.o.runsDir}: ${w.watches} directories watched (cap ${w.watchCap}), ${this.sweeper.size} entries swept every ${this.o.sweepMs / 1000} s`);
  }

  /** Finishes the pass under way (its transaction commits), then stops. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    if (this.debounce) clearTimeout(this.debounce);
    await this.sweeping;
    await this.chain;
    this.runsDirWatch.close();
    this.hot.closeAll();
    removeDaemonFiles(this.o.stateBase, process.pid);
    await this.o.target.close();
    this.o.log("stopped");
  }

  private onRaw(filename: string | null, watchedPath: string | undefined): void {
    if (this.stopping) return;
    const entry = this.entryOf(filename, watchedPath);
    if (entry === null) {
      // An event that names no entry (the runs dir itself): list it again now.
      this.lastChangeSeen = new Date().toISOString();
      this.requestSweep(true);
      return;
    }
    // Run dirs (`<id>/`, written all along by a running run), `.project` files and strangers
    // are not indexed: no pass for them.
    if (unitOfEntry(entry) === null) return;
    this.lastChangeSeen = new Date().toISOString();
    this.markPending(entry);
  }

  /** The runs-dir entry an event is about: the first path segment below the runs dir. */
  private entryOf(filename: string | null, watchedPath: string | undefined): string | null {
    if (!watchedPath) return null;
    const rel = relative(this.o.runsDir, watchedPath);
    if (rel === "") return filename ? (filename.split(sep)[0] ?? null) : null;
    if (rel.startsWith("..")) return null;
    return rel.split(sep)[0] ?? null;
  }

  private markPending(name: string, since = Date.now(), schedule = true): void {
    if (this.stopping) return;
    const before = this.pending.get(name);
    if (before === undefined || since < before) this.pending.set(name, since);
    if (before === undefined && this.pending.size === 1) this.writeStatus();
    if (schedule) this.schedulePass();
  }

  private schedulePass(): void {
    if (this.debounce === null && !this.stopping) {
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.enqueue(() => this.entriesPass());
      }, this.o.debounceMs);
    }
  }

  /** Takes the pending entries for a pass; events meanwhile start a new batch. */
  private takePending(): Map<string, number> {
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    return batch;
  }

  /**
   * A pass that did not happen puts its entries back, without asking for another pass: a busy
   * writer lock has its own retry, and a failure (a full disk, no file descriptors) waits for
   * the next sweep rather than spinning.
   */
  private putBack(batch: Map<string, number>): void {
    this.inFlight = new Map();
    for (const [name, since] of batch) this.markPending(name, since, false);
  }

  /** After a pass indexed these entries: remember their stamps, watch them as recently active. */
  private indexed(batch: Map<string, number>): void {
    this.inFlight = new Map();
    for (const name of batch.keys()) {
      this.sweeper.refresh(name);
      // A directory watched only now may have changed before its watch existed: look again.
      if (this.hot.touch(name)) this.markPending(name);
    }
  }

  private requestFull(): void {
    if (this.fullPending || this.stopping) return;
    this.fullPending = true;
    void this.enqueue(async () => {
      this.fullPending = false;
      await this.fullPass();
    });
  }

  private onSweepTimer(): void {
    if (this.stopping) return;
    this.sweeps += 1;
    // Every fullEvery-th sweep is a full index instead (see fullPass for what only it sees).
    if (this.sweeps % this.o.fullEvery === 0) this.requestFull();
    else this.requestSweep(false);
  }

  private requestSweep(relist: boolean): void {
    if (this.stopping) return;
    if (this.sweepQueued !== null) {
      this.sweepQueued.relist ||= relist;
      return;
    }
    const queued = { relist };
    this.sweepQueued = queued;
    this.sweeping = this.sweeping.then(() => {
      this.sweepQueued = null;
      return this.sweep(queued.relist);
    });
  }

  /** The cheap sweep (sweep.ts), outside the pass chain: it only stats and marks entries pending. */
  private async sweep(relist: boolean): Promise<void> {
    if (this.stopping) return;
    try {
      // Limits can free up: try what could not be watched again, the runs dir first (out of
      // watches, the least recently active per-run directory gives its watch to it).
      if (this.runsDirWatch.failure === "ENOSPC") this.hot.shed();
      this.runsDirWatch.ensure();
      this.hot.retryFailed();
      const r = await this.sweeper.sweep(relist, () => this.stopping);
      if (r === null) return;
      this.lastSweep = r;
      this.lastSweepAt = new Date().toISOString();
      if (r.changed.length > 0) this.o.log(`sweep: ${r.changed.length} entries changed (${r.dirs} directories in ${Math.round(r.ms)} ms)`);
      const now = Date.now();
      for (const name of r.changed) this.markPending(name, now);
      // Entries left by a pass that failed (a full disk, no file descriptors) are retried here.
      if (this.pending.size > 0) this.schedulePass();
      this.writeStatus();
    } catch (err) {
      this.o.log(`sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
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
   * A full incremental index in a child process. It alone sees what neither a watch nor the sweep
   * does: a file in the runs dir (a meta zip) rewritten in place with no event, and units whose
   * last read failed (a file Gage was still writing) being read again.
   */
  private async fullPass(): Promise<void> {
    const t0 = Date.now();
    const batch = this.takePending();
    let busy = true;
    try {
      const r = await runFullPass(this.o.fullPass.args, this.o.fullPass.env);
      busy = r.busy;
      if (!r.busy && r.stats.read + r.stats.removed > 0) this.o.log(`full pass: ${r.stats.read} read, ${r.stats.removed} removed`);
    } finally {
      if (busy) this.putBack(batch);
    }
    if (busy) {
      setTimeout(() => this.requestFull(), BUSY_RETRY_MS).unref();
      return;
    }
    this.indexed(batch);
    this.passDone(t0);
  }

  private async entriesPass(): Promise<void> {
    if (this.pending.size === 0) return;
    if (this.pending.size > LARGE_PASS) return this.fullPass();
    const batch = this.takePending();
    let ok = false;
    try {
      ok = await this.withSink(async (sink) => {
        const s = await indexEntries(sink, { ...this.o.target.indexOptions, runsDir: this.o.runsDir }, batch.keys());
        if (s.read + s.removed > 0) this.o.log(`change: ${s.read} read, ${s.removed} removed (${batch.size} entries)`);
      }, () => setTimeout(() => void this.enqueue(() => this.entriesPass()), BUSY_RETRY_MS).unref());
    } finally {
      if (!ok) this.putBack(batch);
    }
    if (ok) this.indexed(batch);
  }

  private async lockPass(): Promise<void> {
    // Read-only look first: most of the time nothing runs and no writer is needed.
    const { live, dead } = await this.o.target.withReader((sink) => sink.liveRuns(MAX_LIVE_HOT));
    // Running runs stay among the recently active: their `started`, lock and exit are seen at once.
    for (const id of live) if (this.hot.touch(`${id}.meta`)) this.markPending(`${id}.meta`);
    if (dead.length === 0) {
      this.writeStatus(); // a heartbeat for `daemon status`
      return;
    }
    await this.withSink(async (sink) => {
      const died = await sink.recheckLocks();
      if (died.length > 0) this.o.log(`${died.length} running run(s) found dead: terminated`);
    }, () => undefined);
  }

  /** One pass under the writer lock; if another indexer holds it, `onBusy` and report false. */
  private async withSink(fn: (sink: IndexSink) => Promise<void>, onBusy: () => void): Promise<boolean> {
    const t0 = Date.now();
    try {
      await this.o.target.withSink(ROLE, { waitMs: 0 }, fn);
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

  private status(): DaemonStatus {
    let pendingSince: number | null = null;
    for (const m of [this.pending, this.inFlight]) for (const t of m.values()) if (pendingSince === null || t < pendingSince) pendingSince = t;
    const runsDirFailure = this.runsDirWatch.failure;
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      runsDir: this.o.runsDir,
      db: this.o.target.label,
      ready: this.ready,
      watches: (this.runsDirWatch.watching ? 1 : 0) + this.hot.watches,
      watchCap: this.o.maxWatches,
      capReached: this.hot.evictions > 0,
      watchFailures: this.hot.unwatched + (runsDirFailure === null ? 0 : 1),
      watchError: runsDirFailure ?? this.hot.lastError,
      runsDirUnwatched: runsDirFailure !== null,
      sweepMs: this.o.sweepMs,
      sweptDirs: this.lastSweep?.dirs ?? 0,
      lastSweepAt: this.lastSweepAt,
      lastSweepMs: this.lastSweep === null ? null : Math.round(this.lastSweep.ms),
      fullPassMs: this.o.sweepMs * this.o.fullEvery,
      lastChangeSeen: this.lastChangeSeen,
      lastPassAt: this.lastPassAt,
      lastPassMs: this.lastPassMs,
      pending: this.pending.size + this.inFlight.size,
      pendingSince: pendingSince === null ? null : new Date(pendingSince).toISOString(),
      passes: this.passes,
      updatedAt: new Date().toISOString(),
    };
  }

  private writeStatus(): void {
    const status = this.status();
    const failure = status.watchError;
    if (failure !== this.loggedFailure) {
      // Said when it starts and when it ends, not at every status write.
      this.loggedFailure = failure;
      this.o.log(status.watchError === null ? "every wanted directory is watched again" : `${status.watchFailures} director${status.watchFailures === 1 ? "y" : "ies"} could not be watched (${status.watchError}); the sweep covers them`);
    }
    try {
      writeDaemonStatus(this.o.stateBase, status);
    } catch (err) {
      this.o.log(`cannot write status: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
