import type { Statement } from "better-sqlite3";
import type { Db } from "./db.js";
import type { RunRow, StoredIssue } from "./sink.js";

/** Every write the indexer makes, prepared once per connection. */
export interface Statements {
  readonly allEntries: Statement<[], { unit_key: number; fingerprint: number }>;
  readonly countEntries: Statement<[], { n: number }>;
  readonly unitByKey: Statement<[number], { unit: string }>;
  readonly entry: Statement<[string], { fingerprint: number }>;
  readonly unitsWithErrors: Statement<[], { unit: string }>;
  readonly countErrors: Statement<[], { n: number }>;
  readonly countNotes: Statement<[], { n: number }>;
  readonly allUnits: Statement<[], { unit: string; fingerprint: number }>;
  readonly allIssues: Statement<[], StoredIssue>;
  readonly putEntry: Statement<[string, number, number]>;
  readonly deleteEntry: Statement<[string]>;
  readonly putRun: Statement<[RunRow]>;
  readonly deleteRun: Statement<[string]>;
  readonly putMove: Statement<[string, string]>;
  readonly deleteMove: Statement<[string]>;
  readonly groupByDir: Statement<[string], { id: string }>;
  readonly groupById: Statement<[string], { dir_name: string }>;
  readonly putGroup: Statement<[string, string | null, string]>;
  readonly deleteGroupByDir: Statement<[string]>;
  readonly deleteGroupState: Statement<[string]>;
  readonly logNames: Statement<[string, string], { log_name: string }>;
  readonly putLog: Statement<[string, string, string, string, string, string]>;
  readonly deleteLog: Statement<[string, string, string]>;
  readonly deleteOwnerLogs: Statement<[string, string]>;
  readonly deleteArchives: Statement<[]>;
  readonly putArchive: Statement<[string, string | null, number | null, number]>;
  readonly deleteErrors: Statement<[string]>;
  readonly putError: Statement<[string, string, string, "error" | "note"]>;
  readonly clearOwnerAttrs: Statement<[string, string]>;
  readonly fillOwnerAttrs: Statement<[string, string]>;
  readonly clearAllAttrs: Statement<[]>;
  readonly fillAllAttrs: Statement<[]>;
  readonly putMeta: Statement<[string, string]>;
  readonly countRuns: Statement<[], { n: number }>;
  readonly clearRunValues: Statement<[string]>;
  readonly fillRunValues: Statement<[string]>;
  readonly clearAllValues: Statement<[]>;
  readonly fillAllValues: Statement<[]>;
}

export function prepareStatements(db: Db): Statements {
  return {
    allEntries: db.prepare("SELECT unit_key, fingerprint FROM entries ORDER BY unit_key"),
    countEntries: db.prepare("SELECT count(*) AS n FROM entries"),
    unitByKey: db.prepare("SELECT unit FROM entries WHERE unit_key = ?"),
    entry: db.prepare("SELECT fingerprint FROM entries WHERE unit = ?"),
    unitsWithErrors: db.prepare("SELECT DISTINCT unit FROM index_errors"),
    countErrors: db.prepare("SELECT count(*) AS n FROM index_errors WHERE severity = 'error'"),
    countNotes: db.prepare("SELECT count(*) AS n FROM index_errors WHERE severity = 'note'"),
    allUnits: db.prepare("SELECT unit, fingerprint FROM entries"),
    allIssues: db.prepare("SELECT unit, path, message, severity FROM index_errors ORDER BY path, message"),
    putEntry: db.prepare("INSERT OR REPLACE INTO entries (unit, unit_key, fingerprint) VALUES (?, ?, ?)"),
    deleteEntry: db.prepare("DELETE FROM entries WHERE unit = ?"),
    putRun: db.prepare(`INSERT OR REPLACE INTO runs (
        id, name, meta_entry, meta_kind, legacy_deleted, opref_schema, op_ns, op_name, op_version,
        initialized, staged, started, stopped, has_initialized, has_staged, has_started, has_stopped,
        exit_code, lock_present, lock_pid, lock_alive, config_json, metrics_json, attributes_json, summary_label)
      VALUES (
        @id, @name, @meta_entry, @meta_kind, @legacy_deleted, @opref_schema, @op_ns, @op_name, @op_version,
        @initialized, @staged, @started, @stopped, @has_initialized, @has_staged, @has_started, @has_stopped,
        @exit_code, @lock_present, @lock_pid, @lock_alive, @config_json, @metrics_json, @attributes_json, @summary_label)`),
    deleteRun: db.prepare("DELETE FROM runs WHERE id = ?"),
    putMove: db.prepare("INSERT OR REPLACE INTO moves (run_id, container) VALUES (?, ?)"),
    deleteMove: db.prepare("DELETE FROM moves WHERE run_id = ?"),
    groupByDir: db.prepare("SELECT id FROM groups WHERE dir_name = ?"),
    groupById: db.prepare("SELECT dir_name FROM groups WHERE id = ?"),
    putGroup: db.prepare("INSERT INTO groups (id, name, dir_name) VALUES (?, ?, ?)"),
    deleteGroupByDir: db.prepare("DELETE FROM groups WHERE dir_name = ?"),
    deleteGroupState: db.prepare("DELETE FROM group_state WHERE id = ?"),
    logNames: db.prepare("SELECT log_name FROM attr_log WHERE owner_kind = ? AND owner_id = ?"),
    putLog: db.prepare(
      "INSERT OR REPLACE INTO attr_log (owner_kind, owner_id, log_name, author, set_json, delete_json) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    deleteLog: db.prepare("DELETE FROM attr_log WHERE owner_kind = ? AND owner_id = ? AND log_name = ?"),
    deleteOwnerLogs: db.prepare("DELETE FROM attr_log WHERE owner_kind = ? AND owner_id = ?"),
    deleteArchives: db.prepare("DELETE FROM archives"),
    putArchive: db.prepare("INSERT OR REPLACE INTO archives (id, name, date, deleted) VALUES (?, ?, ?, ?)"),
    deleteErrors: db.prepare("DELETE FROM index_errors WHERE unit = ?"),
    putError: db.prepare("INSERT INTO index_errors (unit, path, message, severity) VALUES (?, ?, ?, ?)"),
    clearOwnerAttrs: db.prepare("DELETE FROM current_attrs WHERE owner_kind = ? AND owner_id = ?"),
    fillOwnerAttrs: db.prepare(
      "INSERT INTO current_attrs (owner_kind, owner_id, key, value_json) SELECT owner_kind, owner_id, key, value_json FROM attr_replay WHERE owner_kind = ? AND owner_id = ?",
    ),
    clearAllAttrs: db.prepare("DELETE FROM current_attrs"),
    fillAllAttrs: db.prepare(
      "INSERT INTO current_attrs (owner_kind, owner_id, key, value_json) SELECT owner_kind, owner_id, key, value_json FROM attr_replay",
    ),
    putMeta: db.prepare("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES (?, ?)"),
    countRuns: db.prepare("SELECT count(*) AS n FROM runs"),
    clearRunValues: db.prepare("DELETE FROM run_values WHERE run_id = ?"),
    fillRunValues: db.prepare(
      `INSERT INTO run_values (run_id, section, key, num, text)
       SELECT run_id, section, key, num, text FROM run_value_rows WHERE run_id = ? AND (num IS NOT NULL OR text IS NOT NULL)`,
    ),
    clearAllValues: db.prepare("DELETE FROM run_values"),
    fillAllValues: db.prepare(
      `INSERT INTO run_values (run_id, section, key, num, text)
       SELECT run_id, section, key, num, text FROM run_value_rows WHERE num IS NOT NULL OR text IS NOT NULL`,
    ),
  };
}
