import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupAttrs, logRunAttrs, writeArchive, writeAttrLog, writeGroup, writeMove, writeRun } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace, loc, type Ws } from "./backends.js";
import { cli, tempDir, us } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const hex = (n: number) => n.toString(16).padStart(8, "0");
const runId = (n: number) => `${hex(n * 0x1111)}-0000-4000-8000-000000000000`;
const ARCHIVE = "9e5a7c1e-0000-4000-8000-00000000a4c1";
const GROUP = "0190847b-0000-4000-8000-000000000001";

describe.each(BACKENDS)("%s", (backend) => {
  let ws: Ws;
  const run = (args: string[]) => cli([...args, ...loc(ws)]);
  const json = <T = Record<string, unknown>>(args: string[]): T[] => {
    const r = run([...args, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as T[];
  };
  const ids = (args: string[]) => json<{ id: string }>(["query", "--all", ...args]).map((r) => r.id);

  // 25 completed `train` runs started an hour apart (run 1 the oldest), one `eval` error run,
  // one trashed run, one archived run, a group of runs 1-3.
  beforeAll(async () => {
    ws = await backendWorkspace(backend, mkdtempSync(join(tmpdir(), "catalog-cli-")));
    for (let n = 1; n <= 25; n++) {
      const started = us("2024-06-01T00:00:00Z") + n * 3600e6;
      writeRun(ws.runsDir, { id: runId(n), opref: { ns: "proj", name: "train" }, staged: started - 1e6, started, stopped: started + 60e6, exit: 0, zip: n % 2 === 0 });
      logRunAttrs(ws.runsDir, runId(n), "alice", { label: `run ${n}`, [`tag:n=${n}`]: "", ...(n % 5 === 0 ? { "tag:five": "" } : {}) }, [], MS);
    }
    const e = runId(26);
    writeRun(ws.runsDir, { id: e, opref: { ns: "proj", name: "eval", version: "3" }, staged: us("2024-06-03T00:00:00Z"), started: us("2024-06-03T00:00:01Z"), stopped: us("2024-06-03T00:00:02Z"), exit: 2 });
    logRunAttrs(ws.runsDir, e, "bob", { label: "Broken, \"quoted\" eval", "tag:five": "" }, [], MS);
    writeRun(ws.runsDir, { id: runId(27), opref: { ns: "proj", name: "train" }, initialized: us("2024-06-04T00:00:00Z") });
    writeMove(ws.runsDir, runId(27), "trash", MS);
    writeRun(ws.runsDir, { id: runId(28), opref: { ns: "proj", name: "train" }, initialized: us("2024-06-04T00:00:00Z") });
    writeArchive(ws.runsDir, ARCHIVE, "old-stuff", 1718000000, MS);
    writeMove(ws.runsDir, runId(28), ARCHIVE, MS);
    const g = writeGroup(ws.runsDir, GROUP);
    writeAttrLog(g, { author: "alice", set: groupAttrs({ label: "first three", tags: ["color=green"], runs: [runId(1), runId(2), runId(3)] }) }, MS);
    expect(run(["index"]).status).toBe(0);
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  describe("catalog query", () => {
    it("prints a table of 20 newest runs by default, with Gage's columns", () => {
      const r = run(["query", "--no-refresh"]);
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^#\s+name\s+operation\s+started\s+status\s+label$/u);
      expect(lines).toHaveLength(1 + 20 + 1);
      expect(lines[1]).toMatch(/^1\s+\w{5}\s+eval v3\s+\d+ (year|month)s? ago\s+error\s+Broken, "quoted" eval$/u);
      expect(lines[2]).toMatch(/^2\s+\w{5}\s+train\s+\d+ (year|month)s? ago\s+completed\s+run 25$/u);
      expect(lines[21]).toBe("Showing 20 of 26 runs (use --all or --limit)");
    });

    it("json, jsonl and csv carry the same runs", () => {
      const all = json(["query", "--all"]);
      expect(all).toHaveLength(26);
      const jsonl = run(["query", "--all", "--format", "jsonl"]).stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as unknown);
      expect(jsonl).toEqual(all);
      const csv = run(["query", "--all", "--format", "csv"]).stdout;
      const rows = csv.trimEnd().split("\r\n");
      expect(rows[0]).toBe("#,name,operation,started,status,label,id");
      expect(rows).toHaveLength(27);
      expect(csv).toContain(`"Broken, ""quoted"" eval",${runId(26)}`);
    });

    it("filters AND together", () => {
      expect(ids(["--tag", "five"]).sort()).toEqual([5, 10, 15, 20, 25, 26].map(runId).sort());
      expect(ids(["--tag", "five", "--op", "train"]).sort()).toEqual([5, 10, 15, 20, 25].map(runId).sort());
      expect(ids(["--tag", "five", "--tag", "n=10"])).toEqual([runId(10)]);
      expect(ids(["--tag", "n=1*"]).sort()).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(runId).sort());
      expect(ids(["--status", "error"])).toEqual([runId(26)]);
      expect(ids(["--op", "proj:eval"])).toEqual([runId(26)]);
      expect(ids(["--label", "run 2"]).sort()).toEqual([2, 20, 21, 22, 23, 24, 25].map(runId).sort());
      expect(ids(["--label", "RUN 2"])).toEqual([]);
      expect(ids(["--since", "2024-06-01T20:30:00Z", "--until", "2024-06-01T23:30:00Z"])).toEqual([23, 22, 21].map(runId));
      expect(ids(["--in-group", GROUP.slice(0, 10)])).toEqual([3, 2, 1].map(runId));
      expect(ids(["--deleted"])).toEqual([runId(27)]);
      expect(ids(["--archive", "old-stuff"])).toEqual([runId(28)]);
    });

    it("sorts and limits", () => {
      expect(json(["query", "--limit", "3"]).map((r) => r["id"])).toEqual([26, 25, 24].map(runId));
      expect(json(["query", "--limit", "2", "--sort", "started"]).map((r) => r["id"])).toEqual([1, 2].map(runId));
      expect(json(["query", "--limit", "2", "--sort", "-label"]).map((r) => r["label"])).toEqual(["run 9", "run 8"]);
      expect(json(["query", "--limit", "1", "--sort=-started"]).map((r) => r["id"])).toEqual([runId(26)]);
    });

    it("lists groups with --groups", () => {
      const groups = json(["query", "--groups"]);
      expect(groups).toEqual([
        expect.objectContaining({ id: GROUP, operation: "train", status: "completed", label: "first three", members: [1, 2, 3].map(runId) }),
      ]);
      const table = run(["query", "--groups", "--tag", "color=green"]).stdout;
      expect(table).toMatch(/^1\s+\w{5}\s+train\s+.*completed\s+first three$/mu);
    });
  });

  describe("catalog show", () => {
    it("finds a run by id prefix or name prefix and a group by id", () => {
      const [r] = json<{ id: string; name: string }>(["query", "--limit", "1"]);
      const byName = run(["show", r!.name.slice(0, 8)]);
      expect(byName.status).toBe(0);
      expect(byName.stdout).toContain(`run:`);
      expect(byName.stdout).toContain(r!.id);
      const asJson = JSON.parse(run(["show", r!.id.slice(0, 6), "--format", "json"]).stdout) as { id: string };
      expect(asJson.id).toBe(r!.id);
      const g = run(["show", GROUP]);
      expect(g.stdout).toMatch(/^group:\s+0190847b/mu);
      expect(g.stdout).toContain("first three");
    });
  });

  describe("errors", () => {
    it("are one line on stderr with exit 1, or 2 for usage", () => {
      const notFound = run(["show", "zzzz"]);
      expect(notFound.status).toBe(1);
      expect(notFound.stderr).toBe('catalog: no run or group matches "zzzz"; `catalog query` lists them with their numbers\n');
      const ambiguous = run(["show", "0"]);
      expect(ambiguous.status).toBe(1);
      const [first, header, ...candidates] = ambiguous.stderr.trimEnd().split("\n");
      expect(first).toBe('catalog: "0" matches 26 runs; give its number or more of its id');
      expect(header).toMatch(/^ {2}#\s+name\s+id\s+operation\s+started$/u);
      expect(candidates).toHaveLength(11); // ten candidates, then "… and 16 more"
      expect(candidates[0]).toMatch(new RegExp(`^ {2}1\\s+\\w{5}-\\w{5}\\s+${runId(26)}\\s+eval\\s+2024-06-0\\d \\d\\d:\\d\\d$`, "u"));
      expect(candidates[10]).toBe("  … and 16 more");
      const badStatus = run(["query", "--status", "done"]);
      expect(badStatus.status).toBe(2);
      expect(badStatus.stderr.split("\n")).toHaveLength(2);
      const unknown = run(["query", "--colour", "x"]);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toBe("catalog: unknown option --colour for catalog query; see `catalog query --help`\n");
      const badSort = run(["query", "--sort", "colour"]);
      expect(badSort.status).toBe(2);
    });
  });
});

// A SQLite index is a file: --db naming none that exists.
describe("sqlite: errors", () => {
  it("a query of a --db file that does not exist says to index first", () => {
    const runsDir = join(tempDir(), "runs");
    mkdirSync(runsDir);
    const noDb = cli(["query", "--no-refresh", "--db", join(tmpdir(), "nope", "x.sqlite"), "--runs-dir", runsDir]);
    expect(noDb.status).toBe(1);
    expect(noDb.stderr).toMatch(/^catalog: no index at .*; run `catalog index` first\n$/u);
  });
});
