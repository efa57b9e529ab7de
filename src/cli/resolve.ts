import type { Db } from "../index/db.js";
import { CliError } from "./errors.js";

export interface Resolved {
  readonly kind: "run" | "group";
  readonly id: string;
}

/**
 * Finds one run or group by full id, id prefix or name prefix (names are proquints of the id, so
 * several can match). An exact id wins; otherwise the match must be unique.
 */
export function resolveOne(db: Db, spec: string, kinds: readonly ("run" | "group")[] = ["run", "group"]): Resolved {
  const matches: Resolved[] = [];
  for (const kind of kinds) {
    const table = kind === "run" ? "runs" : "groups";
    const rows = db
      .prepare(`SELECT id FROM ${table} WHERE substr(id, 1, @n) = @spec OR substr(name, 1, @n) = @spec ORDER BY id`)
      .all({ n: spec.length, spec }) as { id: string }[];
    for (const r of rows) matches.push({ kind, id: r.id });
  }
  const exact = matches.find((m) => m.id === spec);
  if (exact) return exact;
  const what = kinds.length === 1 ? `${kinds[0]}` : "run or group";
  if (matches.length === 0) throw new CliError(`no ${what} matches ${JSON.stringify(spec)}`);
  if (matches.length > 1) {
    const some = matches.slice(0, 5).map((m) => `${m.kind} ${m.id}`).join(", ");
    throw new CliError(`${JSON.stringify(spec)} matches ${matches.length}: ${some}${matches.length > 5 ? ", …" : ""}`);
  }
  return matches[0]!;
}

/** An archive by id or name; names may repeat after a sync, then the first by id wins. */
export function resolveArchive(db: Db, spec: string): string {
  const row = db
    .prepare("SELECT id FROM archives WHERE NOT deleted AND (id = @spec OR name = @spec) ORDER BY id = @spec DESC, id LIMIT 1")
    .get({ spec }) as { id: string } | undefined;
  if (!row) throw new CliError(`no archive named ${JSON.stringify(spec)}`);
  return row.id;
}
