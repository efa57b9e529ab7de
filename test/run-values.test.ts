import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeMove, writeRun } from "../src/fixtures/gage-writer.js";
import { indexRunsDir } from "../src/index/indexer.js";
import { SqliteSink } from "../src/index/sqlite-sink.js";
import { migrate } from "../src/index/migrate.js";
import { migrationsDir } from "../src/index/migrate-dir.js";
import { queryRuns } from "../src/query/runs.js";
import { SqliteStore } from "../src/store/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { BACKENDS, backendWorkspace, indexWs, withStore } from "./backends.js";
import { finishedRun, indexed, workspace } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

/** A finished run whose config and metrics depend on `n` and on a `version` of its values. */
function writeNumbered(runsDir: string, n: number, version = 0): void {
  rmSync(join(runsDir, `${runId(n)}.meta`), { recursive: true, force: true });
  writeRun(
    runsDir,
    finishedRun(runId(n), {
      config: { lr: n / 100 + version, optimizer: n % 2 === 0 ? "adam" : "sgd", shuffle: n % 3 === 0, note: null },
      summary: { metrics: { loss: { value: n / 1000 + version, label: "Loss" } }, attributes: { gpu: "T4" } },
    }),
  );
}

/** run_values holds exactly the non-null value rows the runs' stored JSON gives now. */
async function expectValuesCurrent(store: Store): Promise<void> {
  const stored = await store.all({ sql: "SELECT run_id, section, key, num, text FROM run_values ORDER BY 1, 2, 3", params: [] });
  const derived = await store.all({
    sql: "SELECT run_id, section, key, num, text FROM run_value_rows WHERE num IS NOT NULL OR text IS NOT NULL ORDER BY 1, 2, 3",
    params: [],
  });
  expect(stored.length).toBeGreaterThan(0);
  expect(stored).toEqual(derived);
}

/** run_counts agrees with a count of every run's container. */
async function expectCountsCurrent(store: Store): Promise<void> {
  const kept = await store.all({ sql: "SELECT container, n FROM run_counts WHERE n <> 0 ORDER BY container", params: [] });
  const counted = await store.all({ sql: "SELECT container, count(*) AS n FROM run_container GROUP BY container ORDER BY container", params: [] });
  expect(kept).toEqual(counted);
}

const one = async <T>(store: Store, sql: string, params: readonly unknown[] = []): Promise<T | undefined> =>
  (await store.get<{ v: T }>({ sql, params: [...params] }))?.v;

const loss = (store: Store, n: number) =>
  one<number>(store, "SELECT num AS v FROM run_values WHERE run_id = ? AND section = 'metrics' AND key = 'loss'", [runId(n)]);

describe.each(BACKENDS)("%s", (backend) => {
  describe("run_values and run_counts follow the runs", () => {
    it("after a first index, single changes, many changes, moves and removals", async () => {
      const ws = await backendWorkspace(backend);
      for (let n = 1; n <= 30; n++) writeNumbered(ws.runsDir, n);
      await indexWs(ws);
      await withStore(ws, async (store) => {
        await expectValuesCurrent(store);
        await expectCountsCurrent(store);
        expect(await loss(store, 7)).toBe(0.007);
        expect(await one(store, "SELECT text AS v FROM run_values WHERE run_id = ? AND key = 'shuffle'", [runId(3)])).toBe("true");
        expect(await one(store, "SELECT count(*) AS v FROM run_values WHERE key = 'note'")).toBe(0);
      });

      // one run changed: its rows alone are replaced
      writeNumbered(ws.runsDir, 7, 1);
      await indexWs(ws);
      await withStore(ws, async (store) => {
        expect(await loss(store, 7)).toBe(1.007);
        await expectValuesCurrent(store);
      });

      // many runs changed (more than a tenth): the table is rebuilt whole
      for (let n = 1; n <= 12; n++) writeNumbered(ws.runsDir, n, 2);
      await indexWs(ws);
      await withStore(ws, async (store) => {
        expect(await loss(store, 12)).toBe(2.012);
        expect(await loss(store, 13)).toBe(0.013);
        await expectValuesCurrent(store);
      });

      // trash, archive over trash, restore, remove, and a new run
      writeMove(ws.runsDir, runId(2), "trash", MS);
      writeMove(ws.runsDir, runId(3), "trash", MS);
      await indexWs(ws);
      await withStore(ws, expectCountsCurrent);
      writeMove(ws.runsDir, runId(3), "9e5a7c1e-0000-4000-8000-00000000a4c1", MS + 1000);
      writeMove(ws.runsDir, runId(2), "active", MS + 1000);
      rmSync(join(ws.runsDir, `${runId(4)}.meta`), { recursive: true });
      writeNumbered(ws.runsDir, 31);
      await indexWs(ws);
      await withStore(ws, async (store) => {
        await expectCountsCurrent(store);
        await expectValuesCurrent(store);
        expect(await loss(store, 4)).toBeUndefined();
        expect(await one(store, "SELECT n AS v FROM run_counts WHERE container = 'active'")).toBe(29);
      });

      // a move dir removed: the run is active again
      rmSync(join(ws.runsDir, `${runId(3)}.move`), { recursive: true });
      await indexWs(ws);
      await withStore(ws, async (store) => {
        await expectCountsCurrent(store);
        expect((await queryRuns(store, { tags: [], statuses: [], containers: ["active"] }, undefined, 5)).total).toBe(30);
      });
    });
  });
});

// SQLite's migrations only: PostgreSQL's schema is one migration (migrations/postgres), with no 006 to come after.
describe("sqlite: run_values and run_counts of an upgraded index", () => {
  it("migration 006 fills both for a database indexed before it", async () => {
    const ws = workspace();
    for (let n = 1; n <= 12; n++) writeNumbered(ws.runsDir, n);
    writeMove(ws.runsDir, runId(5), "trash", MS);
    const { db } = await indexed(ws.runsDir, ws.dbPath);
    const store = new SqliteStore(db);
    try {
      // back to the schema before 006: every object it creates dropped, its record removed
      const sql = readFileSync(join(migrationsDir(), "006_run_values.sql"), "utf8");
      const created = [...sql.matchAll(/^CREATE (TABLE|VIEW|INDEX|TRIGGER) (\w+)/gmu)].map((m) => [m[1]!, m[2]!] as const);
      expect(created.length).toBeGreaterThan(5);
      for (const [kind, name] of created.reverse()) db.exec(`DROP ${kind} ${name}`);
      db.prepare("DELETE FROM kysely_migration WHERE name = '006_run_values'").run();
      // and the later ones: the views and indexes they create (those they replace they drop themselves)
      for (const later of readdirSync(migrationsDir()).filter((f) => f > "006_run_values.sql" && f.endsWith(".sql"))) {
        const text = readFileSync(join(migrationsDir(), later), "utf8");
        const dropped = new Set([...text.matchAll(/^DROP (?:VIEW|INDEX) (\w+)/gmu)].map((m) => m[1]!));
        for (const m of text.matchAll(/^CREATE (VIEW|INDEX) (\w+)/gmu)) if (!dropped.has(m[2]!)) db.exec(`DROP ${m[1]!} ${m[2]!}`);
        db.prepare("DELETE FROM kysely_migration WHERE name = ?").run(later.replace(/\.sql$/u, ""));
      }
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'run_values'").pluck().get()).toBe(0);

      await migrate(db);
      await expectValuesCurrent(store);
      await expectCountsCurrent(store);
      expect(await loss(store, 9)).toBe(0.009);
      expect(db.prepare("SELECT n FROM run_counts WHERE container = 'trash'").pluck().get()).toBe(1);
      // and they keep following the runs afterwards
      writeNumbered(ws.runsDir, 9, 3);
      await indexRunsDir(new SqliteSink(db, ws.runsDir), { runsDir: ws.runsDir });
      expect(await loss(store, 9)).toBe(3.009);
      await expectValuesCurrent(store);
    } finally {
      db.close();
    }
  });
});
