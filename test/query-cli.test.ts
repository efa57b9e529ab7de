/**
 * `--where`, `--columns` and `--sort` by name through the CLI (issue 8): the library is tested
 * in where.test.ts; here, what a user types and sees, against the generator's own model.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAttrLog, writeGroup, groupAttrs, writeRun } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace, freshDb, loc as locOf, type Ws } from "./backends.js";
import { absentDb } from "./backends-c.js";
import { BIN, cli, finishedRun, us, type CliResult } from "./helpers.js";
import { writeWhereCorpus, type WhereCorpus } from "./where-corpus.js";

const NOW = Date.now();

function ok(r: CliResult): string {
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}
const sorted = (xs: readonly string[]) => [...xs].sort();

describe.each(BACKENDS)("%s", (backend) => {
  let dir: string;
  let ws: Ws;
  let corpus: WhereCorpus;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "catalog-query-cli-"));
    ws = await backendWorkspace(backend, dir);
    corpus = writeWhereCorpus(ws.runsDir, 120, 42, NOW);
    expect(cli(["index", ...loc()]).status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const loc = () => locOf(ws);
  const ids = (args: string[]) => (JSON.parse(ok(cli(["query", "--all", "--format", "json", "--no-refresh", ...args, ...loc()]))) as { id: string }[]).map((r) => r.id);
  const active = () => corpus.runs.filter((r) => r.container === "active");

  describe("--where through the CLI", () => {
    it("filters runs and groups, numbers after filtering, and show takes the same numbers", () => {
      const want = active()
        .filter((r) => typeof r.config["lr"] === "number" && (r.config["lr"] as number) < 0.003)
        .sort((a, b) => (b.timestamp ?? -Infinity) - (a.timestamp ?? -Infinity) || (a.id < b.id ? 1 : -1))
        .map((r) => r.id);
      expect(want.length).toBeGreaterThan(5);
      expect(ids(["--where", "config.lr < 0.003"])).toEqual(want);
      expect(ids(["-w", "config.lr < 0.003", "2:3"])).toEqual(want.slice(1, 3));
      const shown = JSON.parse(ok(cli(["show", "3", "-w", "config.lr < 0.003", "--format", "json", "--no-refresh", ...loc()]))) as { id: string };
      expect(shown.id).toBe(want[2]);
      const green = corpus.groups.filter((g) => g.tags.includes("color=green")).map((g) => g.id);
      expect(sorted(ids(["-g", "-w", "tags contains color=green"]))).toEqual(sorted(green));
    });

    it("every filter flag has a --where of the same meaning", () => {
      const group = corpus.groups[0]!.id;
      const pairs: [string[], string][] = [
        [["--tag", "color=green"], "tags contains color=green"],
        [["--tag", "color=green", "--tag", "baseline"], "tags contains color=green and tags contains baseline"],
        [["--status", "error", "--status", "terminated"], "status in [error terminated]"],
        [["--op", "train"], "operation == train"],
        [["--op", "vision:train"], "operation == vision:train"],
        [["--label", "sweep"], "label =~ sweep"],
        // --since/--until read Gage's timestamp: started, else staged, else initialized
        [["--since", "2d"], "timestamp >= (now) - 2d"],
        [["--until", "1d"], "timestamp <= (now) - 1d"],
        [["--in-group", group], `groups contains ${group}`],
      ];
      for (const [flags, where] of pairs) {
        const byFlags = sorted(ids(flags));
        expect(byFlags.length, flags.join(" ")).toBeGreaterThan(0);
        expect(sorted(ids(["--where", where])), where).toEqual(byFlags);
      }
    });

    it("a syntax error prints the expression with a caret under the bad spot, exit 2, before any file is read", () => {
      const r = cli(["query", "--where", "config.lr < 0.01 and (status == error", "--runs-dir", join(dir, "no-such"), "--db", absentDb(ws)]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        "catalog: --where: expected ) to close the ( at column 22, found the end (column 38)\nconfig.lr < 0.01 and (status == error\n                                     ^ expected ) to close the ( at column 22, found the end\n",
      );
      const bad = cli(["query", "--columns", "name,,config.lr", ...loc()]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.split("\n")).toEqual(["catalog: --columns: expected a column name (column 6)", "name,,config.lr", "     ^ expected a column name", ""]);
    });

    it("injection attempts are data: nothing matches, nothing changes", () => {
      for (const where of [`label == "x' OR 1=1 --"`, `config."a'; DROP TABLE runs; --" == 1`, "metrics.a]b > 0", `attrs."k') OR ('1'='1" == x`]) {
        expect(ids(["--where", where]), where).toEqual([]);
      }
      expect(ids([]).length).toBe(active().length);
    });
  });

  describe("--sort and --columns", () => {
    it("sorts by a metric, missing values last either way", () => {
      const loss = (r: (typeof corpus.runs)[number]) => {
        const v = r.metrics["loss"];
        return typeof v === "number" ? v : typeof v === "object" && v !== null && "value" in v && typeof v.value === "number" ? v.value : null;
      };
      const withLoss = active().filter((r) => loss(r) !== null);
      const got = ids(["--sort", "-metrics.loss"]);
      expect(got.slice(0, withLoss.length).map((id) => loss(corpus.runs.find((r) => r.id === id)!))).toEqual(withLoss.map(loss).sort((a, b) => b! - a!));
      expect(got.slice(withLoss.length).every((id) => loss(corpus.runs.find((r) => r.id === id)!) === null)).toBe(true);
      const asc = ids(["--sort", "metrics.loss"]);
      expect(asc.slice(0, withLoss.length).map((id) => loss(corpus.runs.find((r) => r.id === id)!))).toEqual(withLoss.map(loss).sort((a, b) => a! - b!));
    });

    it("CSV headed by the names as given, numbers as numbers; JSONL keyed the same; the table numbered", () => {
      const csv = ok(cli(["query", "-n", "3", "--columns", "name,operation,config.lr,metrics.loss,started,tags", "--format", "csv", "--no-refresh", ...loc()]));
      const lines = csv.trimEnd().split("\r\n");
      expect(lines[0]).toBe("name,operation,config.lr,metrics.loss,started,tags");
      expect(lines).toHaveLength(4);
      const newest = ids([]).slice(0, 3).map((id) => corpus.runs.find((r) => r.id === id)!);
      lines.slice(1).forEach((line, i) => {
        const r = newest[i]!;
        const lr = r.config["lr"];
        expect(line.startsWith(`${/^[a-z]{5}-[a-z]{5}/u.exec(line)![0]},${r.opName},${typeof lr === "number" ? String(lr) : ""},`)).toBe(true);
        expect(line).toMatch(/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z,|,,/u);
      });
      const jsonl = ok(cli(["query", "-n", "2", "--columns", "config.lr,tags", "--format", "jsonl", "--no-refresh", ...loc()])).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(jsonl.map((o) => Object.keys(o))).toEqual([["config.lr", "tags"], ["config.lr", "tags"]]);
      expect(jsonl.map((o) => o["tags"])).toEqual(newest.slice(0, 2).map((r) => [...r.tags].sort()));
      const table = ok(cli(["query", "2:3", "--columns", "name,config.optimizer", "--no-refresh", ...loc()])).trimEnd().split("\n");
      expect(table[0]).toMatch(/^#\s+name\s+config\.optimizer$/u);
      expect(table[1]).toMatch(new RegExp(`^2\\s+\\w{5}-\\w{5}\\s+${newest[1]!.config["optimizer"] ?? ""}$`, "u"));
    });

    it("--columns auto on a sweep shows exactly the config that varies, and every metric", async () => {
      const sweep = join(dir, "sweep");
      const ids3 = ["0190847b-0000-4000-8000-0000000000a1", "0190847b-0000-4000-8000-0000000000a2", "0190847b-0000-4000-8000-0000000000a3"];
      ids3.forEach((id, i) =>
        writeRun(sweep, finishedRun(id, { started: us("2024-06-20T10:00:00Z") + i * 1e6, config: { lr: [0.1, 0.01, 0.001][i]!, batch: 32, seed: i === 2 ? 7 : 1, opt: "adam" }, summary: { metrics: { loss: 0.5 - i / 10, acc: 0.8 }, attributes: { host: "gpu1" } } })),
      );
      writeAttrLog(writeGroup(sweep, "0190847b-0000-4000-8000-0000000000ff"), { author: "a", set: groupAttrs({ runs: ids3 }) }, Date.now());
      const s = locOf({ runsDir: sweep, dbPath: (await freshDb(ws)).dbPath });
      const csv = ok(cli(["query", "--in-group", "1", "--columns", "auto", "--format", "csv", ...s])).trimEnd().split("\r\n");
      expect(csv).toEqual(["config.lr,config.seed,metrics.acc,metrics.loss", "0.001,7,0.8,0.3", "0.01,1,0.8,0.4", "0.1,1,0.8,0.5"]);
    });
  });

  describe("write commands take --where", () => {
    it("group create --where and tag -w select their targets", () => {
      const want = sorted(active().filter((r) => r.config["optimizer"] === "sgd").map((r) => r.id));
      const out = ok(cli(["group", "create", "--where", "config.optimizer == sgd", "--tag", "opt=sgd", ...loc()]));
      const gid = out.trim().split(/ {2}/u)[1]!;
      const g = JSON.parse(ok(cli(["show", "-g", gid, "--format", "json", ...loc()]))) as { members: string[]; tags: string[] };
      expect(sorted(g.members)).toEqual(want);
      expect(g.tags).toEqual(["opt=sgd"]);
      ok(cli(["tag", "-w", "config.optimizer == sgd", "--add", "sgd", "-y", ...loc()]));
      expect(sorted(ids(["--tag", "sgd"]))).toEqual(want);
      // tags made by the command are --where names too
      expect(sorted(ids(["--where", "tags contains sgd and config.optimizer == sgd"]))).toEqual(want);
    });
  });

  describe("a slow refresh on a terminal says the daemon makes it instant", () => {
    it("one line on stderr, only on a terminal", async () => {
      const w = { runsDir: join(dir, "small"), dbPath: (await freshDb(ws)).dbPath };
      writeRun(w.runsDir, finishedRun("0190847b-0000-4000-8000-000000000001"));
      const env = { ...process.env, CATALOG_REFRESH_HINT_MS: "0" };
      const tty = spawnSync("script", ["-qec", `${process.execPath} ${BIN} query --runs-dir ${w.runsDir} --db ${w.dbPath}`, "/dev/null"], { encoding: "utf8", env });
      expect(tty.stdout).toMatch(/catalog: indexing first took \d+\.\d s; `catalog daemon start` keeps the index fresh so queries answer at once/u);
      const pipe = cli(["query", "--runs-dir", w.runsDir, "--db", w.dbPath], { CATALOG_REFRESH_HINT_MS: "0" });
      expect(pipe.stderr).toBe("");
    });
  });
});
