import { join } from "node:path";
import { readAttrLog, type AttrLogRead } from "../disk/attr-log.js";
import type { ReadIssue, RunRecord } from "../disk/records.js";
import { pidAlive } from "./pid.js";
import type { Statements } from "./statements.js";
import type { UnitRead, UnitTask } from "./unit-read.js";
import { splitUnit, type DiskUnit } from "./units.js";

/** When more owners than this changed, current_attrs is rebuilt in one pass instead of per owner. */
const BULK_ATTRS_THRESHOLD = 2000;
/** run_values is rebuilt whole when more than 1/this of all runs changed: per run, the bulk statement is ~5× cheaper. */
const BULK_VALUES_DIVISOR = 10;

/** Applies what was read of one unit to the tables, replacing what the unit held before. */
export class UnitWriter {
  private readonly dirtyOwners = new Map<string, readonly [string, string]>();
  /** runs whose row or container changed: the groups listing them need a new summary */
  readonly changedRuns = new Set<string>();
  readonly changedGroups = new Set<string>();
  /** runs whose row was written or deleted: their run_values rows follow (refreshValues) */
  private readonly valueRuns = new Set<string>();

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
        this.valueRuns.add(key);
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
        this.valueRuns.add(u.key);
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

  /**
   * Rebuilds the run_values rows of every run written or deleted in this pass, from the JSON just
   * stored in runs. When many runs changed (a first index, a big sync) one INSERT … SELECT over all
   * runs is several times cheaper than a delete and an insert per run.
   */
  refreshValues(): void {
    if (this.valueRuns.size === 0) return;
    if (this.valueRuns.size * BULK_VALUES_DIVISOR > this.st.countRuns.get()!.n) {
      this.st.clearAllValues.run();
      this.st.fillAllValues.run();
    } else {
      for (const id of this.valueRuns) {
        this.st.clearRunValues.run(id);
        this.st.fillRunValues.run(id);
      }
    }
    this.valueRuns.clear();
  }

  private finish(u: DiskUnit, issues: readonly ReadIssue[]): void {
    if (this.hadErrors.has(u.unit)) this.st.deleteErrors.run(u.unit);
    for (const i of issues) this.st.putError.run(u.unit, i.path, i.message, i.note ? "note" : "error");
    // A unit gone before its reader could fingerprint it gets no entry: the next pass decides.
    if (u.fingerprint !== null) this.st.putEntry.run(u.unit, u.unitKey, u.fingerprint);
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
