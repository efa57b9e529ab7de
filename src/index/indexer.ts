import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readAttrLog, type AttrLogRead } from "../disk/attr-log.js";
import { ARCHIVES_DIR, classifyEntry, entryPreference, type RunsDirEntry } from "../disk/entries.js";
import { combineFingerprints, entryFingerprint, unitKeyHash, type Fingerprint } from "../disk/fingerprint.js";
import type { ReadIssue, RunRecord } from "../disk/records.js";
import type { Db } from "./db.js";
import { refreshGroupStates } from "./group-state.js";
import { recheckLiveLocks } from "./locks.js";
import { pidAlive } from "./pid.js";
import { prepareStatements, type Statements } from "./statements.js";
import { InProcessReader, WorkerReader, workerScript, type UnitReader } from "./readers.js";
import type { UnitKind, UnitRead, UnitTask } from "./unit-read.js";

export interface IndexProgress {
  readonly done: number;
  readonly total: number;
}

export interface IndexOptions {
  readonly runsDir: string;
  /**
   * Reader threads for large passes (0: read on this thread). The CLI uses one: reading and
   * parsing overlap with the SQL writes.
   */
  readonly workers?: number;
  /** called after each unit read while work remains */
  readonly onProgress?: (p: IndexProgress) => void;
}

export interface IndexStats {
  /** units whose fingerprint changed (or that had errors) and were read again */
  readonly read: number;
  /** units that vanished from disk and were dropped */
  readonly removed: number;
  /** units on disk */
  readonly units: number;
  readonly errors: number;
}

/** When more owners than this changed, current_attrs is rebuilt in one pass instead of per owner. */
const BULK_ATTRS_THRESHOLD = 2000;
/** Units per batch handed to a reader. */
const BATCH = 256;
/** Passes reading fewer units than this stay on the main thread (a thread costs ~30 ms). */
const WORKER_MIN_UNITS = 2000;

export interface DiskUnit {
  readonly unit: string;
  /** unitKeyHash of the unit's name, as stored in entries.unit_key */
  readonly unitKey: number;
  readonly kind: UnitKind;
  readonly key: string;
  readonly entries: readonly RunsDirEntry[];
  /** null: not taken yet; the reader takes it just before reading */
  readonly fingerprint: Fingerprint | null;
}

/**
 * Brings the index up to date with the runs dir in one transaction: every unit whose fingerprint
 * differs from the stored one (or that had read errors) is read again, vanished units are dropped.
 * A first index is the same pass over an empty database.
 */
export async function indexRunsDir(db: Db, options: IndexOptions): Promise<IndexStats> {
  const st = prepareStatements(db);
  // unit_key → fingerprint, all numbers: at 100k runs this is 200k pairs, and loading them as
  // strings cost more than the stats.
  const stored = new Map(st.allEntries.raw(true).all() as unknown as [number, Fingerprint][]);
  const withErrors = new Set(st.unitsWithErrors.all().map((r) => r.unit));
  const errorKeys = new Set([...withErrors].map((u) => unitKeyHash(...splitUnit(u))));
  // Into an empty index every unit is read: each is fingerprinted by its reader, just before it
  // is read, rather than all of them first on this thread. Otherwise unchanged units are dropped
  // as they are listed, so only changed ones are ever built.
  const scan = scanRunsDir(options.runsDir, stored.size > 0, (key, fp) => stored.get(key) === fp && !errorKeys.has(key));
  const vanished = [...stored.keys()].filter((k) => !scan.present.has(k)).flatMap((k) => st.unitByKey.all(k).map((r) => r.unit));
  return applyUnits(db, st, options, scan.units, vanished, (unit) => stored.get(unitKeyHash(...splitUnit(unit))), scan.present.size);
}

/**
 * The same for just the units that own the given runs-dir entry names (what a file watcher saw
 * change): each is fingerprinted again, read if it changed, dropped if it is gone.
 */
export async function indexEntries(db: Db, options: IndexOptions, entryNames: Iterable<string>): Promise<IndexStats> {
  const st = prepareStatements(db);
  const wanted = new Set<string>();
  for (const name of entryNames) {
    const unit = unitOfEntry(name);
    if (unit) wanted.add(unit);
  }
  const onDisk = probeUnits(options.runsDir, wanted);
  const present = new Set(onDisk.map((u) => u.unit));
  const stored = (unit: string) => st.entry.get(unit)?.fingerprint;
  const vanished = [...wanted].filter((u) => !present.has(u) && stored(u) !== undefined);
  return applyUnits(db, st, options, onDisk, vanished, stored, onDisk.length);
}

async function applyUnits(
  db: Db,
  st: Statements,
  options: IndexOptions,
  onDisk: readonly DiskUnit[],
  vanished: readonly string[],
  stored: (unit: string) => Fingerprint | undefined,
  unitsOnDisk: number,
): Promise<IndexStats> {
  const { runsDir } = options;
  const withErrors = new Set(st.unitsWithErrors.all().map((r) => r.unit));
  const changed = onDisk.filter((u) => u.fingerprint === null || stored(u.unit) !== u.fingerprint || withErrors.has(u.unit));

  if (changed.length === 0 && vanished.length === 0) {
    // Nothing to write but pids that may have died since: skip the transaction when none did.
    const died = recheckLiveLocks(db);
    if (died.length > 0) db.transaction(() => refreshGroupStates(db, [], died))();
    return { read: 0, removed: 0, units: unitsOnDisk, errors: st.countErrors.get()!.n };
  }
  const writer = new UnitWriter(st, runsDir, withErrors);
  const script = (options.workers ?? 0) > 0 && changed.length >= WORKER_MIN_UNITS ? workerScript() : null;
  const reader: UnitReader = script ? new WorkerReader(runsDir, script, options.workers!) : new InProcessReader(runsDir);
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const unit of vanished) writer.remove(unit);
    // Readers run ahead by a few batches; results are applied in order as they arrive.
    const batches: DiskUnit[][] = [];
    for (let i = 0; i < changed.length; i += BATCH) batches.push(changed.slice(i, i + BATCH));
    const inflight: Promise<UnitRead[]>[] = [];
    let next = 0;
    let done = 0;
    const pump = () => {
      while (inflight.length < 4 && next < batches.length) inflight.push(reader.read(batches[next++]!.map((u) => writer.task(u))));
    };
    pump();
    for (const batch of batches) {
      const results = await inflight.shift()!;
      pump();
      batch.forEach((u, j) => writer.apply(u, results[j]!));
      done += batch.length;
      options.onProgress?.({ done, total: changed.length });
    }
    writer.refreshAttrs();
    const died = recheckLiveLocks(db);
    for (const id of died) writer.changedRuns.add(id);
    refreshGroupStates(db, writer.changedGroups, writer.changedRuns);
    st.putMeta.run("runs_dir", runsDir);
    st.putMeta.run("indexed_at", new Date().toISOString());
    db.exec("COMMIT");
  } catch (err) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw err;
  } finally {
    await reader.close();
  }
  const errors = st.countErrors.get()!.n;
  return { read: changed.length, removed: vanished.length, units: unitsOnDisk, errors };
}

/** The unit a runs-dir entry belongs to (`run:<id>`, `user:<id>`, …), or null for other names. */
export function unitOfEntry(entry: string | RunsDirEntry): string | null {
  const e = typeof entry === "string" ? classifyEntry(entry) : entry;
  const kind = unitKindOf(e);
  if (kind === null) return null;
  return kind === "archives" ? "archives" : `${kind}:${kind === "group" ? e.name : e.key}`;
}

function unitKindOf(e: RunsDirEntry): UnitKind | null {
  switch (e.kind) {
    case "meta-dir":
    case "meta-zip":
    case "legacy-meta-dir":
    case "legacy-meta-zip":
      return "run";
    case "user":
    case "legacy-user":
      return "user";
    case "move":
      return "move";
    case "group":
      return "group";
    case "archives":
      return "archives";
    default:
      return null;
  }
}

/** Every runs-dir name a unit can consist of. */
function entryNamesOf(unit: string): string[] {
  const [kind, key] = splitUnit(unit);
  switch (kind) {
    case "run":
      return [`${key}.meta.zip`, `${key}.meta`, `${key}.meta.zip.deleted`, `${key}.meta.deleted`];
    case "user":
      return [`${key}.user`, `${key}.user.deleted`];
    case "move":
      return [`${key}.move`];
    case "group":
      return [key];
    case "archives":
      return [ARCHIVES_DIR];
  }
}

function probeUnits(runsDir: string, units: ReadonlySet<string>): DiskUnit[] {
  const names = [...units].flatMap(entryNamesOf).filter((n) => existsSync(join(runsDir, n)));
  return unitsFromNames(runsDir, names).units;
}

/** Lists the runs dir once and fingerprints every unit in it. A missing runs dir has no runs. */
export function listUnits(runsDir: string): DiskUnit[] {
  return scanRunsDir(runsDir, true, () => false).units;
}

function readNames(runsDir: string): string[] {
  try {
    return readdirSync(runsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw err;
  }
}

function scanRunsDir(runsDir: string, stat: boolean, unchanged: (unitKey: number, fp: Fingerprint) => boolean) {
  return unitsFromNames(runsDir, readNames(runsDir), stat, unchanged);
}

/**
 * Groups names into units and fingerprints each, in one pass; a unit `unchanged` accepts is
 * counted as present but not built. A no-change refresh is this loop plus one read of the stored
 * fingerprints, so it avoids per-entry work beyond the stat.
 */
function unitsFromNames(
  runsDir: string,
  names: readonly string[],
  stat = true,
  unchanged: (unitKey: number, fp: Fingerprint) => boolean = () => false,
): { units: DiskUnit[]; present: Set<number> } {
  const units = new Map<number, { kind: UnitKind; key: string; entries: RunsDirEntry[]; fps: Fingerprint[] }>();
  for (const name of names) {
    const e = classifyEntry(name);
    const kind = unitKindOf(e);
    if (kind === null) continue;
    const fp = stat ? entryFingerprint(runsDir, e) : 0;
    // An entry can vanish between readdir and stat; then it is simply not there.
    if (fp === null) continue;
    const key = kind === "group" ? e.name : e.key;
    const unitKey = unitKeyHash(kind, key);
    const u = units.get(unitKey);
    if (u) {
      u.entries.push(e);
      u.fps.push(fp);
    } else {
      units.set(unitKey, { kind, key, entries: [e], fps: [fp] });
    }
  }
  const out: DiskUnit[] = [];
  for (const [unitKey, u] of units) {
    let entries = u.entries;
    let fingerprint: Fingerprint | null = stat ? u.fps[0]! : null;
    if (u.entries.length > 1) {
      // Several meta (or .user) entries for one id: a stable order, the preferred one first.
      const order = u.entries.map((e, i) => [e, u.fps[i]!] as const).sort((a, b) => entryPreference(a[0]) - entryPreference(b[0]));
      entries = order.map((x) => x[0]);
      fingerprint = stat ? combineFingerprints(order.map(([e, fp]) => [e.name, fp] as const)) : null;
    }
    if (fingerprint !== null && unchanged(unitKey, fingerprint)) continue;
    out.push({ unit: u.kind === "archives" ? "archives" : `${u.kind}:${u.key}`, unitKey, kind: u.kind, key: u.key, entries, fingerprint });
  }
  return { units: out, present: new Set(units.keys()) };
}

/** Applies what was read of one unit to the tables, replacing what the unit held before. */
class UnitWriter {
  private readonly dirtyOwners = new Map<string, readonly [string, string]>();
  /** runs whose row or container changed: the groups listing them need a new summary */
  readonly changedRuns = new Set<string>();
  readonly changedGroups = new Set<string>();

  constructor(
    private readonly st: Statements,
    private readonly runsDir: string,
    /** units that had errors before this pass: only theirs need deleting */
    private readonly hadErrors: ReadonlySet<string>,
  ) {}

  remove(unit: string): void {
    const [kind, key] = splitUnit(unit);
    switch (kind) {
      case "run":
        this.st.deleteRun.run(key);
        this.changedRuns.add(key);
        break;
      case "user":
        this.st.deleteOwnerLogs.run("run", key);
        this.markDirty("run", key);
        break;
      case "move":
        this.st.deleteMove.run(key);
        this.changedRuns.add(key);
        break;
      case "group":
        this.dropGroup(key);
        break;
      case "archives":
        this.st.deleteArchives.run();
        break;
    }
    this.st.deleteErrors.run(unit);
    this.st.deleteEntry.run(unit);
  }

  /** What a reader needs for a unit: its entries and the attr-log names already stored. */
  task(u: DiskUnit): UnitTask {
    let known: string[] = [];
    if (u.kind === "user") known = this.st.logNames.all("run", u.key).map((r) => r.log_name);
    if (u.kind === "group") {
      const previous = this.st.groupByDir.get(u.key);
      if (previous) known = this.st.logNames.all("group", previous.id).map((r) => r.log_name);
    }
    return { kind: u.kind, key: u.key, entries: u.entries, known, fingerprint: u.fingerprint === null };
  }

  apply(unit: DiskUnit, r: UnitRead): void {
    // Gone between listing and reading: nothing to record; the next pass sees it as it is then.
    if (r.fingerprint === null) return;
    const u = r.fingerprint === undefined ? unit : { ...unit, fingerprint: r.fingerprint };
    switch (r.kind) {
      case "run":
        // A run that cannot be read for now keeps its last good row; its errors make it read again.
        if (r.read.value) this.st.putRun.run(runRow(r.read.value));
        else if (!r.read.transient) this.st.deleteRun.run(u.key);
        this.changedRuns.add(u.key);
        this.finish(u, r.read.issues);
        return;
      case "user":
        this.applyLog("run", u.key, r.log);
        this.finish(u, r.log.issues);
        return;
      case "move":
        if (r.container !== null) this.st.putMove.run(u.key, r.container);
        this.changedRuns.add(u.key);
        this.finish(u, r.issues);
        return;
      case "group":
        this.finish(u, this.applyGroup(u, r));
        return;
      case "archives":
        this.st.deleteArchives.run();
        for (const a of r.archives) this.st.putArchive.run(a.id, a.name, a.date, a.deleted ? 1 : 0);
        this.finish(u, r.issues);
        return;
    }
  }

  /** Rebuilds current_attrs for every owner whose log changed (all at once when many did). */
  refreshAttrs(): void {
    if (this.dirtyOwners.size > BULK_ATTRS_THRESHOLD) {
      this.st.clearAllAttrs.run();
      this.st.fillAllAttrs.run();
    } else {
      for (const [kind, id] of this.dirtyOwners.values()) {
        this.st.clearOwnerAttrs.run(kind, id);
        this.st.fillOwnerAttrs.run(kind, id);
      }
    }
    this.dirtyOwners.clear();
  }

  private finish(u: DiskUnit, issues: readonly ReadIssue[]): void {
    if (this.hadErrors.has(u.unit)) this.st.deleteErrors.run(u.unit);
    for (const i of issues) this.st.putError.run(u.unit, i.path, i.message);
    // A unit gone before its reader could fingerprint it gets no entry: the next pass decides.
    if (u.fingerprint !== null) this.st.putEntry.run(u.unit, u.unitKey, u.fingerprint);
  }

  private applyGroup(u: DiskUnit, r: Extract<UnitRead, { kind: "group" }>): ReadIssue[] {
    const dirName = u.key;
    const group = r.group;
    const issues = [...r.issues];
    let log = r.log;
    const previous = this.st.groupByDir.get(dirName);
    if (previous && previous.id !== group.id) {
      // Its `id` file changed: the names skipped as known belonged to the old id; read them all.
      this.dropGroup(dirName);
      log = readAttrLog(join(this.runsDir, dirName));
    }
    const holder = this.st.groupById.get(group.id);
    if (holder && holder.dir_name !== dirName) {
      issues.push({ path: join(this.runsDir, dirName), message: `group id ${group.id} is already used by ${holder.dir_name}` });
      return issues;
    }
    if (!holder) this.st.putGroup.run(group.id, group.name, dirName);
    this.changedGroups.add(group.id);
    this.applyLog("group", group.id, log);
    return [...issues, ...log.issues];
  }

  private dropGroup(dirName: string): void {
    const row = this.st.groupByDir.get(dirName);
    if (!row) return;
    this.st.deleteOwnerLogs.run("group", row.id);
    this.st.deleteGroupByDir.run(dirName);
    this.st.deleteGroupState.run(row.id);
    this.markDirty("group", row.id);
  }

  /**
   * Attr-log files are immutable once written (gage-format §9.1), so only names not yet stored
   * were read; names gone from disk are dropped. A file that failed to parse is not stored, so it
   * is read again on the next pass (Gage writes entries in place, not atomically).
   */
  private applyLog(kind: "run" | "group", owner: string, read: AttrLogRead): void {
    const known = new Set(this.st.logNames.all(kind, owner).map((r) => r.log_name));
    const onDisk = new Set(read.names);
    for (const name of known) if (!onDisk.has(name)) this.st.deleteLog.run(kind, owner, name);
    for (const e of read.entries) {
      this.st.putLog.run(kind, owner, e.name, e.author, JSON.stringify(e.set), JSON.stringify(e.delete));
    }
    if (read.entries.length > 0 || onDisk.size !== known.size) this.markDirty(kind, owner);
  }

  private markDirty(kind: string, id: string): void {
    this.dirtyOwners.set(`${kind}\u0000${id}`, [kind, id]);
  }
}

function splitUnit(unit: string): [UnitKind, string] {
  const i = unit.indexOf(":");
  if (i < 0) return [unit as UnitKind, ""];
  return [unit.slice(0, i) as UnitKind, unit.slice(i + 1)];
}

function runRow(r: RunRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    meta_entry: r.metaEntry,
    meta_kind: r.metaKind,
    legacy_deleted: r.legacyDeleted ? 1 : 0,
    opref_schema: r.opref.schema,
    op_ns: r.opref.ns,
    op_name: r.opref.name,
    op_version: r.opref.version,
    initialized: r.initialized.us,
    staged: r.staged.us,
    started: r.started.us,
    stopped: r.stopped.us,
    has_initialized: r.initialized.present ? 1 : 0,
    has_staged: r.staged.present ? 1 : 0,
    has_started: r.started.present ? 1 : 0,
    has_stopped: r.stopped.present ? 1 : 0,
    exit_code: r.exitCode,
    lock_present: r.lockPresent ? 1 : 0,
    lock_pid: r.lockPid,
    lock_alive: r.lockPresent && pidAlive(r.lockPid) ? 1 : 0,
    config_json: JSON.stringify(r.config),
    metrics_json: JSON.stringify(r.metrics),
    attributes_json: JSON.stringify(r.attributes),
    summary_label: r.summaryLabel,
  };
}
