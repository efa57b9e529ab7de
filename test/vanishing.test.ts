import { spawn } from "node:child_process";
import { rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listLog, readListedLog } from "../src/disk/attr-log.js";
import { writeBrokenRunsDir } from "../src/fixtures/broken.js";
import { groupAttrs, logRunAttrs, userDir, writeArchive, writeAttrLog, writeGroup, writeRun } from "../src/fixtures/gage-writer.js";
import { makeFifo } from "../src/fixtures/special-files.js";
import { listUnits } from "../src/index/indexer.js";
import { readUnit, type UnitRead } from "../src/index/unit-read.js";
import { catalog, checkLines, expectCasesListed, expectCasesReported, expectFinished, expectNoSecret, listing } from "./bad-input-helpers.js";
import { ROOT, finishedRun, tempDir, workspace } from "./helpers.js";

const MS = Date.UTC(2024, 5, 20, 12);
const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

describe("files that vanish between listing and reading", () => {
  it("an attr-log entry removed after its dir was listed is simply not there", () => {
    const ws = workspace();
    writeRun(ws.runsDir, finishedRun(id(1)));
    logRunAttrs(ws.runsDir, id(1), "alice", { label: "one" }, [], MS);
    const gone = logRunAttrs(ws.runsDir, id(1), "alice", { label: "two" }, [], MS + 1000);
    const dir = userDir(ws.runsDir, id(1));
    const listed = listLog(dir);
    expect(listed.map((l) => l.name)).toContain(gone);
    unlinkSync(join(dir, gone));
    const log = readListedLog(dir, listed, undefined, ws.runsDir);
    expect(log.issues).toEqual([]);
    expect(log.names).not.toContain(gone);
    expect(log.entries.map((e) => e.set)).toEqual([{ label: "one" }]);
  });

  it("every kind of unit, listed and then removed, reads without throwing", async () => {
    const ws = workspace();
    writeRun(ws.runsDir, finishedRun(id(1)));
    writeRun(ws.runsDir, finishedRun(id(2), { zip: true }));
    writeRun(ws.runsDir, finishedRun(id(3)));
    logRunAttrs(ws.runsDir, id(1), "alice", { label: "one" }, [], MS);
    const g = writeGroup(ws.runsDir, "0190847b-0000-4000-8000-0000000000aa");
    writeAttrLog(g, { author: "alice", set: groupAttrs({ label: "g", runs: [id(1)] }) }, MS);
    writeArchive(ws.runsDir, "0190847b-0000-4000-8000-0000000000bb", "arch", 1, MS);
    const units = listUnits(ws.runsDir);
    expect(units.map((u) => u.kind).sort()).toEqual(["archives", "group", "run", "run", "run", "user"]);

    rmSync(join(ws.runsDir, `${id(1)}.meta`, "config.json"));
    rmSync(join(ws.runsDir, `${id(2)}.meta.zip`));
    rmSync(join(ws.runsDir, `${id(3)}.meta`), { recursive: true });
    rmSync(userDir(ws.runsDir, id(1)), { recursive: true });
    rmSync(join(g, "id"));
    rmSync(join(ws.runsDir, ".archives"), { recursive: true });

    const read = async (fingerprint: boolean): Promise<Map<string, UnitRead>> => {
      const out = new Map<string, UnitRead>();
      for (const u of units) out.set(u.unit, await readUnit(ws.runsDir, { kind: u.kind, key: u.key, entries: u.entries, known: [], fingerprint, filesTime: false }));
      return out;
    };
    const r = await read(false);
    const run = (n: number) => r.get(`run:${id(n)}`) as Extract<UnitRead, { kind: "run" }>;
    expect(run(1).read.value?.config).toEqual({});
    expect(run(1).read.issues).toEqual([]);
    // gone: no row and no error now (the last good row, if any, is kept until the next pass)
    expect(run(2).read).toEqual({ value: null, issues: [], transient: true });
    expect(run(3).read).toEqual({ value: null, issues: [], transient: true });
    expect(r.get(`user:${id(1)}`)).toMatchObject({ log: { names: [], entries: [], issues: [] } });
    expect(r.get("archives")).toMatchObject({ archives: [], issues: [] });
    const group = r.get("group:0190847b-0000-4000-8000-0000000000aa.group") as Extract<UnitRead, { kind: "group" }>;
    expect(group.group?.id).toBe("0190847b-0000-4000-8000-0000000000aa");
    expect(group.issues.map((i) => i.message)).toEqual(["cannot read group id (no such file); using 0190847b-0000-4000-8000-0000000000aa"]);

    // A reader that fingerprints first sees what is gone as gone.
    const f = await read(true);
    expect(f.get(`run:${id(2)}`)?.fingerprint).toBeNull();
    expect(f.get(`user:${id(1)}`)?.fingerprint).toBeNull();
    expect(f.get(`run:${id(1)}`)?.fingerprint).toEqual(expect.any(Number));
  });

  it("`catalog index` while another process keeps adding and removing runs, entries and FIFOs", async () => {
    const ws = workspace();
    for (let n = 1; n <= 3; n++) writeRun(ws.runsDir, finishedRun(id(n), { zip: n === 2 }));
    const at = ["--runs-dir", ws.runsDir, "--db", ws.dbPath];
    expectFinished(catalog(["index", ...at]), 0, "first index");

    // The churn runs from the built fixtures, in its own process, for as long as the indexer loops.
    const script = `
      import { writeRun, logRunAttrs } from ${JSON.stringify(join(ROOT, "dist/src/fixtures/gage-writer.js"))};
      import { makeFifo } from ${JSON.stringify(join(ROOT, "dist/src/fixtures/special-files.js"))};
      import { rmSync, existsSync } from "node:fs";
      const runsDir = process.argv[1];
      const until = Date.now() + Number(process.argv[2]);
      for (let i = 0; Date.now() < until; i++) {
        const id = "c" + String(i % 7).padStart(7, "0") + "-0000-4000-8000-000000000000";
        const t = 1718884800000000 + i;
        writeRun(runsDir, { id, opref: { ns: "p", name: "train" }, started: t, stopped: t + 1, exit: 0, zip: i % 2 === 0, runDir: false });
        logRunAttrs(runsDir, id, "churn", { label: "x" + i }, [], 1718884800000 + i);
        if (i % 5 === 0) makeFifo(runsDir + "/" + id + ".user/0190847b-b4cb-4000-8000-" + String(i).padStart(12, "0") + ".json");
        if (i % 3 === 0) for (const s of [".meta", ".meta.zip", ".user"]) rmSync(runsDir + "/" + id + s, { recursive: true, force: true });
      }
      for (let k = 0; k < 7; k++) for (const s of [".meta", ".meta.zip", ".user"]) rmSync(runsDir + "/c" + String(k).padStart(7, "0") + "-0000-4000-8000-000000000000" + s, { recursive: true, force: true });
    `;
    const churn = spawn(process.execPath, ["--input-type=module", "-e", script, ws.runsDir, "4000"], { stdio: "ignore" });
    const churned = new Promise<number | null>((resolve) => churn.on("exit", (code) => resolve(code)));
    let passes = 0;
    let churnDone = false;
    void churned.then(() => (churnDone = true));
    while (!churnDone) {
      // async, so the churn's exit is seen between passes
      const r = await new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [join(ROOT, "bin", "catalog"), "index", ...at], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
        p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        p.on("close", (status, signal) => {
          clearTimeout(timer);
          resolve({ status, signal, stderr });
        });
      });
      expect(r.signal, `index pass ${passes} killed`).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      passes += 1;
    }
    expect(await churned).toBe(0);
    expect(passes).toBeGreaterThanOrEqual(2);
    // Once the churn has cleaned up, one pass brings the index back to exactly the disk.
    expectFinished(catalog(["index", ...at]), 0, "final index");
    const check = catalog(["check", ...at]);
    expectFinished(check, 0, `final check: ${check.stdout}`);
    expect(listing(ws.runsDir, ws.dbPath).runs.size).toBe(3);
  });
});

describe("bad input through the other paths that read it", () => {
  it("reader threads (a pass of more than 2000 units) report the same as the main thread", () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir, { goodRuns: 1100 });
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    const index = catalog(["index", ...at], { timeoutMs: 60_000 });
    expectFinished(index, 0, "catalog index");
    const check = catalog(["check", ...at]);
    expectFinished(check, 1, "catalog check");
    expectCasesReported(b.runsDir, b.cases, checkLines(check.stdout));
    const l = listing(b.runsDir, db);
    expectCasesListed(b.cases, l);
    expect(b.goodRuns.every((id) => l.runs.has(id))).toBe(true);
    expectNoSecret(b.secret, [index.stdout, index.stderr, check.stdout, ...l.outputs], db);
  });

  it("the daemon indexes a FIFO in an attr log as an error and keeps serving", async () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir, { only: [] });
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    expectFinished(catalog(["daemon", "start", ...at], { timeoutMs: 30_000 }), 0, "daemon start");
    try {
      const one = b.goodRuns[0]!;
      const fifo = join(userDir(b.runsDir, one), "0190847b-b4cb-4000-8000-000000000001.json");
      makeFifo(fifo);
      logRunAttrs(b.runsDir, one, "bob", { label: "next to a fifo" }, [], Date.UTC(2025, 0, 1));
      const deadline = Date.now() + 15_000;
      let label: string | null | undefined;
      while (Date.now() < deadline && label !== "next to a fifo") {
        label = listing(b.runsDir, db).runs.get(one)?.label;
        if (label !== "next to a fifo") await new Promise((r) => setTimeout(r, 200));
      }
      expect(label).toBe("next to a fifo");
      expectFinished(catalog(["daemon", "status", ...at]), 0, "daemon status");
      expect(checkLines(catalog(["check", ...at]).stdout).errors).toEqual([`index error: ${fifo}: is a FIFO, not a file; not opened`]);
    } finally {
      expectFinished(catalog(["daemon", "stop", ...at], { timeoutMs: 30_000 }), 0, "daemon stop");
    }
  });
});
