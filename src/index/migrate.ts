import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { DialectAdapter, Migration, MigrationProvider } from "kysely";
import type { Db } from "./db.js";
import { migrationsDir } from "./migrate-dir.js";

/** Serves `migrations/NNN_name.sql` to Kysely's Migrator, in file-name order. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(
    private readonly dir: string,
    private readonly raw: Db,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(this.dir).filter((f) => /^\d+_.+\.sql$/u.test(f)).sort()) {
      const text = readFileSync(join(this.dir, file), "utf8");
      // Kysely runs one statement per query; a migration file holds many, so it goes to SQLite's
      // own multi-statement exec on the same connection, inside the Migrator's transaction.
      migrations[file.replace(/\.sql$/u, "")] = { up: async () => void this.raw.exec(text) };
    }
    return migrations;
  }
}

/** Brings the schema up to date. Throws with Kysely's error when a migration fails. */
export async function migrate(raw: Db, dir: string = migrationsDir()): Promise<void> {
  // Kysely costs ~100 ms to load; only a process that migrates pays for it.
  const { Kysely, Migrator, SqliteAdapter, SqliteDialect } = await import("kysely");
  /**
   * SQLite does run DDL inside transactions; Kysely's adapter only says it does not, and its
   * Migrator then applies each migration and records it in separate steps, so a crash or a
   * failing statement halfway leaves half a schema and no record of it. Declaring
   * transactional DDL makes the Migrator run the pending migrations and their records in one
   * transaction: they apply entirely or not at all.
   */
  class TransactionalSqliteAdapter extends SqliteAdapter {
    override get supportsTransactionalDdl(): boolean {
      return true;
    }
  }
  class TransactionalSqliteDialect extends SqliteDialect {
    override createAdapter(): DialectAdapter {
      return new TransactionalSqliteAdapter();
    }
  }
  const db = new Kysely<unknown>({ dialect: new TransactionalSqliteDialect({ database: raw }) });
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir, raw) });
  const { error, results } = await migrator.migrateToLatest();
  // Kysely's destroy() would close the shared better-sqlite3 handle; the caller owns it.
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
