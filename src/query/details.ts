import type { Store } from "../store/store.js";

/** What JSON output and `show` add to a listing row, fetched for many owners at once. */
export interface CommentRow {
  readonly owner_id: string;
  readonly comment_id: string;
  readonly author: string;
  readonly timestamp_ms: number | null;
  readonly msg: string;
}

const owners = (store: Store, column: string, ids: readonly string[]) => store.dialect.inList({ sql: column, params: [] }, ids);

export async function tagsOf(store: Store, ownerKind: "run" | "group", ids: readonly string[]): Promise<Map<string, string[]>> {
  const among = owners(store, "owner_id", ids);
  const rows = await store.all<{ owner_id: string; tag: string }>({
    sql: `SELECT owner_id, tag FROM tags WHERE owner_kind = ? AND ${among.sql} ORDER BY owner_id, tag`,
    params: [ownerKind, ...among.params],
  });
  return groupBy(rows, (r) => r.owner_id, (r) => r.tag);
}

/**
 * Comments ordered by timestamp, as Gage's `get_comments` returns them. The owners are a list of
 * bound parameters, not a subquery: SQLite pushes `owner_id IN (?, …)` down into the view's
 * per-author replay (a window partitioned by owner), but not a subquery, and replaying every attr
 * log took ~100 ms at 100k runs for each page of JSON.
 */
export async function commentsOf(store: Store, ownerKind: "run" | "group", ids: readonly string[]): Promise<Map<string, CommentRow[]>> {
  if (ids.length === 0) return new Map();
  const rows = await store.all<CommentRow>({
    sql: `SELECT owner_id, comment_id, author, timestamp_ms, msg FROM comments
           WHERE owner_kind = ? AND owner_id IN (${ids.map(() => "?").join(", ")})
           ORDER BY owner_id, timestamp_ms IS NULL, timestamp_ms, comment_id, author`,
    params: [ownerKind, ...ids],
  });
  return groupBy(
    rows.map((r) => ({ ...r, timestamp_ms: r.timestamp_ms === null ? null : Number(r.timestamp_ms) })),
    (r) => r.owner_id,
    (r) => r,
  );
}

/** Groups that list each run as a member (any state), through current_attrs' key index. */
export async function groupsOf(store: Store, runIds: readonly string[]): Promise<Map<string, string[]>> {
  const keys = store.dialect.inList({ sql: "key", params: [] }, runIds.map((id) => `run:${id}`));
  const rows = await store.all<{ run_id: string; group_id: string }>({
    sql: `SELECT substr(key, 5) AS run_id, owner_id AS group_id FROM current_attrs WHERE owner_kind = 'group' AND ${keys.sql} ORDER BY run_id, group_id`,
    params: keys.params,
  });
  return groupBy(rows, (r) => r.run_id, (r) => r.group_id);
}

export interface RunData {
  readonly config_json: string;
  readonly metrics_json: string;
  readonly attributes_json: string;
}

export async function runData(store: Store, runIds: readonly string[]): Promise<Map<string, RunData>> {
  const among = owners(store, "id", runIds);
  const rows = await store.all<RunData & { id: string }>({
    sql: `SELECT id, config_json, metrics_json, attributes_json FROM run_data WHERE ${among.sql}`,
    params: among.params,
  });
  return new Map(rows.map((r) => [r.id, r]));
}

/** Every copy of these runs, host and runs dir, the copy shown first (one on SQLite). */
export async function copiesOf(store: Store, runIds: readonly string[]): Promise<Map<string, { host: string | null; runs_dir: string | null }[]>> {
  const among = owners(store, "id", runIds);
  const rows = await store.all<{ id: string; host: string | null; runs_dir: string | null }>({
    sql: `SELECT id, host, runs_dir FROM run_copies WHERE ${among.sql} ORDER BY id, shown DESC, host, runs_dir`,
    params: among.params,
  });
  return groupBy(rows, (r) => r.id, (r) => ({ host: r.host, runs_dir: r.runs_dir }));
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
