/**
 * The SQLite IndexSink: one database file indexes one runs dir of this machine. Statements run
 * as they come (better-sqlite3 is synchronous), inside one `BEGIN IMMEDIATE` transaction per pass.
 */
import { hostname } from "node:os";
import type { Fingerprint } from "../disk/fingerprint.js";
import type { ArchiveRecord, AttrLogEntry } from "../disk/records.js";
import type { Db } from "./db.js";
import { FingerprintTable } from "./fingerprint-table.js";
import { refreshGroupStates } from "./group-state.js";
import { deadLiveLocks, liveRunIds, recheckLiveLocks } from "./locks.js";
import type { IndexSink, OwnerKind, PassChanges, RunRow, StoredIssue } from "./sink.js";
import { prepareStatements, type Statements } from "./statements.js";

/** When more owners than this changed, current_attrs is rebuilt in one pass instead of per owner. */
const BULK_ATTRS_THRESHOLD = 2000;
/** run_values is rebuilt whole when more than 1/this of all runs changed: per run, the bulk statement is ~5× cheaper. */
const BULK_VALUES_DIVISOR = 10;

export class SqliteSink implements IndexSink {
  private readonly st: Statements;

  constructor(
    readonly db: Db,
    private readonly runsDir: string,
    private readonly host: string = hostname(),
  ) {
    this.st = prepareStatements(db);
  }

  async storedFingerprints(): Promise<FingerprintTable> {
    // All numbers, in key order from the (unit_key, fingerprint) index, one row at a time: at
    // 100k runs this is 200k pairs, and the rows die young instead of all being held at once.
    const count = this.st.countEntries.get()!.n;
    // raw rows are [unit_key, fingerprint]; the statement is typed by its named columns
    return FingerprintTable.fromSorted(count, this.st.allEntries.raw(true).iterate() as unknown as Iterable<[number, Fingerprint]>);
  }

  async unitsOfKeys(keys: readonly number[]): Promise<string[]> {
    return keys.flatMap((k) => this.st.unitByKey.all(k).map((r) => r.unit));
  }

  async fingerprintsOf(units: readonly string[]): Promise<Map<string, Fingerprint>> {
    const out = new Map<string, Fingerprint>();
    for (const u of units) {
      const fp = this.st.entry.get(u)?.fingerprint;
      if (fp !== undefined) out.set(u, fp);
    }
    return out;
  }

  async unitsWithErrors(): Promise<Set<string>> {
    return new Set(this.st.unitsWithErrors.all().map((r) => r.unit));
  }

  async issueCounts(): Promise<{ errors: number; notes: number }> {
    return { errors: this.st.countErrors.get()!.n, notes: this.st.countNotes.get()!.n };
  }

  async storedUnits(): Promise<Map<string, Fingerprint>> {
    return new Map(this.st.allUnits.all().map((r) => [r.unit, r.fingerprint]));
  }

  async issues(): Promise<StoredIssue[]> {
    return this.st.allIssues.all();
  }

  async liveRuns(limit: number): Promise<{ live: string[]; dead: string[] }> {
    return { live: liveRunIds(this.db, limit), dead: deadLiveLocks(this.db) };
  }

  async recheckLocks(): Promise<string[]> {
    return recheckLiveLocks(this.db);
  }

  async begin(): Promise<void> {
    this.db.exec("BEGIN IMMEDIATE");
  }

  async prefetch(): Promise<void> {
    // every lookup is a synchronous statement
  }

  logNames(kind: OwnerKind, owner: string): readonly string[] {
    return this.st.logNames.all(kind, owner).map((r) => r.log_name);
  }

  groupIdOfDir(dirName: string): string | undefined {
    return this.st.groupByDir.get(dirName)?.id;
  }

  groupDirOfId(id: string): string | undefined {
    return this.st.groupById.get(id)?.dir_name;
  }

  putEntry(unit: string, unitKey: number, fingerprint: Fingerprint): void {
    this.st.putEntry.run(unit, unitKey, fingerprint);
  }

  deleteEntry(unit: string): void {
    this.st.deleteEntry.run(unit);
  }

  putRun(row: RunRow): void {
    this.st.putRun.run(row);
  }

  deleteRun(id: string): void {
    this.st.deleteRun.run(id);
  }

  putMove(runId: string, container: string): void {
    this.st.putMove.run(runId, container);
  }

  deleteMove(runId: string): void {
    this.st.deleteMove.run(runId);
  }

  putGroup(id: string, name: string | null, dirName: string): void {
    this.st.putGroup.run(id, name, dirName);
  }

  dropGroup(dirName: string, id: string): void {
    this.st.deleteOwnerLogs.run("group", id);
    this.st.deleteGroupByDir.run(dirName);
    this.st.deleteGroupState.run(id);
  }

  putLog(kind: OwnerKind, owner: string, e: AttrLogEntry): void {
    this.st.putLog.run(kind, owner, e.name, e.author, JSON.stringify(e.set), JSON.stringify(e.delete));
  }

  deleteLog(kind: OwnerKind, owner: string, name: string): void {
    this.st.deleteLog.run(kind, owner, name);
  }

  deleteOwnerLogs(kind: OwnerKind, owner: string): void {
    this.st.deleteOwnerLogs.run(kind, owner);
  }

  replaceArchives(archives: readonly ArchiveRecord[]): void {
    this.st.deleteArchives.run();
    for (const a of archives) this.st.putArchive.run(a.id, a.name, a.date, a.deleted ? 1 : 0);
  }

  deleteIssues(unit: string): void {
    this.st.deleteErrors.run(unit);
  }

  putIssue(i: StoredIssue): void {
    this.st.putError.run(i.unit, i.path, i.message, i.severity);
  }

  async flush(): Promise<void> {
    // nothing is buffered
  }

  async finish(changes: PassChanges): Promise<void> {
    this.refreshAttrs(changes.owners);
    this.refreshValues(changes.valueRuns);
    recheckLiveLocks(this.db);
    refreshGroupStates(this.db, changes.changedGroups, changes.changedRuns);
    this.st.putMeta.run("runs_dir", this.runsDir);
    this.st.putMeta.run("host", this.host);
    this.st.putMeta.run("indexed_at", new Date().toISOString());
    this.db.exec("COMMIT");
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
  }

  /** Rebuilds current_attrs for every owner whose log changed (all at once when many did). */
  private refreshAttrs(owners: PassChanges["owners"]): void {
    if (owners.length > BULK_ATTRS_THRESHOLD) {
      this.st.clearAllAttrs.run();
      this.st.fillAllAttrs.run();
      return;
    }
    for (const [kind, id] of owners) {
      this.st.clearOwnerAttrs.run(kind, id);
      this.st.fillOwnerAttrs.run(kind, id);
    }
  }

  /**
   * Rebuilds the run_values rows of every run written or deleted in this pass, from the JSON just
   * stored in runs. When many runs changed (a first index, a big sync) one INSERT … SELECT over all
   * runs is several times cheaper than a delete and an insert per run.
   */
  private refreshValues(runs: ReadonlySet<string>): void {
    if (runs.size === 0) return;
    if (runs.size * BULK_VALUES_DIVISOR > this.st.countRuns.get()!.n) {
      this.st.clearAllValues.run();
      this.st.fillAllValues.run();
      return;
    }
    for (const id of runs) {
      this.st.clearRunValues.run(id);
      this.st.fillRunValues.run(id);
    }
  }
}
