/**
 * The PostgreSQL IndexSink (docs/team.md): one source's rows — a runs dir on one host — in a
 * team database. Every table that mirrors the disk is keyed by source, so a pass touches its own
 * source's rows only; the tables derived across sources (the copy of each run shown, current
 * attributes, run values, group summaries) are brought up to date for what the pass changed,
 * under one database-wide advisory lock held only for that step, so that indexers of different
 * sources run at the same time and never deadlock on the rows they share.
 *
 * Writes are buffered per batch and sent as one statement per table (arrays through `unnest`),
 * deletes before inserts — the order the indexer makes them in within a batch.
 */
import type pg from "pg";
import type { Fingerprint } from "../../disk/fingerprint.js";
import type { ArchiveRecord, AttrLogEntry } from "../../disk/records.js";
import { FingerprintTable } from "../fingerprint-table.js";
import { pidAlive } from "../pid.js";
import type { IndexSink, OwnerKind, PassChanges, RunRow, StoredIssue } from "../sink.js";
import type { DiskUnit } from "../units.js";
import { CHANGES_CHANNEL } from "../../store/pg.js";
import { derivedLock } from "./pg-locks.js";

type Owner = readonly [OwnerKind, string];
/** The shown copy of each run (newest meta files, ties to the lowest source), with what pages order and filter by. */
const SHOW_RUNS = `INSERT INTO run_shown (run_id, source_id, timestamp, container)
  SELECT DISTINCT ON (r.id) r.id, r.source_id, r.timestamp,
         CASE WHEN r.legacy_deleted = 1 THEN 'legacy-deleted'
              ELSE coalesce((SELECT m.container FROM moves m WHERE m.run_id = r.id ORDER BY m.marker DESC LIMIT 1), 'active') END
    FROM runs r WHERE r.id = ANY($1::text[]) ORDER BY r.id, r.files_us DESC, r.source_id`;

/** Adds ($2 = 1) or takes away ($2 = -1) the given runs' rows of run_shown in container_counts. */
const COUNT_RUNS = `INSERT INTO container_counts AS c (container, n)
  SELECT container, $2::bigint * count(*) FROM run_shown WHERE run_id = ANY($1::text[]) GROUP BY container
  ON CONFLICT (container) DO UPDATE SET n = c.n + EXCLUDED.n`;

const ownerKey = (kind: string, id: string) => `${kind}\u0000${id}`;

const RUN_COLUMNS: readonly (readonly [keyof RunRow, string])[] = [
  ["id", "text"],
  ["name", "text"],
  ["meta_entry", "text"],
  ["meta_kind", "text"],
  ["legacy_deleted", "integer"],
  ["opref_schema", "integer"],
  ["op_ns", "text"],
  ["op_name", "text"],
  ["op_version", "text"],
  ["initialized", "bigint"],
  ["staged", "bigint"],
  ["started", "bigint"],
  ["stopped", "bigint"],
  ["has_initialized", "integer"],
  ["has_staged", "integer"],
  ["has_started", "integer"],
  ["has_stopped", "integer"],
  ["exit_code", "bigint"],
  ["lock_present", "integer"],
  ["lock_pid", "bigint"],
  ["lock_alive", "integer"],
  ["config_json", "text"],
  ["metrics_json", "text"],
  ["attributes_json", "text"],
  ["summary_label", "text"],
  ["files_us", "bigint"],
];

const PUT_RUNS = `INSERT INTO runs (source_id, ${RUN_COLUMNS.map(([c]) => c).join(", ")})
  SELECT $1, * FROM unnest(${RUN_COLUMNS.map(([, t], i) => `$${i + 2}::${t}[]`).join(", ")})
  ON CONFLICT (source_id, id) DO UPDATE SET ${RUN_COLUMNS.filter(([c]) => c !== "id")
    .map(([c]) => `${c} = EXCLUDED.${c}`)
    .join(", ")}`;

/**
 * Gage's attr-log replay (docs/format.md, "Attribute logs") for the given owners only, over the
 * entries of every source (a file synced to several is one entry): per key the newest entry
 * mentioning it wins, a delete beating a set within one entry. The same rule as the attr_replay
 * view, written with the owners first so that a few owners cost a few index lookups.
 */
const REPLAY_OWNERS = `
WITH owners AS (SELECT DISTINCT k, i FROM unnest($1::text[], $2::text[]) AS o(k, i)),
entries AS (
  SELECT DISTINCT ON (a.owner_kind, a.owner_id, a.log_name) a.owner_kind, a.owner_id, a.log_name, a.set_json, a.delete_json
    FROM attr_log a JOIN owners o ON a.owner_kind = o.k AND a.owner_id = o.i
   ORDER BY a.owner_kind, a.owner_id, a.log_name, a.source_id
), ops AS (
  SELECT e.owner_kind, e.owner_id, e.log_name, s.key AS key, s.value::text AS value_json, 0 AS is_delete
    FROM entries e, jsonb_each(e.set_json::jsonb) s
  UNION ALL
  SELECT e.owner_kind, e.owner_id, e.log_name, d.value, NULL, 1
    FROM entries e, jsonb_array_elements_text(e.delete_json::jsonb) d
), ranked AS (
  SELECT owner_kind, owner_id, key, value_json, is_delete,
         row_number() OVER (PARTITION BY owner_kind, owner_id, key ORDER BY log_name DESC, is_delete DESC) AS rn
    FROM ops
)
INSERT INTO current_attrs (owner_kind, owner_id, key, value_json)
SELECT owner_kind, owner_id, key, value_json FROM ranked WHERE rn = 1 AND is_delete = 0`;

export class PgSink implements IndexSink {
  private readonly groupIds = new Map<string, string>(); // dir → id
  private readonly groupDirs = new Map<string, string>(); // id → dir
  private readonly logs = new Map<string, Set<string>>(); // owner → log names
  /** of a fresh pass: what the source held before, for the derived tables */
  private readonly before = { runs: [] as string[], owners: [] as Owner[], groups: [] as string[] };

  // buffered until flush
  private delEntries: string[] = [];
  private delRuns: string[] = [];
  private delMoves: string[] = [];
  private delGroups: string[] = [];
  private delOwnerLogs: Owner[] = [];
  private delLogs: (readonly [OwnerKind, string, string])[] = [];
  private delIssues: string[] = [];
  private archives: readonly ArchiveRecord[] | null = null;
  private entries = new Map<string, readonly [number, Fingerprint]>();
  private runs = new Map<string, RunRow>();
  private moves = new Map<string, readonly [string, string | null]>();
  private groups = new Map<string, readonly [string, string | null]>(); // dir → [id, name]
  private putLogs = new Map<string, readonly [OwnerKind, string, AttrLogEntry]>();
  private putIssues: StoredIssue[] = [];

  constructor(
    private readonly client: pg.PoolClient,
    readonly sourceId: number,
    /** a fresh pass (reindex): the source's rows are replaced whole, in the pass's transaction */
    private readonly fresh: boolean,
  ) {}

  /** the last statement sent: the next waits for it (a batch's prefetch can overlap a flush) */
  private last: Promise<unknown> = Promise.resolve();

  /** Statements go one after another on the pass's connection. */
  private query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    const next = this.last.then(() => this.client.query<R>(text, [...values]));
    this.last = next.catch(() => undefined);
    return next;
  }

  private async rows<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.query<R>(text, values)).rows;
  }

  async storedFingerprints(): Promise<FingerprintTable> {
    if (this.fresh) return FingerprintTable.fromPairs([]);
    const rows = await this.rows<{ unit_key: number; fingerprint: number }>("SELECT unit_key, fingerprint FROM entries WHERE source_id = $1", [this.sourceId]);
    return FingerprintTable.fromPairs(rows.map((r) => [r.unit_key, r.fingerprint] as const));
  }

  async unitsOfKeys(keys: readonly number[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await this.rows<{ unit: string }>("SELECT unit FROM entries WHERE source_id = $1 AND unit_key = ANY($2::bigint[])", [this.sourceId, keys]);
    return rows.map((r) => r.unit);
  }

  async fingerprintsOf(units: readonly string[]): Promise<Map<string, Fingerprint>> {
    if (this.fresh || units.length === 0) return new Map();
    const rows = await this.rows<{ unit: string; fingerprint: number }>("SELECT unit, fingerprint FROM entries WHERE source_id = $1 AND unit = ANY($2::text[])", [
      this.sourceId,
      units,
    ]);
    return new Map(rows.map((r) => [r.unit, r.fingerprint]));
  }

  async unitsWithErrors(): Promise<Set<string>> {
    if (this.fresh) return new Set();
    return new Set((await this.rows<{ unit: string }>("SELECT DISTINCT unit FROM index_errors WHERE source_id = $1", [this.sourceId])).map((r) => r.unit));
  }

  async issueCounts(): Promise<{ errors: number; notes: number }> {
    const r = await this.rows<{ errors: number; notes: number }>(
      "SELECT count(*) FILTER (WHERE severity = 'error') AS errors, count(*) FILTER (WHERE severity = 'note') AS notes FROM index_errors WHERE source_id = $1",
      [this.sourceId],
    );
    return r[0] ?? { errors: 0, notes: 0 };
  }

  async storedUnits(): Promise<Map<string, Fingerprint>> {
    const rows = await this.rows<{ unit: string; fingerprint: number }>("SELECT unit, fingerprint FROM entries WHERE source_id = $1", [this.sourceId]);
    return new Map(rows.map((r) => [r.unit, r.fingerprint]));
  }

  async issues(): Promise<StoredIssue[]> {
    return this.rows<StoredIssue>("SELECT unit, path, message, severity FROM index_errors WHERE source_id = $1 ORDER BY path, message", [this.sourceId]);
  }

  async liveRuns(limit: number): Promise<{ live: string[]; dead: string[] }> {
    const rows = await this.liveLocks();
    return { live: rows.slice(0, limit).map((r) => r.id), dead: rows.filter((r) => !pidAlive(r.lock_pid)).map((r) => r.id) };
  }

  private liveLocks(): Promise<{ id: string; lock_pid: number | null }[]> {
    return this.rows("SELECT id, lock_pid FROM runs WHERE source_id = $1 AND lock_present = 1 AND lock_alive = 1 ORDER BY timestamp DESC NULLS LAST, id DESC", [
      this.sourceId,
    ]);
  }

  async recheckLocks(): Promise<string[]> {
    const dead = (await this.liveLocks()).filter((r) => !pidAlive(r.lock_pid)).map((r) => r.id);
    if (dead.length === 0) return dead;
    await this.query("BEGIN");
    try {
      await this.markDead(dead);
      await this.query("SELECT pg_advisory_xact_lock($1, $2)", derivedLock());
      await this.refreshGroupStates([], dead);
      await this.notify();
      await this.query("COMMIT");
    } catch (err) {
      await this.query("ROLLBACK");
      throw err;
    }
    return dead;
  }

  private async markDead(ids: readonly string[]): Promise<void> {
    await this.query("UPDATE runs SET lock_alive = 0 WHERE source_id = $1 AND id = ANY($2::text[])", [this.sourceId, ids]);
  }

  async begin(): Promise<void> {
    await this.query("BEGIN");
    if (this.fresh) {
      const id = this.sourceId;
      this.before.runs = (await this.rows<{ id: string }>("SELECT id FROM runs WHERE source_id = $1", [id])).map((r) => r.id);
      this.before.owners = (await this.rows<{ k: OwnerKind; i: string }>("SELECT DISTINCT owner_kind AS k, owner_id AS i FROM attr_log WHERE source_id = $1", [id])).map(
        (r) => [r.k, r.i] as const,
      );
      this.before.groups = (await this.rows<{ id: string }>("SELECT id FROM groups WHERE source_id = $1", [id])).map((r) => r.id);
      for (const table of ["entries", "runs", "moves", "groups", "attr_log", "archives", "index_errors"]) {
        await this.query(`DELETE FROM ${table} WHERE source_id = $1`, [id]);
      }
    }
    // Group dirs are few, and a group's log names are needed before its batch is read (an id
    // can move between dirs): all of this source's are loaded once.
    for (const g of await this.rows<{ id: string; dir_name: string }>("SELECT id, dir_name FROM groups WHERE source_id = $1", [this.sourceId])) {
      this.groupIds.set(g.dir_name, g.id);
      this.groupDirs.set(g.id, g.dir_name);
    }
    await this.loadLogs("SELECT owner_kind, owner_id, log_name FROM attr_log WHERE source_id = $1 AND owner_kind = 'group'", [this.sourceId]);
  }

  private async loadLogs(text: string, values: readonly unknown[]): Promise<void> {
    for (const r of await this.rows<{ owner_kind: string; owner_id: string; log_name: string }>(text, values)) {
      this.namesOf(r.owner_kind, r.owner_id).add(r.log_name);
    }
  }

  private namesOf(kind: string, owner: string): Set<string> {
    const key = ownerKey(kind, owner);
    let names = this.logs.get(key);
    if (names === undefined) this.logs.set(key, (names = new Set()));
    return names;
  }

  async prefetch(units: readonly DiskUnit[]): Promise<void> {
    // A run's `.user` log is touched by its own unit only, so loading it per batch is safe.
    const runs = units.filter((u) => u.kind === "user" && !this.logs.has(ownerKey("run", u.key))).map((u) => u.key);
    if (runs.length === 0) return;
    for (const id of runs) this.namesOf("run", id);
    await this.loadLogs("SELECT owner_kind, owner_id, log_name FROM attr_log WHERE source_id = $1 AND owner_kind = 'run' AND owner_id = ANY($2::text[])", [
      this.sourceId,
      runs,
    ]);
  }

  logNames(kind: OwnerKind, owner: string): readonly string[] {
    return [...(this.logs.get(ownerKey(kind, owner)) ?? [])];
  }

  groupIdOfDir(dirName: string): string | undefined {
    return this.groupIds.get(dirName);
  }

  groupDirOfId(id: string): string | undefined {
    return this.groupDirs.get(id);
  }

  putEntry(unit: string, unitKey: number, fingerprint: Fingerprint): void {
    this.entries.set(unit, [unitKey, fingerprint]);
  }

  deleteEntry(unit: string): void {
    this.delEntries.push(unit);
  }

  putRun(row: RunRow): void {
    this.runs.set(row.id, row);
  }

  deleteRun(id: string): void {
    this.delRuns.push(id);
  }

  putMove(runId: string, container: string, marker: string | null): void {
    this.moves.set(runId, [container, marker]);
  }

  deleteMove(runId: string): void {
    this.delMoves.push(runId);
  }

  putGroup(id: string, name: string | null, dirName: string): void {
    this.groups.set(dirName, [id, name]);
    this.groupIds.set(dirName, id);
    this.groupDirs.set(id, dirName);
  }

  dropGroup(dirName: string, id: string): void {
    this.delGroups.push(dirName);
    this.deleteOwnerLogs("group", id);
    this.groupIds.delete(dirName);
    if (this.groupDirs.get(id) === dirName) this.groupDirs.delete(id);
  }

  putLog(kind: OwnerKind, owner: string, entry: AttrLogEntry): void {
    this.putLogs.set(`${ownerKey(kind, owner)}\u0000${entry.name}`, [kind, owner, entry]);
    this.namesOf(kind, owner).add(entry.name);
  }

  deleteLog(kind: OwnerKind, owner: string, name: string): void {
    this.delLogs.push([kind, owner, name]);
    this.logs.get(ownerKey(kind, owner))?.delete(name);
  }

  deleteOwnerLogs(kind: OwnerKind, owner: string): void {
    this.delOwnerLogs.push([kind, owner]);
    this.logs.get(ownerKey(kind, owner))?.clear();
  }

  replaceArchives(archives: readonly ArchiveRecord[]): void {
    this.archives = archives;
  }

  deleteIssues(unit: string): void {
    this.delIssues.push(unit);
  }

  putIssue(issue: StoredIssue): void {
    this.putIssues.push(issue);
  }

  async flush(): Promise<void> {
    const q = (text: string, values: readonly unknown[]) => this.query(text, [this.sourceId, ...values]);
    if (this.delEntries.length > 0) await q("DELETE FROM entries WHERE source_id = $1 AND unit = ANY($2::text[])", [this.delEntries]);
    if (this.delRuns.length > 0) await q("DELETE FROM runs WHERE source_id = $1 AND id = ANY($2::text[])", [this.delRuns]);
    if (this.delMoves.length > 0) await q("DELETE FROM moves WHERE source_id = $1 AND run_id = ANY($2::text[])", [this.delMoves]);
    if (this.delGroups.length > 0) await q("DELETE FROM groups WHERE source_id = $1 AND dir_name = ANY($2::text[])", [this.delGroups]);
    if (this.delOwnerLogs.length > 0) {
      await q(
        "DELETE FROM attr_log a USING unnest($2::text[], $3::text[]) AS d(k, i) WHERE a.source_id = $1 AND a.owner_kind = d.k AND a.owner_id = d.i",
        [this.delOwnerLogs.map((o) => o[0]), this.delOwnerLogs.map((o) => o[1])],
      );
    }
    if (this.delLogs.length > 0) {
      await q(
        "DELETE FROM attr_log a USING unnest($2::text[], $3::text[], $4::text[]) AS d(k, i, n) WHERE a.source_id = $1 AND a.owner_kind = d.k AND a.owner_id = d.i AND a.log_name = d.n",
        [this.delLogs.map((l) => l[0]), this.delLogs.map((l) => l[1]), this.delLogs.map((l) => l[2])],
      );
    }
    if (this.delIssues.length > 0) await q("DELETE FROM index_errors WHERE source_id = $1 AND unit = ANY($2::text[])", [this.delIssues]);
    if (this.archives !== null) {
      const a = this.archives;
      await q("DELETE FROM archives WHERE source_id = $1", []);
      if (a.length > 0) {
        await q("INSERT INTO archives (source_id, id, name, date, deleted) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::integer[])", [
          a.map((x) => x.id),
          a.map((x) => x.name),
          a.map((x) => x.date),
          a.map((x) => (x.deleted ? 1 : 0)),
        ]);
      }
    }
    if (this.entries.size > 0) {
      const units = [...this.entries.keys()];
      const values = [...this.entries.values()];
      await q(
        `INSERT INTO entries (source_id, unit, unit_key, fingerprint) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[])
         ON CONFLICT (source_id, unit) DO UPDATE SET unit_key = EXCLUDED.unit_key, fingerprint = EXCLUDED.fingerprint`,
        [units, values.map((v) => v[0]), values.map((v) => v[1])],
      );
    }
    if (this.runs.size > 0) {
      const rows = [...this.runs.values()];
      await q(PUT_RUNS, RUN_COLUMNS.map(([c]) => rows.map((r) => r[c])));
    }
    if (this.moves.size > 0) {
      const ids = [...this.moves.keys()];
      const values = [...this.moves.values()];
      await q(
        `INSERT INTO moves (source_id, run_id, container, marker) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
         ON CONFLICT (source_id, run_id) DO UPDATE SET container = EXCLUDED.container, marker = EXCLUDED.marker`,
        [ids, values.map((v) => v[0]), values.map((v) => v[1] ?? "")],
      );
    }
    if (this.groups.size > 0) {
      const dirs = [...this.groups.keys()];
      const values = [...this.groups.values()];
      await q("INSERT INTO groups (source_id, dir_name, id, name) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])", [
        dirs,
        values.map((v) => v[0]),
        values.map((v) => v[1]),
      ]);
    }
    if (this.putLogs.size > 0) {
      const logs = [...this.putLogs.values()];
      await q(
        `INSERT INTO attr_log (source_id, owner_kind, owner_id, log_name, author, set_json, delete_json)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         ON CONFLICT (source_id, owner_kind, owner_id, log_name) DO UPDATE SET author = EXCLUDED.author, set_json = EXCLUDED.set_json, delete_json = EXCLUDED.delete_json`,
        [
          logs.map((l) => l[0]),
          logs.map((l) => l[1]),
          logs.map((l) => l[2].name),
          logs.map((l) => l[2].author),
          logs.map((l) => JSON.stringify(l[2].set)),
          logs.map((l) => JSON.stringify(l[2].delete)),
        ],
      );
    }
    if (this.putIssues.length > 0) {
      const i = this.putIssues;
      await q("INSERT INTO index_errors (source_id, unit, path, message, severity) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])", [
        i.map((x) => x.unit),
        i.map((x) => x.path),
        i.map((x) => x.message),
        i.map((x) => x.severity),
      ]);
    }
    this.clearBuffers();
  }

  private clearBuffers(): void {
    this.delEntries = [];
    this.delRuns = [];
    this.delMoves = [];
    this.delGroups = [];
    this.delOwnerLogs = [];
    this.delLogs = [];
    this.delIssues = [];
    this.archives = null;
    this.entries = new Map();
    this.runs = new Map();
    this.moves = new Map();
    this.groups = new Map();
    this.putLogs = new Map();
    this.putIssues = [];
  }

  async finish(changes: PassChanges): Promise<void> {
    await this.flush();
    const dead = (await this.liveLocks()).filter((r) => !pidAlive(r.lock_pid)).map((r) => r.id);
    if (dead.length > 0) await this.markDead(dead);
    // From here to the commit, one indexer at a time: the derived rows are shared by all sources.
    await this.query("SELECT pg_advisory_xact_lock($1, $2)", derivedLock());
    // A run whose container changed keeps its copy but moves in run_shown's container index.
    const shown = [...new Set([...changes.valueRuns, ...changes.changedRuns, ...this.before.runs])];
    if (shown.length > 0) {
      // container_counts follows: the runs leave their containers' counts and join them again
      await this.query(COUNT_RUNS, [shown, -1]);
      await this.query("DELETE FROM run_shown WHERE run_id = ANY($1::text[])", [shown]);
      await this.query(SHOW_RUNS, [shown]);
      await this.query(COUNT_RUNS, [shown, 1]);
    }
    const runs = [...new Set([...changes.valueRuns, ...this.before.runs])];
    if (runs.length > 0) {
      await this.query("DELETE FROM run_values WHERE run_id = ANY($1::text[])", [runs]);
      await this.query(
        `INSERT INTO run_values (run_id, section, key, num, text)
         SELECT run_id, section, key, num, text FROM run_value_rows WHERE run_id = ANY($1::text[]) AND (num IS NOT NULL OR text IS NOT NULL)`,
        [runs],
      );
    }
    const owners = [...new Map([...changes.owners, ...this.before.owners].map((o) => [ownerKey(...o), o])).values()];
    if (owners.length > 0) {
      const kinds = owners.map((o) => o[0]);
      const ids = owners.map((o) => o[1]);
      await this.query(
        "DELETE FROM current_attrs c USING unnest($1::text[], $2::text[]) AS o(k, i) WHERE c.owner_kind = o.k AND c.owner_id = o.i",
        [kinds, ids],
      );
      await this.query(REPLAY_OWNERS, [kinds, ids]);
    }
    const groups = [...changes.changedGroups, ...this.before.groups, ...owners.filter((o) => o[0] === "group").map((o) => o[1])];
    await this.refreshGroupStates(groups, [...changes.changedRuns, ...this.before.runs, ...dead]);
    await this.query("UPDATE sources SET indexed_at = $2 WHERE id = $1", [this.sourceId, new Date().toISOString()]);
    await this.notify();
    await this.query("COMMIT");
  }

  /**
   * group_state for the given groups and those listing the given runs: a group's summary comes
   * from its members on every host, so a group of another source listing a run of this one is
   * refreshed too. A group no source holds any more loses its row.
   */
  private async refreshGroupStates(groups: readonly string[], runs: readonly string[]): Promise<void> {
    if (groups.length === 0 && runs.length === 0) return;
    const keys = runs.map((r) => `run:${r}`);
    const targets = `SELECT unnest($1::text[]) AS id UNION SELECT owner_id FROM current_attrs WHERE owner_kind = 'group' AND key = ANY($2::text[])`;
    await this.query(`DELETE FROM group_state WHERE id IN (${targets})`, [[...new Set(groups)], keys]);
    await this.query(
      // source_id: the group's first source, whose dir group_list shows
      `INSERT INTO group_state (id, operation, started, status, source_id)
       SELECT id, operation, started, status, (SELECT min(g.source_id) FROM groups g WHERE g.id = group_summary.id) FROM group_summary WHERE id IN (${targets})`,
      [[...new Set(groups)], keys],
    );
  }

  /** Open pages (`catalog serve`) hear of the change when the transaction commits. */
  private async notify(): Promise<void> {
    await this.query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, String(this.sourceId)]);
  }

  async rollback(): Promise<void> {
    this.clearBuffers();
    await this.query("ROLLBACK");
  }
}
