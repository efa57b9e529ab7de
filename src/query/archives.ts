import type { Db } from "../index/db.js";

export interface ArchiveRow {
  readonly id: string;
  readonly name: string | null;
}

/** An archive by id or name; names may repeat after a sync, then the first by id wins. */
export function findArchive(db: Db, spec: string): ArchiveRow | undefined {
  return db
    .prepare<{ spec: string }, ArchiveRow>(
      "SELECT id, name FROM archives WHERE NOT deleted AND (id = @spec OR name = @spec) ORDER BY id = @spec DESC, id LIMIT 1",
    )
    .get({ spec });
}

/** Names of the archives with these ids (deleted ones included: a run can still point at one). */
export function archiveNames(db: Db, ids: readonly string[]): Map<string, string> {
  const rows = db
    .prepare<[string], { id: string; name: string | null }>("SELECT id, name FROM archives WHERE id IN (SELECT value FROM json_each(?))")
    .all(JSON.stringify(ids));
  return new Map(rows.filter((r) => r.name !== null).map((r) => [r.id, r.name!]));
}
