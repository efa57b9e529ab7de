import type { Db } from "../index/db.js";

/** What JSON output and `show` add to a listing row, fetched for many owners at once. */
export interface CommentRow {
  readonly owner_id: string;
  readonly comment_id: string;
  readonly author: string;
  readonly timestamp_ms: number | null;
  readonly msg: string;
}

const ids = (list: readonly string[]) => JSON.stringify(list);

export function tagsOf(db: Db, ownerKind: "run" | "group", owners: readonly string[]): Map<string, string[]> {
  const rows = db
    .prepare(
      `SELECT owner_id, tag FROM tags WHERE owner_kind = ? AND owner_id IN (SELECT value FROM json_each(?))
        ORDER BY owner_id, tag`,
    )
    .all(ownerKind, ids(owners)) as { owner_id: string; tag: string }[];
  return groupBy(rows, (r) => r.owner_id, (r) => r.tag);
}

/**
 * Comments ordered by timestamp, as Gage's `get_comments` returns them. The owners are a list of
 * bound parameters, not a json_each subquery: SQLite pushes `owner_id IN (?, …)` down into the
 * view's per-author replay (a window partitioned by owner), but not a subquery, and replaying
 * every attr log took ~100 ms at 100k runs for each page of JSON.
 */
export function commentsOf(db: Db, ownerKind: "run" | "group", owners: readonly string[]): Map<string, CommentRow[]> {
  if (owners.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT owner_id, comment_id, author, timestamp_ms, msg FROM comments
        WHERE owner_kind = ? AND owner_id IN (${owners.map(() => "?").join(", ")})
        ORDER BY owner_id, timestamp_ms IS NULL, timestamp_ms, comment_id, author`,
    )
    .all(ownerKind, ...owners) as CommentRow[];
  return groupBy(rows, (r) => r.owner_id, (r) => r);
}

/** Groups that list each run as a member (any state). */
export function groupsOf(db: Db, runIds: readonly string[]): Map<string, string[]> {
  const rows = db
    .prepare(
      `SELECT substr(key, 5) AS run_id, owner_id AS group_id FROM current_attrs
        WHERE owner_kind = 'group' AND key IN (SELECT 'run:' || value FROM json_each(?))
        ORDER BY run_id, group_id`,
    )
    .all(ids(runIds)) as { run_id: string; group_id: string }[];
  return groupBy(rows, (r) => r.run_id, (r) => r.group_id);
}

export interface RunData {
  readonly config_json: string;
  readonly metrics_json: string;
  readonly attributes_json: string;
}

export function runData(db: Db, runIds: readonly string[]): Map<string, RunData> {
  const rows = db
    .prepare(
      `SELECT id, config_json, metrics_json, attributes_json FROM runs WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids(runIds)) as (RunData & { id: string })[];
  return new Map(rows.map((r) => [r.id, r]));
}

function groupBy<R, V>(rows: readonly R[], key: (r: R) => string, value: (r: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(value(r));
    else out.set(k, [value(r)]);
  }
  return out;
}
