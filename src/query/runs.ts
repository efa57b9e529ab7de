import type { Db } from "../index/db.js";
import { deadLiveLocks } from "../index/locks.js";
import { containerCount } from "./counts.js";
import { and, containerClause, inClause, onlyContainers, sortColumn, tagClause, type Clause, type Order, type QueryFilter } from "./filters.js";
import { viewListing } from "./listing.js";
import { valueSort, valueSortedSlice } from "./value-sort.js";
import type { Listing } from "./select.js";
import { orderClause, planRunWhere, whereClause, type Plan } from "./where/index.js";

export interface RunRow {
  readonly id: string;
  readonly name: string | null;
  readonly op_ns: string;
  readonly op_name: string;
  readonly op_version: string | null;
  readonly initialized: number | null;
  readonly staged: number | null;
  readonly started: number | null;
  readonly stopped: number | null;
  readonly timestamp: number | null;
  readonly exit_code: number | null;
  readonly status: string;
  readonly container: string;
  readonly label: string | null;
}

export const RUN_SORT_FIELDS: Readonly<Record<string, keyof RunRow & string>> = {
  timestamp: "timestamp",
  started: "started",
  initialized: "initialized",
  staged: "staged",
  stopped: "stopped",
  id: "id",
  name: "name",
  operation: "op_name",
  status: "status",
  label: "label",
};

function runWhere(f: QueryFilter, plan: Plan = "index"): Clause {
  const parts: Clause[] = [containerClause(f.containers)];
  for (const tag of f.tags) parts.push(tagClause("run", "run_list.id", tag));
  if (f.label !== undefined) parts.push({ sql: "instr(label, ?) > 0", params: [f.label] });
  if (f.statuses.length > 0) parts.push(inClause("status", f.statuses));
  if (f.op !== undefined) parts.push({ sql: "(op_name = ? OR op_ns || ':' || op_name = ?)", params: [f.op, f.op] });
  if (f.since !== undefined) parts.push({ sql: "timestamp >= ?", params: [f.since] });
  if (f.until !== undefined) parts.push({ sql: "timestamp < ?", params: [f.until] });
  if (f.inGroup !== undefined) {
    // The group's `run:` keys, read from current_attrs by primary key: the group_members view
    // would first materialise every run's container to tell member states apart, which the
    // listing's container test already does for the runs listed.
    parts.push({
      sql: "id IN (SELECT substr(ga.key, 5) FROM current_attrs ga WHERE ga.owner_kind = 'group' AND ga.owner_id = ? AND ga.key >= 'run:' AND ga.key < 'run;')",
      params: [f.inGroup],
    });
  }
  if (f.where !== undefined && f.where !== "") parts.push(whereClause(f.where, "run", { plan }));
  return and(parts);
}

/** `--sort` for runs: a field, or any name `--where` knows (docs/filters.md). */
export function runOrder(sort: string | undefined): Order<RunRow> {
  const column = sortColumn<RunRow>(sort, RUN_SORT_FIELDS, "-timestamp");
  const by = orderClause(sort, RUN_SORT_FIELDS, "-timestamp", "run");
  return column ? { by, column } : { by };
}

/**
 * Runs matching the filter in listing order (newest first by Gage's timestamp unless sorted).
 * `pageSize` is what the caller will read first: with a `--where`, it decides whether the page
 * starts from the matches or walks the timestamp index (src/query/where/plan.ts). Rows stored as
 * running whose pid has died since the index last saw them are shown `terminated` (a read-only
 * query cannot store that; the indexer will).
 */
export function runListing(db: Db, f: QueryFilter, sort: string | undefined, pageSize = 20): Listing<RunRow> {
  const plan = planRunWhere(db, f.where === "" ? undefined : f.where, sort, pageSize);
  const where = runWhere(f, plan);
  const listing = viewListing<RunRow>(db, "run_list", where, runOrder(sort), {
    // a count reads every match whatever the plan, so it starts from them
    ...(plan === "index" ? {} : { countWhere: runWhere(f) }),
    ...(onlyContainers(f) ? { total: () => containerCount(db, f.containers) } : {}),
    fix: (rows) => fixDeadLocks(db, rows),
  });
  // A whole listing sorted by a config or summary value walks run_values' indexes. A filtered one
  // sorts its matches as before: the filter bounds that work, and a rare filter would make the
  // walk read most of the index to fill a page.
  const byValue = onlyContainers(f) ? valueSort(sort) : undefined;
  if (byValue === undefined) return listing;
  return { ...listing, slice: (start, end) => fixDeadLocks(db, valueSortedSlice<RunRow>(db, where, byValue, start, end)) };
}

export interface Page<R> {
  readonly rows: R[];
  /** how many match in all */
  readonly total: number;
}

/** The first `limit` runs of the listing and how many there are in all. */
export function queryRuns(db: Db, f: QueryFilter, sort: string | undefined, limit: number): Page<RunRow> {
  const listing = runListing(db, f, sort, limit);
  const rows = listing.slice(0, Number.isFinite(limit) ? limit : null);
  return { rows, total: rows.length < limit ? rows.length : listing.count() };
}

function fixDeadLocks(db: Db, rows: RunRow[]): RunRow[] {
  const running = rows.filter((r) => r.status === "running").map((r) => r.id);
  if (running.length === 0) return rows;
  const dead = new Set(deadLiveLocks(db, running));
  return rows.map((r) => (dead.has(r.id) ? { ...r, status: "terminated" } : r));
}

/** Runs in any container whose id or name starts with `prefix` (an exact id first). */
export function runsByPrefix(db: Db, prefix: string): RunRow[] {
  const upper = `${prefix}\u{10FFFF}`;
  const rows = db
    .prepare<unknown[], RunRow>(
      "SELECT * FROM run_list WHERE (id >= ? AND id < ?) OR (name >= ? AND name < ?) ORDER BY id = ? DESC, timestamp DESC, id DESC",
    )
    .all(prefix, upper, prefix, upper, prefix);
  return fixDeadLocks(db, rows);
}

export function getRun(db: Db, id: string): RunRow | undefined {
  const row = db.prepare<[string], RunRow>("SELECT * FROM run_list WHERE id = ?").get(id);
  return row === undefined ? undefined : fixDeadLocks(db, [row])[0];
}
