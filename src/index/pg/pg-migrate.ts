import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Migration, MigrationProvider } from "kysely";
import { pgDrivers, type PgHandle } from "../../store/pg.js";
import { migrationsDir } from "../migrate-dir.js";

/** Serves `migrations/postgres/NNN_name.sql` to Kysely's Migrator, in file-name order. */
class PgSqlFileProvider implements MigrationProvider {
  constructor(private readonly kysely: typeof import("kysely")) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const dir = migrationsDir("postgres");
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(dir).filter((f) => /^\d+_.+\.sql$/u.test(f)).sort()) {
      const text = readFileSync(join(dir, file), "utf8");
      // Without parameters `pg` sends the file as one simple query: many statements, one round
      // trip, inside the Migrator's transaction (PostgreSQL's DDL is transactional).
      migrations[file.replace(/\.sql$/u, "")] = { up: async (db) => void (await this.kysely.sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

/**
 * Applies the pending PostgreSQL migrations. Kysely's Postgres adapter holds an advisory lock
 * while migrating, so indexers starting on several machines at once migrate once.
 */
export async function migratePgFiles(h: PgHandle): Promise<void> {
  const { kysely } = await pgDrivers();
  const migrator = new kysely.Migrator({ db: h.db, provider: new PgSqlFileProvider(kysely) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? ""} of ${h.label} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
