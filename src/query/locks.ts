import { pidAlive } from "../index/pid.js";
import type { Store } from "../store/store.js";

/**
 * Runs of these that the index holds as running but whose process has died since: a read-only
 * query shows them `terminated` (the indexer stores it at its next pass). Only runs of this
 * machine can be checked (`live_locks.host` is null on SQLite, the source's host elsewhere).
 */
export async function deadLocks(store: Store, ids: readonly string[], localHost: string | null): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const among = store.dialect.inList({ sql: "id", params: [] }, ids);
  const rows = await store.all<{ id: string; lock_pid: number | null }>({
    sql: `SELECT id, lock_pid FROM live_locks WHERE ${among.sql} AND (host IS NULL OR host = ?)`,
    params: [...among.params, localHost],
  });
  return new Set(rows.filter((r) => !pidAlive(r.lock_pid === null ? null : Number(r.lock_pid))).map((r) => r.id));
}
