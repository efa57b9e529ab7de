import type { Db } from "../index/db.js";
import { deadLiveLocks } from "../index/locks.js";
import { and, containerClause, inClause, onlyContainers, tagClause, type Clause, type QueryFilter } from "./filters.js";
import { containerCount } from "./counts.js";
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

export const RUN_SORT_FIELDS: Readonly<Record<string, string>> = {
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
  if (f.until !== undefined) parts.push({ sql: "timestamp <= ?", params: [f.until] });
  if (f.inGroup !== undefined) {
    parts.push({ sql: "id IN (SELECT run_id FROM group_members WHERE group_id = ?)", params: [f.inGroup] });
  }
  if (f.where !== undefined) parts.push(whereClause(f.where, "run", { plan }));
  return and(parts);
}

export interface Page<R> {
  readonly rows: R[];
  /** how many match in all */
  readonly total: number;
}

/**
 * Runs matching the filter, in listing order (newest first by Gage's timestamp unless sorted),
 * at most `limit` of them. Rows stored as running whose pid has died since the index last saw
 * them are shown `terminated` (a read-only query cannot store that; the indexer will).
 */
export function queryRuns(db: Db, f: QueryFilter, sort: string | undefined, limit: number): Page<RunRow> {
  const plan = planRunWhere(db, f.where, sort, limit);
  const where = runWhere(f, plan);
  const order = orderClause(sort, RUN_SORT_FIELDS, "-timestamp", "run");
  const rows = db
    .prepare(`SELECT * FROM run_list WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ?`)
    .all(...where.params, ...order.params, limitParam(limit)) as RunRow[];
  // a count always starts from the matches: it reads them all whatever the plan
  const total =
    rows.length < limit ? rows.length : onlyContainers(f) ? containerCount(db, f.containers) : countWhere(db, "run_list", plan === "index" ? where : runWhere(f));
  const running = rows.filter((r) => r.status === "running").map((r) => r.id);
  if (running.length === 0) return { rows, total };
  const dead = new Set(deadLiveLocks(db, running));
  return { rows: rows.map((r) => (dead.has(r.id) ? { ...r, status: "terminated" } : r)), total };
}

/** SQLite's "no limit" is -1. */
export const limitParam = (limit: number) => (Number.isFinite(limit) ? limit : -1);

/**
 * The subquery with `LIMIT -1` is not merged into the count, so SQLite drops the views' label
 * join (unused by the count) as it cannot inside an aggregate: a third of a count's time.
 */
export function countWhere(db: Db, view: "run_list" | "group_list", where: Clause): number {
  return (db.prepare(`SELECT count(*) AS n FROM (SELECT id FROM ${view} WHERE ${where.sql} LIMIT -1)`).get(...where.params) as { n: number }).n;
}

export function getRun(db: Db, id: string): RunRow | undefined {
  return db.prepare("SELECT * FROM run_list WHERE id = ?").get(id) as RunRow | undefined;
}
