import type { Db } from "../index/db.js";

/**
 * How many runs the given containers hold, from run_counts (kept by triggers, migration 006):
 * the unfiltered listing's total in one indexed read at any size.
 */
export function containerCount(db: Db, containers: readonly string[]): number {
  const row = db
    .prepare("SELECT coalesce(sum(n), 0) AS n FROM run_counts WHERE container IN (SELECT value FROM json_each(?))")
    .get(JSON.stringify(containers)) as { n: number };
  return row.n;
}
