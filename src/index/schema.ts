import { readdirSync } from "node:fs";
import type { Db } from "./db.js";
import { migrationsDir } from "./migrate-dir.js";

/** The newest migration applied equals the newest migration file. */
export function schemaIsCurrent(db: Db): boolean {
  const files = readdirSync(migrationsDir())
    .filter((f) => /^\d+_.+\.sql$/u.test(f))
    .map((f) => f.replace(/\.sql$/u, ""))
    .sort();
  try {
    const row = db.prepare("SELECT max(name) AS name FROM kysely_migration").get() as { name: string | null };
    return row.name === files[files.length - 1];
  } catch {
    return false;
  }
}

/** Migrates when behind; Kysely's Migrator is loaded only then, so readers never pay for it. */
export async function ensureSchema(db: Db): Promise<void> {
  if (schemaIsCurrent(db)) return;
  const { migrate } = await import("./migrate.js");
  await migrate(db);
}
