import type { Db } from "./db.js";
import { pidAlive } from "./pid.js";

/**
 * Re-checks runs stored as running. Cheap enough for every query: a partial index holds only
 * locked runs. A run whose pid died becomes `terminated` (its lock stays, so Gage agrees).
 */
export function recheckLiveLocks(db: Db): number {
  const live = db.prepare("SELECT id, lock_pid FROM runs WHERE lock_present AND lock_alive = 1").all() as {
    id: string;
    lock_pid: number | null;
  }[];
  const dead = live.filter((r) => !pidAlive(r.lock_pid));
  if (dead.length === 0) return 0;
  const update = db.prepare("UPDATE runs SET lock_alive = 0 WHERE id = ?");
  db.transaction(() => {
    for (const r of dead) update.run(r.id);
  })();
  return dead.length;
}
