import type { Store } from "../store/store.js";

/**
 * How many runs the given containers hold, from run_counts (on SQLite kept by triggers): the
 * unfiltered listing's total in one indexed read at any size.
 */
export async function containerCount(store: Store, containers: readonly string[]): Promise<number> {
  const where = store.dialect.inList({ sql: "container", params: [] }, containers);
  const row = await store.get<{ n: number | string }>({ sql: `SELECT coalesce(sum(n), 0) AS n FROM run_counts WHERE ${where.sql}`, params: where.params });
  return Number(row?.n ?? 0);
}
