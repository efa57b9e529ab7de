import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../src/index/db.js";
import { migrate } from "../src/index/migrate.js";
import { migrationsDir } from "../src/index/migrate-dir.js";
import { tempDir } from "./helpers.js";

const tables = (db: ReturnType<typeof openDb>) =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'kysely%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe("migrations are atomic", () => {
  it("a migration that fails halfway leaves nothing of itself, and the next attempt applies it whole", async () => {
    const dir = tempDir();
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    writeFileSync(join(migrations, "001_a.sql"), "CREATE TABLE a (x INTEGER);");
    // the first statement succeeds, the second fails
    writeFileSync(join(migrations, "002_b.sql"), "CREATE TABLE b (x INTEGER);\nINSERT INTO no_such_table VALUES (1);");
    const db = openDb(join(dir, "db.sqlite"));
    try {
      await expect(migrate(db, migrations)).rejects.toThrow(/002_b.*no such table/u);
      // neither the half of 002 nor (since pending migrations apply together) 001 is there
      expect(tables(db)).toEqual([]);
      expect(db.inTransaction).toBe(false);
      writeFileSync(join(migrations, "002_b.sql"), "CREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);");
      await migrate(db, migrations);
      expect(tables(db)).toEqual(["a", "b"]);
      const applied = db.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as { name: string }[];
      expect(applied.map((r) => r.name)).toEqual(["001_a", "002_b"]);
    } finally {
      db.close();
    }
  });

  it("a database made by the first migrations upgrades to the current schema", async () => {
    const dir = tempDir();
    const old = join(dir, "old");
    mkdirSync(old);
    const files = readdirSync(migrationsDir()).filter((f) => f.endsWith(".sql")).sort();
    for (const f of files.slice(0, 2)) writeFileSync(join(old, f), readFileSync(join(migrationsDir(), f)));
    const db = openDb(join(dir, "db.sqlite"));
    try {
      await migrate(db, old);
      db.prepare("INSERT INTO runs (id, meta_entry, meta_kind, opref_schema, op_ns, op_name) VALUES ('r1', 'r1.meta', 'dir', 2, 'p', 'train')").run();
      await migrate(db);
      const applied = db.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as { name: string }[];
      expect(applied.map((r) => r.name)).toEqual(files.map((f) => f.replace(/\.sql$/u, "")));
      expect(db.prepare("SELECT id FROM runs").pluck().all()).toEqual(["r1"]);
    } finally {
      db.close();
    }
  });
});
