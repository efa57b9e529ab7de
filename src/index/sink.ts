/**
 * The narrow interface the indexer writes one source's rows through (docs/architecture.md,
 * "Stores"): one implementation per backend (sqlite-sink.ts, pg/pg-sink.ts). The indexer decides
 * what changed; a sink only stores it, and keeps the derived tables (current attributes, run
 * values, group summaries) current for what it is told changed.
 *
 * Lookups made while applying a batch are synchronous, so a backend that answers asynchronously
 * loads what a batch needs in `prefetch`; writes may be buffered until `flush`.
 */
import type { Fingerprint } from "../disk/fingerprint.js";
import type { ArchiveRecord, AttrLogEntry } from "../disk/records.js";
import type { FingerprintTable } from "./fingerprint-table.js";
import type { DiskUnit } from "./units.js";

export type OwnerKind = "run" | "group";

/** A run's row, as both backends store it. */
export interface RunRow {
  readonly id: string;
  readonly name: string | null;
  readonly meta_entry: string;
  readonly meta_kind: string;
  readonly legacy_deleted: 0 | 1;
  readonly opref_schema: number;
  readonly op_ns: string;
  readonly op_name: string;
  readonly op_version: string | null;
  readonly initialized: number | null;
  readonly staged: number | null;
  readonly started: number | null;
  readonly stopped: number | null;
  readonly has_initialized: 0 | 1;
  readonly has_staged: 0 | 1;
  readonly has_started: 0 | 1;
  readonly has_stopped: 0 | 1;
  readonly exit_code: number | null;
  readonly lock_present: 0 | 1;
  readonly lock_pid: number | null;
  readonly lock_alive: 0 | 1;
  readonly config_json: string;
  readonly metrics_json: string;
  readonly attributes_json: string;
  readonly summary_label: string | null;
  /** newest modification time of the run's meta files, µs: of several copies, the newest is shown */
  readonly files_us: number;
}

export interface StoredIssue {
  readonly unit: string;
  readonly path: string;
  readonly message: string;
  readonly severity: "error" | "note";
}

/** What one pass changed, for the derived tables. */
export interface PassChanges {
  /** owners whose attr-log entries changed: their current attributes are replayed again */
  readonly owners: readonly (readonly [OwnerKind, string])[];
  /** runs whose row was written or deleted: their values follow */
  readonly valueRuns: ReadonlySet<string>;
  /** runs whose row or container changed: the groups listing them get a new summary */
  readonly changedRuns: ReadonlySet<string>;
  readonly changedGroups: ReadonlySet<string>;
}

export interface IndexSink {
  // ---- reads, before a pass ----
  /** unit_key → fingerprint of every unit stored */
  storedFingerprints(): Promise<FingerprintTable>;
  unitsOfKeys(keys: readonly number[]): Promise<string[]>;
  fingerprintsOf(units: readonly string[]): Promise<Map<string, Fingerprint>>;
  unitsWithErrors(): Promise<Set<string>>;
  issueCounts(): Promise<{ readonly errors: number; readonly notes: number }>;
  /** every unit stored with its fingerprint, and every issue: what `check` compares */
  storedUnits(): Promise<Map<string, Fingerprint>>;
  issues(): Promise<StoredIssue[]>;
  /** runs stored as running (newest first, at most `limit`), and those of them whose pid has died */
  liveRuns(limit: number): Promise<{ readonly live: string[]; readonly dead: string[] }>;
  /**
   * Runs stored as running whose pid has died become `terminated`, with the summaries of the
   * groups listing them, in one transaction of its own (none when no pid died). Returns them.
   */
  recheckLocks(): Promise<string[]>;

  // ---- a pass ----
  begin(): Promise<void>;
  /** makes the lookups below answerable for these units */
  prefetch(units: readonly DiskUnit[]): Promise<void>;
  logNames(kind: OwnerKind, owner: string): readonly string[];
  groupIdOfDir(dirName: string): string | undefined;
  groupDirOfId(id: string): string | undefined;

  putEntry(unit: string, unitKey: number, fingerprint: Fingerprint): void;
  deleteEntry(unit: string): void;
  putRun(row: RunRow): void;
  deleteRun(id: string): void;
  /** marker: the newest move marker's name (copies of a run on several hosts take the newest) */
  putMove(runId: string, container: string, marker: string | null): void;
  deleteMove(runId: string): void;
  putGroup(id: string, name: string | null, dirName: string): void;
  /** the group read from `dirName` (id `id`) is gone: its row, log entries and summary */
  dropGroup(dirName: string, id: string): void;
  putLog(kind: OwnerKind, owner: string, entry: AttrLogEntry): void;
  deleteLog(kind: OwnerKind, owner: string, name: string): void;
  deleteOwnerLogs(kind: OwnerKind, owner: string): void;
  replaceArchives(archives: readonly ArchiveRecord[]): void;
  deleteIssues(unit: string): void;
  putIssue(issue: StoredIssue): void;
  /** writes what was buffered */
  flush(): Promise<void>;
  /** derived tables for what changed, pid liveness, the source's meta; then commits */
  finish(changes: PassChanges): Promise<void>;
  rollback(): Promise<void>;
}
