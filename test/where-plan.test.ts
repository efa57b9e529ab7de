import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { openDb, type Db } from "../src/index/db.js";
import type { QueryFilter } from "../src/query/filters.js";
import { sqliteDialect } from "../src/store/dialect.js";
import { queryRuns, runListing } from "../src/query/runs.js";
import { groupListing, queryGroups } from "../src/query/groups.js";
import { SqliteStore } from "../src/store/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { GROUP_WALK_FROM, planListing, planRunWhere, WALK_FROM, whereClause, type Plan } from "../src/query/where/index.js";
import { tagOwners } from "../src/query/filters.js";
import { BACKENDS, backendWorkspace, indexWs, storeOf } from "./backends.js";

// 1200 runs of the scale corpus: ~20% tagged color=green, loss uniform in [0, 1), 85% completed.
const dir = mkdtempSync(join(tmpdir(), "catalog-plan-"));
writeCorpus(join(dir, "runs"), { n: 1200, seed: 3 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f = (where: string): QueryFilter => ({ tags: [], statuses: [], containers: ["active"], where });

/** --where conditions most runs meet: on SQLite a newest-first page of them walks the timestamp index. */
const BROAD = ["config.lr > 0", "config.lr > 0 and not tags contains prod", "config.optimizer != sgd or tags contains color=green", "status == completed"] as const;

describe.each(BACKENDS)("%s", (backend) => {
  let store: Store;
  beforeAll(async () => {
    const ws = await backendWorkspace(backend, dir);
    await indexWs(ws);
    store = await storeOf(ws);
  });
  afterAll(() => store.close());

  describe("the listing plan", () => {
    it.each(BROAD)("%s: the first page and its total equal the full listing's", async (where) => {
      const page = await queryRuns(store, f(where), undefined, 20);
      const all = await queryRuns(store, f(where), undefined, Infinity);
      expect(all.rows.length).toBeGreaterThan(WALK_FROM / 2);
      expect(page.rows).toEqual(all.rows.slice(0, 20));
      expect(page.total).toBe(all.rows.length);
    });

    it.each(BROAD)("%s: compiled for a walk or from the matches, the same runs", async (where) => {
      const c = store.dialect.containers(["active"]);
      const ids = async (plan: Plan) => {
        const w = whereClause(where, "run", { plan, dialect: store.dialect });
        const sql = `SELECT id FROM run_list WHERE (${c.sql}) AND (${w.sql}) ORDER BY timestamp DESC, id DESC`;
        return (await store.all<{ id: string }>({ sql, params: [...c.params, ...w.params] })).map((r) => r.id);
      };
      const scan = await ids("scan");
      expect(scan.length).toBeGreaterThan(WALK_FROM / 2);
      expect(scan).toEqual(await ids("index"));
    });
  });
});

// SQLite's query planner: the plans it reports, and the walk-or-start choice planRunWhere makes
// for SQLite only (PostgreSQL plans from its statistics).
describe("sqlite query plans", () => {
  let db: Db;
  beforeAll(async () => {
    const ws = await backendWorkspace("sqlite", dir);
    await indexWs(ws);
    db = openDb(ws.dbPath, { readonly: true });
  });
  afterAll(() => db.close());

  /** The listing and count SQL queryRuns runs for a --where alone, and their query plans. */
  function plans(where: string, plan: Plan): { list: string[]; count: string[] } {
    const c = sqliteDialect.containers(["active"]);
    const w = whereClause(where, "run", { plan });
    const explain = (q: string) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...c.params, ...w.params) as { detail: string }[]).map((r) => r.detail);
    return {
      list: explain(`SELECT * FROM run_list WHERE (${c.sql}) AND (${w.sql}) ORDER BY timestamp DESC, id DESC LIMIT 20`),
      count: explain(`SELECT count(*) AS n FROM (SELECT id FROM run_list WHERE (${c.sql}) AND (${w.sql}) LIMIT -1)`),
    };
  }

  /** A step that reads every row of runs from its table. */
  const fullScan = (detail: string) => /^SCAN (r|runs)$/u.test(detail);

  describe("filters use indexes", () => {
    // a selective filter of each kind, and the index that must find its rows
    const SELECTIVE: readonly (readonly [string, RegExp])[] = [
      ["tags contains ablation", /SEARCH wt USING COVERING INDEX current_attrs_key \(key=\? AND owner_kind=\?\)/u],
      ["status == pending", /SEARCH r USING (COVERING )?INDEX runs_status \(status=\?\)/u],
      ["operation == prepare", /SEARCH r USING (COVERING )?INDEX runs_op \(op_name=\?\)/u],
      ["operation == vision:prepare", /SEARCH r USING (COVERING )?INDEX runs_op \(op_name=\?\)/u],
      ["metrics.loss < 0.01", /SEARCH wv USING COVERING INDEX run_values_num \(section=\? AND key=\? AND num>\? AND num<\?\)/u],
      ["config.optimizer == sgd", /SEARCH wv USING COVERING INDEX run_values_text \(section=\? AND key=\? AND text=\?\)/u],
      ["attrs.label == 'train sweep 7'", /SEARCH wa USING INDEX current_attrs_key \(key=\?\)/u],
    ];

    it.each(SELECTIVE)("%s: listing and count start from the index", async (where, index) => {
      expect(await planRunWhere(new SqliteStore(db), where, undefined, 20)).toBe("index");
      const p = plans(where, "index");
      for (const steps of [p.list, p.count]) {
        expect(steps.some((s) => index.test(s)), steps.join(" | ")).toBe(true);
        expect(steps.some((s) => fullScan(s) || s.startsWith("SCAN r USING")), steps.join(" | ")).toBe(false);
      }
    });

    it("a started range is counted through runs_started and listed in order without a sort", async () => {
      const where = "started > 2024-01-05";
      const p = plans(where, "index");
      expect(p.count.some((s) => /SEARCH r USING COVERING INDEX runs_started \(started>\?\)/u.test(s)), p.count.join(" | ")).toBe(true);
      expect(p.count.some(fullScan)).toBe(false);
      expect(p.list.some((s) => s.includes("TEMP B-TREE")), p.list.join(" | ")).toBe(false);
      expect(p.list.some(fullScan)).toBe(false);
    });

    it("the unfiltered and the container filters read no run rows to decide the container", async () => {
      const c = sqliteDialect.containers(["active"]);
      const steps = (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM (SELECT id FROM run_list WHERE ${c.sql} LIMIT -1)`).all(...c.params) as { detail: string }[]).map((r) => r.detail);
      expect(steps.some(fullScan), steps.join(" | ")).toBe(false);
      expect(steps.some((s) => /SEARCH runs USING INDEX runs_legacy/u.test(s)), steps.join(" | ")).toBe(true);
    });
  });

  describe("the listing plan", () => {
    it("walks the timestamp index when many runs match, and starts from the matches when few do", async () => {
      expect(await planRunWhere(new SqliteStore(db), "config.lr > 0", undefined, 20)).toBe("scan");
      expect(await planRunWhere(new SqliteStore(db), "tags contains color=green or status == completed", undefined, 20)).toBe("scan");
      expect(await planRunWhere(new SqliteStore(db), "status == completed", undefined, 20)).toBe("scan");
      expect(await planRunWhere(new SqliteStore(db), "label contains train", undefined, 20)).toBe("scan");
      expect(await planRunWhere(new SqliteStore(db), "metrics.loss < 0.01", undefined, 20)).toBe("index");
      expect(await planRunWhere(new SqliteStore(db), "config.lr > 0 and metrics.loss < 0.01", undefined, 20)).toBe("index");
      // only a limited newest-first page can stop early on a walk
      expect(await planRunWhere(new SqliteStore(db), "config.lr > 0", "-metrics.loss", 20)).toBe("index");
      expect(await planRunWhere(new SqliteStore(db), "config.lr > 0", undefined, Infinity)).toBe("index");
      expect(await planRunWhere(new SqliteStore(db), "config.lr > 0", undefined, WALK_FROM + 1)).toBe("index");
    });

    it("a walk reads the timestamp index in order and looks each run's values up by id", async () => {
      const p = plans("config.lr > 0 and tags contains color=green", "scan");
      expect(p.list[0]).toBe("SCAN r USING INDEX runs_timestamp");
      expect(p.list.some((s) => s.includes("TEMP B-TREE"))).toBe(false);
      expect(p.list).toEqual(expect.arrayContaining(["SEARCH wv EXISTS USING PRIMARY KEY (run_id=? AND section=? AND key=?)"]));
      expect(p.list).toEqual(expect.arrayContaining(["SEARCH wt EXISTS USING PRIMARY KEY (owner_kind=? AND owner_id=? AND key=?)"]));
    });

    it.each(BROAD)("%s: a newest-first page walks", async (where) => {
      expect(await planRunWhere(new SqliteStore(db), where, undefined, 20)).toBe("scan");
    });
  });

  describe("--tag and the group listing", () => {
    const tagged = (tags: string[], where?: string): QueryFilter => ({ tags, statuses: [], containers: ["active"], ...(where === undefined ? {} : { where }) });
    const narrowing = (target: "run" | "group", tags: string[], where?: string) => ({ tagOwners: tags.map((t) => tagOwners(sqliteDialect, target, t)), where });

    it("a tag on most runs walks (candidates from the tag); a rarer one starts from its owners", async () => {
      const store = new SqliteStore(db);
      // every corpus run has one to three tags, so `*` is on all of them
      const common = await planListing(store, "run", narrowing("run", ["*"]), undefined, 20);
      expect(common.plan).toBe("scan");
      expect(common.candidates?.from).toBe("tag");
      expect((await planListing(store, "run", narrowing("run", ["color=green"]), undefined, 20)).plan).toBe("index");
      expect((await planListing(store, "run", narrowing("run", ["*"]), "-metrics.loss", 20)).plan).toBe("index");
      const where = await planListing(store, "run", narrowing("run", [], "config.lr > 0 and status == completed"), undefined, 20);
      expect(where).toMatchObject({ plan: "scan", candidates: { from: "where" } });
    });

    it.each([
      [["*"], undefined],
      [["*", "color=*"], undefined],
      [["*"], "status == error"],
      [[], "config.lr > 0"],
      [[], "config.lr > 0 and status == error"],
      [[], "status == completed and config.lr > 0"],
    ] as [string[], string | undefined][])("tags %j, where %s: the page, the exact total and a capped one agree with the full listing", async (tags, where) => {
      const store = new SqliteStore(db);
      const all = await queryRuns(store, tagged(tags, where), undefined, Infinity);
      const page = await queryRuns(store, tagged(tags, where), undefined, 20);
      expect(page.rows).toEqual(all.rows.slice(0, 20));
      expect(page.total).toBe(all.rows.length);
      const listing = await runListing(store, tagged(tags, where), undefined, 20);
      // a capped total is proven from the first candidates when enough of them are rows, and
      // counted in full otherwise (status == error: a few of them are)
      for (const cap of [10, 100, all.rows.length - 1, all.rows.length, all.rows.length + 5]) {
        expect(await listing.count(cap), `cap ${cap}`).toBe(Math.min(all.rows.length, cap + 1));
      }
    });

    it("the group listing walks group_state by start: newest first, sorting only ties", () => {
      const steps = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM group_list ORDER BY started DESC, id DESC LIMIT 20").all() as { detail: string }[]).map((r) => r.detail);
      expect(steps.some((s) => /SCAN s USING INDEX group_state_started/u.test(s)), steps.join(" | ")).toBe(true);
      // groups starting at the same µs are put in id order among themselves; nothing else is sorted
      expect(steps.filter((s) => s.includes("TEMP B-TREE")), steps.join(" | ")).toEqual(["USE TEMP B-TREE FOR LAST TERM OF ORDER BY"]);
    });

    it("groups: a filter most groups pass walks; a page and its totals agree with the full listing", async () => {
      const store = new SqliteStore(db);
      const broad = "members > 0";
      expect((await planListing(store, "group", narrowing("group", [], broad), undefined, 20)).plan).toBe("scan");
      expect((await planListing(store, "group", narrowing("group", ["color=green"]), undefined, 20)).plan).toBe("index");
      for (const f of [tagged([], broad), tagged(["color=green"]), tagged([], "members > 2")]) {
        const all = await queryGroups(store, f, undefined, Infinity);
        expect(all.rows.length).toBeGreaterThan(0);
        const page = await queryGroups(store, f, undefined, 5);
        expect(page.rows).toEqual(all.rows.slice(0, 5));
        expect(page.total).toBe(all.rows.length);
        const listing = await groupListing(store, f, undefined, 5);
        for (const cap of [3, all.rows.length - 1, all.rows.length]) expect(await listing.count(cap)).toBe(Math.min(all.rows.length, cap + 1));
      }
      expect(GROUP_WALK_FROM).toBeLessThan(WALK_FROM);
    });
  });
});
