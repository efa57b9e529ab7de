import type { SourceScope, Store } from "../store/store.js";
import { containerCount } from "./counts.js";
import { and, inClause, onlyContainers, sortColumn, type Clause, type Order, type QueryFilter } from "./filters.js";
import { plannedOptions, viewListing } from "./listing.js";
import { narrowingOf, narrowingParts } from "./narrowing.js";
import { deadLocks } from "./locks.js";
import { valueSort, valueSortedSlice } from "./value-sort.js";
import type { Listing } from "./select.js";
import { orderClause, planListing, type Candidates, type Plan } from "./where/index.js";

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
  /** where the copy shown was indexed from (docs/team.md) */
  readonly source_host: string | null;
  readonly source_runs_dir: string | null;
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

/** `omit`: leave out the test candidates came from (Candidates in query/where/plan.ts). */
function runWhere(store: Store, f: QueryFilter, plan: Plan = "index", omit?: Candidates["from"]): Clause {
  const d = store.dialect;
  const parts: Clause[] = [d.containers(f.containers), ...narrowingParts(d, "run", "run_list.id", f, plan, omit)];
  if (f.label !== undefined) parts.push(d.contains({ sql: "label", params: [] }, f.label));
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
  if (f.source !== undefined) {
    parts.push({ sql: "run_list.id IN (SELECT id FROM run_copies WHERE host = ? AND runs_dir = ?)", params: [f.source.host, f.source.runsDir] });
  }
  return and(parts);
}

/** `--sort` for runs: a field, or any name `--where` knows (docs/filters.md). */
export function runOrder(store: Store, sort: string | undefined): Order<RunRow> {
  const column = sortColumn<RunRow>(sort, RUN_SORT_FIELDS, "-timestamp");
  const by = orderClause(sort, RUN_SORT_FIELDS, "-timestamp", "run", store.dialect);
  return column ? { by, column } : { by };
}

/**
 * Runs matching the filter in listing order (newest first by Gage's timestamp unless sorted).
 * `pageSize` is what the caller will read first: with `--tag` or `--where`, it decides whether the
 * page starts from the matches or walks the timestamp index (src/query/where/plan.ts). Rows stored as
 * running whose pid has died since the index last saw them are shown `terminated` (a read-only
 * query cannot store that; the indexer will).
 */
export async function runListing(store: Store, f: QueryFilter, sort: string | undefined, pageSize = 20): Promise<Listing<RunRow>> {
  const planned = await planListing(store, "run", narrowingOf(store.dialect, "run", f), sort, pageSize);
  const where = runWhere(store, f, planned.plan);
  const listing = viewListing<RunRow>(store, "run_list", where, runOrder(store, sort), {
    ...plannedOptions(planned, (plan, omit) => runWhere(store, f, plan, omit)),
    ...(onlyContainers(f) ? { total: () => containerCount(store, f.containers) } : {}),
    fix: (rows) => fixDeadLocks(store, rows),
  });
  // A whole listing sorted by a config or summary value walks run_values' indexes. A filtered one
  // sorts its matches as before: the filter bounds that work, and a rare filter would make the
  // walk read most of the index to fill a page.
  const byValue = onlyContainers(f) ? valueSort(sort) : undefined;
  if (byValue === undefined) return listing;
  return { ...listing, slice: async (start, end) => fixDeadLocks(store, await valueSortedSlice<RunRow>(store, where, byValue, start, end)) };
}

export interface Page<R> {
  readonly rows: R[];
  /** how many match in all */
  readonly total: number;
}

/** The first `limit` runs of the listing and how many there are in all. */
export async function queryRuns(store: Store, f: QueryFilter, sort: string | undefined, limit: number): Promise<Page<RunRow>> {
  const listing = await runListing(store, f, sort, limit);
  const rows = await listing.slice(0, Number.isFinite(limit) ? limit : null);
  return { rows, total: rows.length < limit ? rows.length : await listing.count() };
}

async function fixDeadLocks(store: Store, rows: RunRow[]): Promise<RunRow[]> {
  const running = rows.filter((r) => r.status === "running").map((r) => r.id);
  if (running.length === 0) return rows;
  const dead = await deadLocks(store, running, store.localHost);
  return rows.map((r) => (dead.has(r.id) ? { ...r, status: "terminated" } : r));
}

/** Runs in any container whose id or name starts with `prefix` (an exact id first). */
export async function runsByPrefix(store: Store, prefix: string): Promise<RunRow[]> {
  const upper = `${prefix}\u{10FFFF}`;
  const rows = await store.all<RunRow>({
    sql: "SELECT * FROM run_list WHERE (id >= ? AND id < ?) OR (name >= ? AND name < ?) ORDER BY (id = ?) DESC, timestamp DESC, id DESC",
    params: [prefix, upper, prefix, upper, prefix],
  });
  return fixDeadLocks(store, rows);
}

export async function getRun(store: Store, id: string): Promise<RunRow | undefined> {
  const row = await store.get<RunRow>({ sql: "SELECT * FROM run_list WHERE id = ?", params: [id] });
  return row === undefined ? undefined : (await fixDeadLocks(store, [row]))[0];
}

/** Whether the run has a copy in the source (a team database: its files are there). */
export async function hasCopyIn(store: Store, id: string, source: SourceScope): Promise<boolean> {
  const row = await store.get<{ id: string }>({ sql: "SELECT id FROM run_copies WHERE id = ? AND host = ? AND runs_dir = ?", params: [id, source.host, source.runsDir] });
  return row !== undefined;
}
