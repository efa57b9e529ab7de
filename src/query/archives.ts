import type { Store } from "../store/store.js";

export interface ArchiveRow {
  readonly id: string;
  readonly name: string | null;
}

/** An archive by id or name; names may repeat after a sync, then the first by id wins. */
export function findArchive(store: Store, spec: string): Promise<ArchiveRow | undefined> {
  return store.get<ArchiveRow>({
    sql: `SELECT id, min(name) AS name FROM archives WHERE deleted = 0 AND (id = ? OR name = ?)
           GROUP BY id ORDER BY max(CASE WHEN id = ? THEN 1 ELSE 0 END) DESC, id LIMIT 1`,
    params: [spec, spec, spec],
  });
}

/** Names of the archives with these ids (deleted ones included: a run can still point at one). */
export async function archiveNames(store: Store, ids: readonly string[]): Promise<Map<string, string>> {
  const among = store.dialect.inList({ sql: "id", params: [] }, ids);
  const rows = await store.all<{ id: string; name: string | null }>({ sql: `SELECT id, name FROM archives WHERE ${among.sql}`, params: among.params });
  return new Map(rows.filter((r) => r.name !== null).map((r) => [r.id, r.name!]));
}
