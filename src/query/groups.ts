import type { Db } from "../index/db.js";
import { and, inClause, sortColumn, tagClause, type Clause, type Order, type QueryFilter } from "./filters.js";
import { viewListing } from "./listing.js";
import type { Page } from "./runs.js";
import type { Listing } from "./select.js";
import { orderClause, whereClause } from "./where/index.js";

export interface GroupRow {
  readonly id: string;
  readonly name: string | null;
  readonly operation: string | null;
  readonly started: number | null;
  readonly status: string;
  readonly label: string | null;
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
function groupWhere(f: QueryFilter): Clause {
  const parts: Clause[] = [];
  for (const tag of f.tags) parts.push(tagClause("group", "group_list.id", tag));
  if (f.label !== undefined) parts.push({ sql: "instr(label, ?) > 0", params: [f.label] });
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
  if (f.where !== undefined && f.where !== "") parts.push(whereClause(f.where, "group"));
  return and(parts);
}

/** `--sort` for groups: a field, or any name `--where` knows for groups (docs/filters.md). */
export function groupOrder(sort: string | undefined): Order<GroupRow> {
  const column = sortColumn<GroupRow>(sort, GROUP_SORT_FIELDS, "-started");
  const by = orderClause(sort, GROUP_SORT_FIELDS, "-started", "group");
  return column ? { by, column } : { by };
}

/** Groups matching the filter in listing order (newest first start unless sorted). */
export function groupListing(db: Db, f: QueryFilter, sort: string | undefined): Listing<GroupRow> {
  return viewListing<GroupRow>(db, "group_list", groupWhere(f), groupOrder(sort));
}

/** The first `limit` groups of the listing and how many there are in all. */
export function queryGroups(db: Db, f: QueryFilter, sort: string | undefined, limit: number): Page<GroupRow> {
  const listing = groupListing(db, f, sort);
  const rows = listing.slice(0, Number.isFinite(limit) ? limit : null);
  return { rows, total: rows.length < limit ? rows.length : listing.count() };
}

/** Groups whose id or name starts with `prefix` (an exact id first). */
export function groupsByPrefix(db: Db, prefix: string): GroupRow[] {
  const upper = `${prefix}\u{10FFFF}`;
  return db
    .prepare<unknown[], GroupRow>(
      "SELECT * FROM group_list WHERE (id >= ? AND id < ?) OR (name >= ? AND name < ?) ORDER BY id = ? DESC, started DESC, id DESC",
    )
    .all(prefix, upper, prefix, upper, prefix);
}

export function getGroup(db: Db, id: string): GroupRow | undefined {
  return db.prepare<[string], GroupRow>("SELECT * FROM group_list WHERE id = ?").get(id);
}

export interface MemberRow {
  readonly group_id: string;
  readonly run_id: string;
  readonly state: "active" | "inactive" | "missing";
}

/**
 * Members of the given groups: active ones by started order (never started last, ties by id).
 * This is the group_members view's rule with its container test inlined (as run_list inlines
 * it): through the view, SQLite materialises run_container — every run — to left-join it,
 * ~200 ms at 100k runs for one group's members. The ids are bound one by one so that the
 * groups' keys are looked up by the primary key of current_attrs.
 */
export function groupMembers(db: Db, groupIds: readonly string[]): MemberRow[] {
  if (groupIds.length === 0) return [];
  return db
    .prepare<string[], MemberRow>(
      `SELECT a.owner_id AS group_id, substr(a.key, 5) AS run_id,
              CASE WHEN r.id IS NULL THEN 'missing'
                   WHEN NOT r.legacy_deleted AND coalesce(m.container, 'active') = 'active' THEN 'active'
                   ELSE 'inactive' END AS state
         FROM current_attrs a
         LEFT JOIN runs r ON r.id = substr(a.key, 5)
         LEFT JOIN moves m ON m.run_id = r.id
        WHERE a.owner_kind = 'group' AND a.owner_id IN (${groupIds.map(() => "?").join(", ")}) AND a.key >= 'run:' AND a.key < 'run;'
        ORDER BY a.owner_id, r.started IS NULL, r.started, run_id`,
    )
    .all(...groupIds);
}

/** The dir a group was read from (its attr log), by id. */
export function groupDirName(db: Db, id: string): string | undefined {
  return db.prepare<[string], { dir_name: string }>("SELECT dir_name FROM groups WHERE id = ?").get(id)?.dir_name;
}
