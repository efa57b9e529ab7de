import type { Db } from "./db.js";
import { refreshGroupStates } from "./group-state.js";
import { pidAlive } from "./pid.js";

/** Runs stored as running whose lock pid has since died. Reads only. */
export function deadLiveLocks(db: Db): string[] {
  const live = db.prepare("SELECT id, lock_pid FROM runs WHERE lock_present AND lock_alive = 1").all() as {
    id: string;
    lock_pid: number | null;
  }[];
  return live.filter((r) => !pidAlive(r.lock_pid)).map((r) => r.id);
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
