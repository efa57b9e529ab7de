import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PyJson } from "../src/fixtures/gage-writer.js";
import type { QueryFilter } from "../src/query/filters.js";
import { queryGroups } from "../src/query/groups.js";
import { queryRuns } from "../src/query/runs.js";
import type { Store } from "../src/store/store.js";
import { whereClause, WhereSyntaxError } from "../src/query/where/index.js";
import { BACKENDS, backendWorkspace, checksum, indexWs, storeOf } from "./backends.js";
import { flat, writeWhereCorpus, type ModelGroup, type ModelRun } from "./where-corpus.js";

// One generated runs dir, indexed into a database of each backend.
const dir = mkdtempSync(join(tmpdir(), "catalog-where-"));
const runsDir = join(dir, "runs");
const corpus = writeWhereCorpus(runsDir, 160, 11, Date.now());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filter = (where: string): QueryFilter => ({ tags: [], statuses: [], containers: ["active"], where });

// The model's reading of a value, typed as listings compare them.
const num = (v: PyJson | undefined) => (typeof v === "number" ? v : undefined);
const text = (v: PyJson | undefined) => (typeof v === "string" ? v : typeof v === "boolean" ? String(v) : undefined);
const present = (v: PyJson | undefined) => v !== undefined && v !== null;
const eq = (v: PyJson | undefined, c: number | string) => (typeof c === "number" ? num(v) === c : text(v) === c);
const ne = (v: PyJson | undefined, c: number | string) => present(v) && !eq(v, c);
const cmp = (v: PyJson | undefined, test: (x: number) => boolean) => num(v) !== undefined && test(num(v)!);
const cfg = (r: ModelRun, k: string) => r.config[k];
const met = (r: ModelRun, k: string) => flat(r.metrics[k]);
const att = (r: ModelRun, k: string) => flat(r.attributes[k]);
const usr = (r: ModelRun, k: string) => r.attrs[k];
/** a bare name: the first of config, metrics, attributes, attrs with a value */
const bare = (r: ModelRun, k: string) => [cfg(r, k), met(r, k), att(r, k), usr(r, k)].find(present);
const full = (r: ModelRun) => `${r.opNs}:${r.opName}`;
const gageText = (r: ModelRun, s: string) => r.opName === s || r.status === s || (r.label ?? "").includes(s);

const pad = (n: number) => String(n).padStart(2, "0");
const ref = corpus.runs.filter((r) => r.started !== null)[60]!;
const refDate = new Date(ref.started! / 1000);
const localDate = `${refDate.getFullYear()}-${pad(refDate.getMonth() + 1)}-${pad(refDate.getDate())}`;
const localMidnightUs = new Date(refDate.getFullYear(), refDate.getMonth(), refDate.getDate()).getTime() * 1000;
const localMinute = `${localDate}T${pad(refDate.getHours())}:${pad(refDate.getMinutes())}`;
const localMinuteUs = new Date(refDate.getFullYear(), refDate.getMonth(), refDate.getDate(), refDate.getHours(), refDate.getMinutes()).getTime() * 1000;
const utcSecond = `${new Date(ref.started! / 1000).toISOString().slice(0, 19)}Z`;
const utcSecondUs = Date.parse(utcSecond) * 1000;
const nowUs = () => Date.now() * 1000;
const todayUs = () => new Date(new Date().setHours(0, 0, 0, 0)).getTime() * 1000;
const someLabel = corpus.runs.find((r) => r.label?.startsWith("run ") && r.container === "active")!.label!;
const someId = corpus.runs.filter((r) => r.container === "active")[42]!.id;
const [g0, g1] = corpus.groups as [ModelGroup, ModelGroup, ModelGroup];

type Case = readonly [expression: string, expected: (r: ModelRun) => boolean, expect?: "all" | "none"];

const RUN_CASES: readonly Case[] = [
  // metrics, with {value} objects flattened, arithmetic and name-vs-name comparisons
  ["metrics.loss < 0.2", (r) => cmp(met(r, "loss"), (x) => x < 0.2)],
  ["metrics.loss >= 0.5", (r) => cmp(met(r, "loss"), (x) => x >= 0.5)],
  ["summary.loss <= 0.3", (r) => cmp(met(r, "loss"), (x) => x <= 0.3)],
  ["metrics.acc > 0.8", (r) => cmp(met(r, "acc"), (x) => x > 0.8)],
  ["metrics.loss < metrics.val_loss", (r) => cmp(met(r, "loss"), (x) => cmp(met(r, "val_loss"), (y) => x < y))],
  ["metrics.loss * 2 > 1", (r) => cmp(met(r, "loss"), (x) => x * 2 > 1)],
  ["metrics.loss + 0.5 >= 1", (r) => cmp(met(r, "loss"), (x) => x + 0.5 >= 1)],
  ["-metrics.loss < -0.5", (r) => cmp(met(r, "loss"), (x) => -x < -0.5)],
  ["metrics.loss ** 2 < 0.04", (r) => cmp(met(r, "loss"), (x) => x ** 2 < 0.04)],
  ["metrics.loss / 0 < 1", () => false, "none"],
  ["metrics.step >= 1e3", (r) => cmp(met(r, "step"), (x) => x >= 1000)],
  ["metrics.loss < 0.2 or tags contains color=green", (r) => cmp(met(r, "loss"), (x) => x < 0.2) || r.tags.includes("color=green")],
  // config: numbers as numbers, strings as strings, booleans as true/false
  ["config.lr == 0.001", (r) => eq(cfg(r, "lr"), 0.001)],
  ["config.lr in [0.001, 0.01]", (r) => eq(cfg(r, "lr"), 0.001) || eq(cfg(r, "lr"), 0.01)],
  ["config.lr not-in [0.001]", (r) => ne(cfg(r, "lr"), 0.001)],
  ["config.lr == '0.001'", (r) => eq(cfg(r, "lr"), "0.001")],
  ["config.lr > 0 and config.lr < 1e-2", (r) => cmp(cfg(r, "lr"), (x) => x > 0 && x < 0.01)],
  ["config.optimizer == adam", (r) => eq(cfg(r, "optimizer"), "adam")],
  ["config.optimizer != adam", (r) => ne(cfg(r, "optimizer"), "adam")],
  ["not config.optimizer == adam", (r) => ne(cfg(r, "optimizer"), "adam")],
  ["config.optimizer in [adam, sgd]", (r) => eq(cfg(r, "optimizer"), "adam") || eq(cfg(r, "optimizer"), "sgd")],
  ["config.optimizer =~ '^adam'", (r) => /^adam/u.test(text(cfg(r, "optimizer")) ?? "")],
  ["config.optimizer !~ '^adam'", (r) => present(cfg(r, "optimizer")) && !/^adam/u.test(text(cfg(r, "optimizer")) ?? "")],
  ["config.optimizer contains dam", (r) => (text(cfg(r, "optimizer")) ?? "").includes("dam")],
  ["config.epochs >= 10 and config.epochs < 20", (r) => cmp(cfg(r, "epochs"), (x) => x >= 10 && x < 20)],
  ["config.epochs in [1 2 3]", (r) => [1, 2, 3].some((c) => eq(cfg(r, "epochs"), c))],
  ["config.shuffle == true", (r) => cfg(r, "shuffle") === true],
  ["config.shuffle == false", (r) => cfg(r, "shuffle") === false],
  ["config.warmup == 100", (r) => eq(cfg(r, "warmup"), 100)],
  ["config.warmup != 100", (r) => ne(cfg(r, "warmup"), 100)],
  ["config.model.name == resnet50", (r) => eq(cfg(r, "model.name"), "resnet50")],
  ['config."model.name" in [resnet18, vit-b16]', (r) => eq(cfg(r, "model.name"), "resnet18") || eq(cfg(r, "model.name"), "vit-b16")],
  ['config."a b" == 1', (r) => eq(cfg(r, "a b"), 1)],
  ["config.x'y == 2", (r) => eq(cfg(r, "x'y"), 2)],
  ["config.a]b == 3", (r) => eq(cfg(r, "a]b"), 3)],
  // bare names, attributes, user attributes
  ["lr < 0.005", (r) => cmp(bare(r, "lr"), (x) => x < 0.005)],
  ["loss < 0.2", (r) => cmp(bare(r, "loss"), (x) => x < 0.2)],
  ["priority > 2", (r) => cmp(bare(r, "priority"), (x) => x > 2)],
  ["attrs.priority >= 3", (r) => cmp(usr(r, "priority"), (x) => x >= 3)],
  ["attrs.owner == alice", (r) => eq(usr(r, "owner"), "alice")],
  ["attrs.owner != alice", (r) => ne(usr(r, "owner"), "alice")],
  ["attributes.framework == torch", (r) => eq(att(r, "framework"), "torch")],
  ["attributes.gpu != A100", (r) => ne(att(r, "gpu"), "A100")],
  // tags
  ["tags contains color=green", (r) => r.tags.includes("color=green")],
  ["'color=red' in tags", (r) => r.tags.includes("color=red")],
  ["color=blue not-in tags", (r) => !r.tags.includes("color=blue")],
  ["not tags contains baseline", (r) => !r.tags.includes("baseline")],
  ["tags contains 'color=*'", (r) => r.tags.some((t) => t.startsWith("color="))],
  ["tags =~ '^team='", (r) => r.tags.some((t) => /^team=/u.test(t))],
  ["tags !~ '^team='", (r) => !r.tags.some((t) => /^team=/u.test(t))],
  // status, operation, version, exit code
  ["status == completed", (r) => r.status === "completed"],
  ["status in [error, terminated]", (r) => r.status === "error" || r.status === "terminated"],
  ["status != completed", (r) => r.status !== "completed"],
  ["status not-in [completed, error]", (r) => r.status !== "completed" && r.status !== "error"],
  ["status == running", (r) => r.status === "running"],
  ["operation == train", (r) => r.opName === "train"],
  ["operation == vision:train", (r) => full(r) === "vision:train"],
  ["operation != train", (r) => r.opName !== "train"],
  ["operation in [eval, proj:prepare]", (r) => ["eval", "proj:prepare"].some((o) => r.opName === o || full(r) === o)],
  ["operation =~ '^vision:'", (r) => /^vision:/u.test(r.opName) || /^vision:/u.test(full(r))],
  ["operation !~ '^vision:'", (r) => !/^vision:/u.test(r.opName) && !/^vision:/u.test(full(r))],
  ["version == 2", (r) => r.version === "2"],
  ["exit_code != 0", (r) => r.exitCode !== null && r.exitCode !== 0],
  ["exit_code < 0", (r) => r.exitCode !== null && r.exitCode < 0],
  // times: dates (local unless zoned), (now), (today), durations
  [`started >= ${localDate}`, (r) => r.started !== null && r.started >= localMidnightUs],
  [`started <= ${localMinute}`, (r) => r.started !== null && r.started <= localMinuteUs],
  [`timestamp >= ${utcSecond}`, (r) => r.timestamp !== null && r.timestamp >= utcSecondUs],
  ["started > (now) - 2d", (r) => r.started !== null && r.started > nowUs() - 2 * 86400e6],
  ["started < (today)", (r) => r.started !== null && r.started < todayUs()],
  ["stopped - started > 30m", (r) => r.started !== null && r.stopped !== null && r.stopped - r.started > 30 * 60e6],
  // label, id
  ["label contains sweep", (r) => (r.label ?? "").includes("sweep")],
  [`label == '${someLabel}'`, (r) => r.label === someLabel],
  ["label =~ '^run [0-9] '", (r) => /^run [0-9] /u.test(r.label ?? "")],
  [`label != '${someLabel}'`, (r) => r.label !== null && r.label !== someLabel],
  [`id == ${someId}`, (r) => r.id === someId],
  ["id =~ '^[0-7]'", (r) => /^[0-7]/u.test(r.id)],
  // Gage's own meaning of a text with no operator, and text standing alone in a condition
  ["train", (r) => gageText(r, "train")],
  ["quick test", (r) => gageText(r, "quick test")],
  ["'long run'", (r) => gageText(r, "long run")],
  ["train or eval", (r) => gageText(r, "train") || gageText(r, "eval")],
  ["not train", (r) => !gageText(r, "train")],
  // combinations
  ["(status == completed or status == error) and metrics.loss < 0.5", (r) => (r.status === "completed" || r.status === "error") && cmp(met(r, "loss"), (x) => x < 0.5)],
  ["not (status == completed and metrics.loss < 0.5)", (r) => r.status !== "completed" || cmp(met(r, "loss"), (x) => x >= 0.5)],
  ["exit_code == 0 and tags contains prod", (r) => r.exitCode === 0 && r.tags.includes("prod")],
  ["1 < 2", () => true, "all"],
  ["1 > 2", () => false, "none"],
  // groups listing a run
  [`groups contains ${g0.id}`, (r) => r.groups.includes(g0.id)],
  [`groups contains '${g1.id.slice(0, 8)}*'`, (r) => r.groups.includes(g1.id)],
  [`not groups contains ${g0.id}`, (r) => !r.groups.includes(g0.id)],
];

const active = corpus.runs.filter((r) => r.container === "active");
const activeMembers = (g: ModelGroup) => corpus.runs.filter((r) => g.members.includes(r.id) && r.container === "active");
type GroupCase = readonly [expression: string, expected: (g: ModelGroup) => boolean];
const GROUP_CASES: readonly GroupCase[] = [
  ["members >= 4", (g) => activeMembers(g).length >= 4],
  ["tags contains color=green", (g) => g.tags.includes("color=green")],
  ["attrs.owner == bob", (g) => g.attrs["owner"] === "bob"],
  ["owner == alice", (g) => g.attrs["owner"] === "alice"],
  ["label == 'group 2'", (g) => g.label === "group 2"],
  ["ops contains eval", (g) => activeMembers(g).some((r) => r.opName === "eval")],
  ["not ops contains eval", (g) => !activeMembers(g).some((r) => r.opName === "eval")],
];

describe.each(BACKENDS)("%s", (backend) => {
  let store: Store;
  beforeAll(async () => {
    const ws = await backendWorkspace(backend, dir);
    await indexWs(ws);
    store = await storeOf(ws);
  });
  afterAll(() => store.close());

  const runIds = async (where: string, sort?: string) => (await queryRuns(store, filter(where), sort, Infinity)).rows.map((r) => r.id);
  const groupIds = async (where: string) => (await queryGroups(store, filter(where), undefined, Infinity)).rows.map((r) => r.id);

  describe("--where over a generated runs dir", () => {
    it("has at least 50 run expressions, and the model gives each a non-trivial answer", async () => {
      expect(RUN_CASES.length).toBeGreaterThanOrEqual(50);
      for (const [expression, expected, extreme] of RUN_CASES) {
        const n = active.filter(expected).length;
        if (extreme === "none") expect(n, expression).toBe(0);
        else if (extreme === "all") expect(n, expression).toBe(active.length);
        else {
          expect(n, `${expression} selects nothing in the model`).toBeGreaterThan(0);
          expect(n, `${expression} selects everything in the model`).toBeLessThan(active.length);
        }
      }
    });

    it.each(RUN_CASES.map(([expression, expected]) => ({ expression, expected })))("runs: $expression", async ({ expression, expected }) => {
      expect((await runIds(expression)).sort()).toEqual(active.filter(expected).map((r) => r.id).sort());
    });

    // The same cases compiled for the scan plan (per-row probes; what a newest-first page uses when
    // many runs match), read without a limit.
    it.each(RUN_CASES.map(([expression, expected]) => ({ expression, expected })))("runs, scan plan: $expression", async ({ expression, expected }) => {
      const w = whereClause(expression, "run", { plan: "scan", dialect: store.dialect });
      const c = store.dialect.containers(["active"]);
      const got = (await store.all<{ id: string }>({ sql: `SELECT id FROM run_list WHERE (${c.sql}) AND (${w.sql})`, params: [...c.params, ...w.params] })).map((r) => r.id);
      expect(got.sort()).toEqual(active.filter(expected).map((r) => r.id).sort());
    });

    it.each(GROUP_CASES)("groups: %s", async (expression, expected) => {
      const want = corpus.groups.filter(expected).map((g) => g.id).sort();
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(corpus.groups.length);
      expect((await groupIds(expression)).sort()).toEqual(want);
    });

    it("ANDs with the other filters and counts the matches", async () => {
      const page = await queryRuns(store, { ...filter("metrics.loss < 0.5"), statuses: ["completed"] }, undefined, 3);
      const want = active.filter((r) => r.status === "completed" && cmp(met(r, "loss"), (x) => x < 0.5));
      expect(page.rows).toHaveLength(3);
      expect(page.total).toBe(want.length);
      expect(page.rows.map((r) => r.id)).toEqual([...want].sort((a, b) => b.timestamp! - a.timestamp!).slice(0, 3).map((r) => r.id));
    });

    it("an empty expression is no filter", async () => {
      expect((await runIds("")).sort()).toEqual(active.map((r) => r.id).sort());
    });

    it("the total of a page: from run_counts without filters, counted with any (an empty --label too)", async () => {
      expect((await queryRuns(store, filter(""), undefined, 2)).total).toBe(active.length);
      expect((await queryRuns(store, { ...filter(""), containers: ["trash"] }, undefined, 2)).total).toBe(corpus.runs.filter((r) => r.container === "trash").length);
      expect((await queryRuns(store, { ...filter(""), label: "" }, undefined, 2)).total).toBe(active.filter((r) => r.label !== null).length);
      expect(active.some((r) => r.label === null)).toBe(true);
    });
  });

  describe("--sort by any name", () => {
    const byLoss = (desc: boolean) => {
      const withLoss = active.filter((r) => num(met(r, "loss")) !== undefined);
      const without = active.filter((r) => num(met(r, "loss")) === undefined);
      const dir = desc ? -1 : 1;
      const idOrder = (a: ModelRun, b: ModelRun) => dir * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      withLoss.sort((a, b) => dir * (num(met(a, "loss"))! - num(met(b, "loss"))!) || idOrder(a, b));
      without.sort(idOrder);
      return [...withLoss, ...without].map((r) => r.id);
    };

    it("orders by a metric, runs without it last in both directions, ties by id", async () => {
      expect(active.some((r) => num(met(r, "loss")) === undefined)).toBe(true);
      expect(await runIds("", "metrics.loss")).toEqual(byLoss(false));
      expect(await runIds("", "-metrics.loss")).toEqual(byLoss(true));
    });

    it("orders by a config value: numbers first, then text", async () => {
      const got = await runIds("config.lr != 99", "config.lr");
      const values = got.map((id) => cfg(corpus.runs.find((r) => r.id === id)!, "lr"));
      const firstText = values.findIndex((v) => typeof v === "string");
      expect(firstText).toBeGreaterThan(0);
      expect(values.slice(firstText).every((v) => typeof v === "string")).toBe(true);
      const numbers = values.slice(0, firstText) as number[];
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    });

    it("refuses sets, bare unknown names and non-names", async () => {
      await expect(queryRuns(store, filter(""), "tags", 5)).rejects.toThrow(/cannot sort by "tags": it is a set/u);
      await expect(queryRuns(store, filter(""), "colour", 5)).rejects.toThrow(/cannot sort by "colour"/u);
      await expect(queryRuns(store, filter(""), "a b", 5)).rejects.toThrow(/not a name/u);
      expect((await queryGroups(store, filter(""), "-members", 5)).rows.map((g) => g.id)).toEqual(
        [...corpus.groups].sort((a, b) => activeMembers(b).length - activeMembers(a).length || (a.id < b.id ? 1 : -1)).map((g) => g.id),
      );
    });
  });

  describe("user text never becomes SQL", () => {
    const attempts = [
      `label == "x' OR 1=1 --"`,
      `label == 'x" OR 1=1 --'`,
      `label contains "'); DROP TABLE runs; --"`,
      `config."x'y; DROP TABLE runs; --" == 1`,
      `config.x'y == "1' OR '1'='1"`,
      `metrics.a]b < 1`,
      `metrics.a]b; == 1`,
      `attrs."k'); DELETE FROM runs; --" == 1`,
      `tags contains "x') OR 1=1 --"`,
      `"x' OR 1=1 --" in tags`,
      `groups contains "') OR 1=1 --"`,
      `status in ["completed') OR 1=1 --", "x;"]`,
      `label =~ "x'\\) OR 1=1 --"`,
    ];
    const refused = [`label =~ "') OR 1=1 --"`, `x'y; DROP TABLE runs == 1`, `label == 'a'; DROP TABLE runs; --'`, `label == 1; DELETE FROM runs`];

    it.each(attempts)("%s returns no rows and changes nothing", async (expression) => {
      const before = await checksum(store);
      expect(await runIds(expression)).toEqual([]);
      expect(await checksum(store)).toBe(before);
    });

    it.each(refused)("%s is a syntax error and changes nothing", async (expression) => {
      const before = await checksum(store);
      await expect(runIds(expression)).rejects.toThrow(WhereSyntaxError);
      expect(await checksum(store)).toBe(before);
    });

    it("a key or a value with quotes is a bound parameter, not SQL", async () => {
      const c = whereClause(`config."a'b" == "c'd" and attrs.x;y != 'e"f'`, "run", { dialect: store.dialect });
      expect(c.params).toEqual(expect.arrayContaining(["config", "a'b", "c'd", "x;y", 'e"f']));
      expect(c.sql).not.toMatch(/a'b|c'd|x;y|e"f/u);
    });

    it("names with quotes and semicolons also sort without effect", async () => {
      const before = await checksum(store);
      expect(await runIds("", `config."x'); DROP TABLE runs; --"`)).toHaveLength(active.length);
      expect(await checksum(store)).toBe(before);
    });
  });

  describe("syntax errors point at the bad spot", () => {
    const errors: readonly (readonly [string, number, RegExp])[] = [
      ["status ==", 9, /expected a value, found the end/u],
      ["status = completed", 7, /use == to compare/u],
      ["(status == completed", 20, /expected \) to close the \( at column 1/u],
      ["status == completed)", 19, /unbalanced \)/u],
      ["started >= 2024-02-30", 11, /impossible date 2024-02-30/u],
      ["started >= 2023-13-01", 11, /no month 13/u],
      ["started >= 2024-06-01T24:00", 11, /not a time of day/u],
      ["label == 'abc", 9, /unterminated string/u],
      ["x =~ '('", 5, /bad regular expression/u],
      ["status in [a, b", 15, /expected \] to close the \[ at column 11/u],
      ["status in [, a]", 11, /expected a list item before ,/u],
      ["tags == x", 0, /tags is a set/u],
      ["started > yesterday", 10, /started is a time/u],
      ["exit_code == abc", 13, /exit_code is a number/u],
      ["status and train", 0, /status is a name/u],
      ["metrics.loss < 0.2 and", 22, /expected a value, found the end/u],
      ["and status == x", 0, /found the keyword and/u],
      ["config.lr + 'a' > 1", 12, /expected a number, found the text "a"/u],
      ['foo."x" == 1', 0, /unknown section "foo"/u],
      ["   ", 0, /empty expression/u],
      ["a == 1 b == 2", 7, /expected and, or or the end, found "b"/u],
      ["[1, 2]", 0, /expected a value, found "\["/u],
      ["label < 1 == 2", 10, /expected and, or or the end/u],
      ["config. == 1", 0, /config\. needs a key/u],
      ["status == completed and (metrics.loss <)", 39, /expected a value, found "\)"/u],
    ];

    it.each(errors)("%s: column %i", async (expression, column, reason) => {
      let error: unknown;
      try {
        await runIds(expression);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WhereSyntaxError);
      const e = error as WhereSyntaxError;
      expect(e.expression).toBe(expression);
      expect(e.column).toBe(column);
      expect(e.reason).toMatch(reason);
      const [line, caret] = e.render().split("\n");
      expect(e.render().split("\n")).toHaveLength(2);
      expect(line).toBe(expression);
      expect(caret).toBe(`${" ".repeat(column)}^ ${e.reason}`);
    });

    it("groups have no config or metrics", async () => {
      await expect(groupIds("config.lr > 1")).rejects.toThrow(/groups have no config/u);
      await expect(groupIds("metrics.loss > 1")).rejects.toThrow(/groups have no metrics/u);
    });
  });
});
