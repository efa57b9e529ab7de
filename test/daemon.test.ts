import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { daemonServing, readDaemonStatus, daemonFiles } from "../src/daemon/state.js";
import { groupAttrs, logRunAttrs, writeAttrLog, writeGroup, writeRun } from "../src/fixtures/gage-writer.js";
import { lockPath } from "../src/index/writer-lock.js";
import { BIN, cli, cliAsync, finishedRun, us, workspace } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
const finished = (id: string, zip = true) => finishedRun(id, { zip });

type Ws = { runsDir: string; dbPath: string };
const daemons: Ws[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const ws of daemons.splice(0)) cli(["daemon", "stop", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

function startDaemon(ws: Ws): void {
  const r = cli(["daemon", "start", "--runs-dir", ws.runsDir, "--db", ws.dbPath, "--lock-check", "1"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  daemons.push(ws);
}

async function queryIds(ws: Ws, args: string[] = []): Promise<string[]> {
  const r = await cliAsync(["query", "--no-refresh", "--all", "--format", "json", "--runs-dir", ws.runsDir, "--db", ws.dbPath, ...args]);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
}

/** Polls `catalog query` until `pred` holds; returns ms from `since` to the start of the query that saw it. */
async function until(since: number, deadlineMs: number, probe: () => Promise<boolean>): Promise<number> {
  for (;;) {
    const started = Date.now();
    if (await probe()) return started - since;
    if (Date.now() - since > deadlineMs) throw new Error(`not visible within ${deadlineMs} ms`);
  }
}

describe("daemon", () => {
  it("shows a new run and a new tag in `catalog query` within 1 s of the files being written", async () => {
    const ws = workspace();
    writeRun(ws.runsDir, finished(runId(1)));
    startDaemon(ws);
    expect(daemonServing(ws.dbPath, ws.runsDir)).toBe(true);
    expect(await queryIds(ws)).toEqual([runId(1)]);

    let t = Date.now();
    writeRun(ws.runsDir, finished(runId(2), false));
    expect(await until(t, 5000, async () => (await queryIds(ws)).includes(runId(2))), "new run").toBeLessThanOrEqual(1000);

    t = Date.now();
    logRunAttrs(ws.runsDir, runId(1), "alice", { "tag:color=green": "" }, [], MS);
    expect(await until(t, 5000, async () => (await queryIds(ws, ["--tag", "color=green"])).includes(runId(1))), "new tag").toBeLessThanOrEqual(1000);

    t = Date.now();
    logRunAttrs(ws.runsDir, runId(2), "alice", { label: "in a fresh .user dir" }, [], MS);
    expect(await until(t, 5000, async () => (await queryIds(ws, ["--label", "fresh"])).includes(runId(2))), "new .user").toBeLessThanOrEqual(1000);
  });

  it("status tells the truth; stop ends it", () => {
    const ws = workspace();
    for (let n = 1; n <= 5; n++) {
      writeRun(ws.runsDir, finished(runId(n), n > 3));
      logRunAttrs(ws.runsDir, runId(n), "alice", { label: `r${n}` }, [], MS);
    }
    startDaemon(ws);
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.status).toBe(0);
    const pid = Number(readFileSync(daemonFiles(ws.dbPath).pid, "utf8"));
    expect(status.stdout).toMatch(new RegExp(`^pid:\\s+${pid}$`, "mu"));
    expect(status.stdout).toMatch(/^uptime:\s+\d+ s$/mu);
    expect(status.stdout).toContain(`runs dir:         ${ws.runsDir}`);
    expect(status.stdout).toContain(`db:               ${ws.dbPath}`);
    // runs dir + 5 .user dirs + 3 unfinished meta dirs with their proc/ (finished zips cost none)
    expect(readDaemonStatus(ws.dbPath)!.watches).toBe(1 + 5 + 3 * 2);
    expect(status.stdout).toMatch(/^watches:\s+12 directories$/mu);
    expect(status.stdout).toMatch(/^lag:\s+0 s \(caught up\)$/mu);

    const stop = cli(["daemon", "stop", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(stop.stdout).toBe(`daemon stopped (pid ${pid})\n`);
    expect(existsSync(daemonFiles(ws.dbPath).pid)).toBe(false);
    const after = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(after.status).toBe(1);
    expect(after.stdout).toMatch(/^not running/u);
    expect(daemonServing(ws.dbPath, ws.runsDir)).toBe(false);
  });

  it("a second daemon for the same database is refused", () => {
    const ws = workspace();
    writeRun(ws.runsDir, finished(runId(1)));
    startDaemon(ws);
    const second = cli(["daemon", "start", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/^catalog: a daemon \(pid \d+\) already serves .*\n$/u);
  });

  it("turns a crashed running run terminated without anyone touching it", async () => {
    const ws = workspace();
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(sleeper);
    writeRun(ws.runsDir, { id: runId(9), opref: { ns: "p", name: "train" }, staged: us("2024-06-20T10:00:00Z"), started: us("2024-06-20T10:00:01Z"), lockPid: sleeper.pid! });
    const gdir = writeGroup(ws.runsDir, "0190847b-0000-4000-8000-0000000000aa");
    writeAttrLog(gdir, { author: "alice", set: groupAttrs({ runs: [runId(9)] }) }, MS);
    startDaemon(ws);
    expect(await queryIds(ws, ["--status", "running"])).toEqual([runId(9)]);
    expect(await queryIds(ws, ["--groups", "--status", "running"])).toHaveLength(1);
    const t = Date.now();
    sleeper.kill("SIGKILL");
    await until(t, 10_000, async () => (await queryIds(ws, ["--status", "terminated"])).includes(runId(9)));
    // the group's stored summary follows, without anyone touching the files
    await until(t, 10_000, async () => (await queryIds(ws, ["--groups", "--status", "terminated"])).length === 1);
  });

  it("kill -9 in the middle of indexing leaves a database the next start repairs, nothing lost", async () => {
    const ws = workspace();
    const N = 1500;
    for (let n = 1; n <= N; n++) {
      writeRun(ws.runsDir, finished(runId(n), n % 5 !== 0));
      if (n % 2 === 0) logRunAttrs(ws.runsDir, runId(n), "alice", { label: `run ${n}`, "tag:even": "" }, [], MS + n);
    }
    const watch = spawn(process.execPath, [BIN, "watch", "--runs-dir", ws.runsDir, "--db", ws.dbPath], { stdio: "ignore" });
    children.push(watch);
    // the first pass is under way once the writer lock exists
    const deadline = Date.now() + 20_000;
    while (!existsSync(lockPath(ws.dbPath))) {
      if (Date.now() > deadline) throw new Error("indexing never started");
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 150));
    // the daemon runs full passes in a child `catalog index`: kill the process holding the
    // writer lock mid-transaction, and the daemon with it
    const holder = Number(readFileSync(lockPath(ws.dbPath), "utf8").split(" ")[0]);
    process.kill(holder, "SIGKILL");
    watch.kill("SIGKILL");
    await new Promise((r) => watch.once("close", r));
    expect(existsSync(lockPath(ws.dbPath))).toBe(true); // left behind by the killed process

    startDaemon(ws);
    expect((await queryIds(ws)).length).toBe(N);
    expect((await queryIds(ws, ["--tag", "even"])).length).toBe(N / 2);
    const check = cli(["check", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(check.stdout).toMatch(/^ok: the index matches/mu);
  });
});
