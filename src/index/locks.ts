import type { Db } from "./db.js";
import { refreshGroupStates } from "./group-state.js";
import { pidAlive } from "./pid.js";

/** Runs stored as running (of `among`, when given) whose lock pid has since died. Reads only. */
export function deadLiveLocks(db: Db, among?: readonly string[]): string[] {
  const live = (
    among === undefined
      ? db.prepare("SELECT id, lock_pid FROM runs WHERE lock_present AND lock_alive = 1").all()
      : db.prepare("SELECT id, lock_pid FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND lock_present AND lock_alive = 1").all(JSON.stringify(among))
  ) as { id: string; lock_pid: number | null }[];
  return live.filter((r) => !pidAlive(r.lock_pid)).map((r) => r.id);
}

/** Runs stored as running, newest first, at most `limit`. */
export function liveRunIds(db: Db, limit: number): string[] {
  return db.prepare("SELECT id FROM runs WHERE lock_present AND lock_alive = 1 ORDER BY timestamp DESC LIMIT ?").pluck().all(limit) as string[];
}

/**
 * Re-checks runs stored as running (a partial index holds only locked runs, so this is cheap).
 * A run whose pid died becomes `terminated`, and so do the summaries of the groups listing it,
 * in one transaction; its lock stays, so Gage agrees. Needs the writer. Returns the runs that died.
 */
export function recheckLiveLocks(db: Db): string[] {
  const dead = deadLiveLocks(db);
  if (dead.length === 0) return dead;
  const update = db.prepare("UPDATE runs SET lock_alive = 0 WHERE id = ?");
  db.transaction(() => {
    for (const id of dead) update.run(id);
    refreshGroupStates(db, [], dead);
  })();
  return dead;
}
