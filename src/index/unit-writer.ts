import { join } from "node:path";
import { readAttrLog, type AttrLogRead } from "../disk/attr-log.js";
import type { ReadIssue, RunRecord } from "../disk/records.js";
import { pidAlive } from "./pid.js";
import type { IndexSink, OwnerKind, PassChanges, RunRow } from "./sink.js";
import type { UnitRead, UnitTask } from "./unit-read.js";
import { splitUnit, type DiskUnit } from "./units.js";

/** Applies what was read of one unit to the tables, replacing what the unit held before. */
export class UnitWriter {
  private readonly dirtyOwners = new Map<string, readonly [OwnerKind, string]>();
  /** runs whose row or container changed: the groups listing them need a new summary */
  readonly changedRuns = new Set<string>();
  readonly changedGroups = new Set<string>();
  /** runs whose row was written or deleted: their run_values rows follow (refreshValues) */
  private readonly valueRuns = new Set<string>();

  constructor(
    private readonly sink: IndexSink,
    private readonly runsDir: string,
    /** units that had errors before this pass: only theirs need deleting */
    private readonly hadErrors: ReadonlySet<string>,
    /** take each run's newest meta file time (a team database shows the newest copy) */
    private readonly filesTime: boolean,
  ) {}

  remove(unit: string): void {
    const [kind, key] = splitUnit(unit);
    switch (kind) {
      case "run":
        this.sink.deleteRun(key);
        this.changedRuns.add(key);
        this.valueRuns.add(key);
        break;
      case "user":
        this.sink.deleteOwnerLogs("run", key);
        this.markDirty("run", key);
        break;
      case "move":
        this.sink.deleteMove(key);
        this.changedRuns.add(key);
        break;
      case "group":
        this.dropGroup(key);
        break;
      case "archives":
        this.sink.replaceArchives([]);
        break;
    }
    this.sink.deleteIssues(unit);
    this.sink.deleteEntry(unit);
  }

  /** What a reader needs for a unit: its entries and the attr-log names already stored. */
  task(u: DiskUnit): UnitTask {
    let known: readonly string[] = [];
    if (u.kind === "user") known = this.sink.logNames("run", u.key);
    if (u.kind === "group") {
      const previous = this.sink.groupIdOfDir(u.key);
      if (previous !== undefined) known = this.sink.logNames("group", previous);
    }
    return { kind: u.kind, key: u.key, entries: u.entries, known, fingerprint: u.fingerprint === null, filesTime: this.filesTime };
  }

  apply(unit: DiskUnit, r: UnitRead): void {
    // Gone between listing and reading: nothing to record; the next pass sees it as it is then.
    if (r.fingerprint === null) return;
    const u = r.fingerprint === undefined ? unit : { ...unit, fingerprint: r.fingerprint };
    switch (r.kind) {
      case "run":
        // A run that cannot be read for now keeps its last good row; its errors make it read again.
        if (r.read.value) this.sink.putRun(runRow(r.read.value, r.filesUs ?? 0));
        else if (!r.read.transient) this.sink.deleteRun(u.key);
        this.changedRuns.add(u.key);
        this.valueRuns.add(u.key);
        this.finish(u, r.read.issues);
        return;
      case "user":
        this.applyLog("run", u.key, r.log);
        this.finish(u, r.log.issues);
        return;
      case "move":
        if (r.container !== null) this.sink.putMove(u.key, r.container, r.marker);
        this.changedRuns.add(u.key);
        this.finish(u, r.issues);
        return;
      case "group":
        this.finish(u, this.applyGroup(u, r));
        return;
      case "archives":
        this.sink.replaceArchives(r.archives);
        this.finish(u, r.issues);
        return;
    }
  }

  /** What this pass changed, for the sink's derived tables. */
  changes(): PassChanges {
    return { owners: [...this.dirtyOwners.values()], valueRuns: this.valueRuns, changedRuns: this.changedRuns, changedGroups: this.changedGroups };
  }

  private finish(u: DiskUnit, issues: readonly ReadIssue[]): void {
    if (this.hadErrors.has(u.unit)) this.sink.deleteIssues(u.unit);
    for (const i of issues) this.sink.putIssue({ unit: u.unit, path: i.path, message: i.message, severity: i.note ? "note" : "error" });
    // A unit gone before its reader could fingerprint it gets no entry: the next pass decides.
    if (u.fingerprint !== null) this.sink.putEntry(u.unit, u.unitKey, u.fingerprint);
  }

  private applyGroup(u: DiskUnit, r: Extract<UnitRead, { kind: "group" }>): ReadIssue[] {
    const dirName = u.key;
    const group = r.group;
    const issues = [...r.issues];
    if (group === null) {
      this.dropGroup(dirName);
      return issues;
    }
    let log = r.log;
    const previous = this.sink.groupIdOfDir(dirName);
    if (previous !== undefined && previous !== group.id) {
      // Its `id` file changed: the names skipped as known belonged to the old id; read them all.
      this.dropGroup(dirName);
      log = readAttrLog(join(this.runsDir, dirName));
    }
    const holder = this.sink.groupDirOfId(group.id);
    if (holder !== undefined && holder !== dirName) {
      issues.push({ path: join(this.runsDir, dirName), message: `group id ${group.id} is already used by ${holder}` });
      return issues;
    }
    if (holder === undefined) this.sink.putGroup(group.id, group.name, dirName);
    this.changedGroups.add(group.id);
    this.applyLog("group", group.id, log);
    return [...issues, ...log.issues];
  }

  private dropGroup(dirName: string): void {
    const id = this.sink.groupIdOfDir(dirName);
    if (id === undefined) return;
    this.sink.dropGroup(dirName, id);
    this.markDirty("group", id);
  }

  /**
   * Attr-log files are immutable once written (docs/format.md, "Attr logs"), so only names not yet stored
   * were read; names gone from disk are dropped. A file that failed to parse is not stored, so it
   * is read again on the next pass (Gage writes entries in place, not atomically).
   */
  private applyLog(kind: OwnerKind, owner: string, read: AttrLogRead): void {
    const known = new Set(this.sink.logNames(kind, owner));
    const onDisk = new Set(read.names);
    for (const name of known) if (!onDisk.has(name)) this.sink.deleteLog(kind, owner, name);
    for (const e of read.entries) this.sink.putLog(kind, owner, e);
    if (read.entries.length > 0 || onDisk.size !== known.size) this.markDirty(kind, owner);
  }

  private markDirty(kind: OwnerKind, id: string): void {
    this.dirtyOwners.set(`${kind}\u0000${id}`, [kind, id]);
  }
}

function runRow(r: RunRecord, filesUs: number): RunRow {
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
    files_us: filesUs,
  };
}
