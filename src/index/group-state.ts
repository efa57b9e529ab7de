import type { Db } from "./db.js";

/** When more groups than this changed, group_state is rebuilt in one statement. */
const BULK_THRESHOLD = 2000;

/**
 * Keeps group_state (the materialised group_summary view) current. A group's summary changes
 * when its own log changes or when a run it lists changes (meta, container, lock liveness), so
 * the caller names changed groups and changed runs; the groups listing those runs are found
 * through the current_attrs key index. Must run after current_attrs is refreshed.
 */
export function refreshGroupStates(db: Db, groupIds: ReadonlySet<string> | readonly string[], runIds: ReadonlySet<string> | readonly string[]): void {
  const nRuns = "size" in runIds ? runIds.size : runIds.length;
  const nGroups = "size" in groupIds ? groupIds.size : groupIds.length;
  if (nRuns + nGroups > BULK_THRESHOLD) {
    db.exec(`DELETE FROM group_state;
      INSERT INTO group_state (id, operation, started, status) SELECT id, operation, started, status FROM group_summary;`);
    return;
  }
  const groups = new Set(groupIds);
  const listing = db.prepare("SELECT owner_id FROM current_attrs WHERE key = ? AND owner_kind = 'group'").pluck();
  for (const run of runIds) {
    for (const g of listing.all(`run:${run}`) as string[]) groups.add(g);
  }
  if (groups.size === 0) return;
  const clear = db.prepare("DELETE FROM group_state WHERE id = ?");
  const fill = db.prepare(
    "INSERT INTO group_state (id, operation, started, status) SELECT id, operation, started, status FROM group_summary WHERE id = ?",
  );
  for (const g of groups) {
    clear.run(g);
    fill.run(g);
  }
}
