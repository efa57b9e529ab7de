import type { Db } from "../index/db.js";
import { and, inClause, tagClause, type Clause, type QueryFilter } from "./filters.js";
import { countWhere, limitParam, type Page } from "./runs.js";
import { orderClause, whereClause } from "./where/index.js";

export interface GroupRow {
  readonly id: string;
  readonly name: string | null;
  readonly operation: string | null;
  readonly started: number | null;
  readonly status: string;
  readonly label: string | null;
}

export const GROUP_SORT_FIELDS: Readonly<Record<string, string>> = {
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
  if (f.until !== undefined) parts.push({ sql: "started <= ?", params: [f.until] });
  if (f.where !== undefined) parts.push(whereClause(f.where, "group"));
  return and(parts);
}

export function queryGroups(db: Db, f: QueryFilter, sort: string | undefined, limit: number): Page<GroupRow> {
  const where = groupWhere(f);
  const order = orderClause(sort, GROUP_SORT_FIELDS, "-started", "group");
  const rows = db
    .prepare(`SELECT * FROM group_list WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ?`)
    .all(...where.params, ...order.params, limitParam(limit)) as GroupRow[];
  return { rows, total: rows.length < limit ? rows.length : countWhere(db, "group_list", where) };
}

export function getGroup(db: Db, id: string): GroupRow | undefined {
  return db.prepare("SELECT * FROM group_list WHERE id = ?").get(id) as GroupRow | undefined;
}

export interface MemberRow {
  readonly group_id: string;
  readonly run_id: string;
  readonly state: "active" | "inactive" | "missing";
}

/** Members of the given groups: active ones by started order (never started last, ties by id). */
export function groupMembers(db: Db, groupIds: readonly string[]): MemberRow[] {
  if (groupIds.length === 0) return [];
  return db
    .prepare(
      `SELECT gm.group_id, gm.run_id, gm.state
         FROM group_members gm LEFT JOIN runs r ON r.id = gm.run_id
        WHERE gm.group_id IN (SELECT value FROM json_each(?))
        ORDER BY gm.group_id, r.started IS NULL, r.started, gm.run_id`,
    )
    .all(JSON.stringify(groupIds)) as MemberRow[];
}
