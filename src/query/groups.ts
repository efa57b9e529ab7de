import type { SourceScope, Store } from "../store/store.js";
import { and, inClause, sortColumn, type Clause, type Order, type QueryFilter } from "./filters.js";
import { plannedOptions, viewListing } from "./listing.js";
import { narrowingOf, narrowingParts } from "./narrowing.js";
import type { Page } from "./runs.js";
import type { Listing } from "./select.js";
import { orderClause, planListing, type Candidates, type Plan } from "./where/index.js";

export interface GroupRow {
  readonly id: string;
  readonly name: string | null;
  readonly operation: string | null;
  readonly started: number | null;
  readonly status: string;
  readonly label: string | null;
  /** where the group's dir was indexed from (docs/team.md) */
  readonly source_host: string | null;
  readonly source_runs_dir: string | null;
}

export const GROUP_SORT_FIELDS: Readonly<Record<string, keyof GroupRow & string>> = {
  started: "started",
  timestamp: "started",
  id: "id",
  name: "name",
  operation: "operation",
  status: "status",
  label: "label",
};

/**
 * Group filters read the group's own attrs (tags, label) and its derived columns. `--op` matches
 * the derived operation or the op of any active member, so a pipeline is found by any of its steps.
 */
function groupWhere(store: Store, f: QueryFilter, plan: Plan = "index", omit?: Candidates["from"]): Clause {
  const d = store.dialect;
  const parts: Clause[] = narrowingParts(d, "group", "group_list.id", f, plan, omit);
  if (f.label !== undefined) parts.push(d.contains({ sql: "label", params: [] }, f.label));
  if (f.statuses.length > 0) parts.push(inClause("status", f.statuses));
  if (f.op !== undefined) {
    parts.push({
      sql: `(operation = ? OR id IN (SELECT gm.group_id FROM group_members gm JOIN runs r ON r.id = gm.run_id
              WHERE gm.state = 'active' AND (r.op_name = ? OR r.op_ns || ':' || r.op_name = ?)))`,
      params: [f.op, f.op, f.op],
    });
  }
  if (f.since !== undefined) parts.push({ sql: "started >= ?", params: [f.since] });
  if (f.until !== undefined) parts.push({ sql: "started < ?", params: [f.until] });
  if (f.source !== undefined) {
    parts.push({ sql: "group_list.id IN (SELECT id FROM group_dirs WHERE host = ? AND runs_dir = ?)", params: [f.source.host, f.source.runsDir] });
  }
  return and(parts);
}

/** `--sort` for groups: a field, or any name `--where` knows for groups (docs/filters.md). */
export function groupOrder(store: Store, sort: string | undefined): Order<GroupRow> {
  const column = sortColumn<GroupRow>(sort, GROUP_SORT_FIELDS, "-started");
  const by = orderClause(sort, GROUP_SORT_FIELDS, "-started", "group", store.dialect);
  return column ? { by, column } : { by };
}

/**
 * Groups matching the filter in listing order (newest first start unless sorted). As for runs,
 * `pageSize` decides whether a `--tag` or `--where` page starts from the matches or walks the
 * groups by start (src/query/where/plan.ts); the total is counted from the matches either way.
 */
export async function groupListing(store: Store, f: QueryFilter, sort: string | undefined, pageSize = 20): Promise<Listing<GroupRow>> {
  const planned = await planListing(store, "group", narrowingOf(store.dialect, "group", f), sort, pageSize);
  return viewListing<GroupRow>(
    store,
    "group_list",
    groupWhere(store, f, planned.plan),
    groupOrder(store, sort),
    plannedOptions(planned, (plan, omit) => groupWhere(store, f, plan, omit)),
  );
}

/** Every group, newest first: the listing `--in-group N` and `catalog group add N` number. */
export function allGroups(store: Store): Listing<GroupRow> {
  return viewListing<GroupRow>(store, "group_list", groupWhere(store, { tags: [], statuses: [], containers: [] }), groupOrder(store, undefined));
}

/** The first `limit` groups of the listing and how many there are in all. */
export async function queryGroups(store: Store, f: QueryFilter, sort: string | undefined, limit: number): Promise<Page<GroupRow>> {
  const listing = await groupListing(store, f, sort, limit);
  const rows = await listing.slice(0, Number.isFinite(limit) ? limit : null);
  return { rows, total: rows.length < limit ? rows.length : await listing.count() };
}

/** Groups whose id or name starts with `prefix` (an exact id first). */
export function groupsByPrefix(store: Store, prefix: string): Promise<GroupRow[]> {
  const upper = `${prefix}\u{10FFFF}`;
  return store.all<GroupRow>({
    sql: "SELECT * FROM group_list WHERE (id >= ? AND id < ?) OR (name >= ? AND name < ?) ORDER BY (id = ?) DESC, started DESC, id DESC",
    params: [prefix, upper, prefix, upper, prefix],
  });
}

export function getGroup(store: Store, id: string): Promise<GroupRow | undefined> {
  return store.get<GroupRow>({ sql: "SELECT * FROM group_list WHERE id = ?", params: [id] });
}

export interface MemberRow {
  readonly group_id: string;
  readonly run_id: string;
  readonly state: "active" | "inactive" | "missing";
}

/**
 * Members of the given groups: active ones by started order (never started last, ties by id).
 * The ids are bound one by one so that the groups' keys are looked up by the primary key of
 * current_attrs; a member's start is looked up by id (a join to run_list would make SQLite build
 * the whole listing first).
 */
export async function groupMembers(store: Store, groupIds: readonly string[]): Promise<MemberRow[]> {
  if (groupIds.length === 0) return [];
  return store.all<MemberRow>({
    sql: `SELECT group_id, run_id, state FROM (
            SELECT gm.group_id, gm.run_id, gm.state, (SELECT r.started FROM run_list r WHERE r.id = gm.run_id) AS started
              FROM group_members gm WHERE gm.group_id IN (${groupIds.map(() => "?").join(", ")})
          ) m
          ORDER BY group_id, started IS NULL, started, run_id`,
    params: [...groupIds],
  });
}

/** The dir a group was read from (its attr log), by id; on a team database, this host's copy. */
export async function groupDirName(store: Store, id: string, source: SourceScope | null): Promise<string | undefined> {
  const q: Clause =
    source === null
      ? { sql: "SELECT dir_name FROM group_dirs WHERE id = ?", params: [id] }
      : { sql: "SELECT dir_name FROM group_dirs WHERE id = ? AND host = ? AND runs_dir = ?", params: [id, source.host, source.runsDir] };
  return (await store.get<{ dir_name: string }>(q))?.dir_name;
}
