import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { readDaemonStatus } from "../src/daemon/state.js";
import { buildMetaFiles, logRunAttrs, writeRun, type RunSpec } from "../src/fixtures/gage-writer.js";
import { BIN, cli, finishedRun, us, workspace } from "./helpers.js";

/*
 * The daemon past its watch cap, and out of inotify watches, instances or file descriptors: real
 * processes, real files, and the kernel's own account of what is watched (/proc/<pid>/fdinfo).
 */

const MS = Date.parse("2024-06-20T12:00:00Z");

const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

type Ws = { runsDir: string; dbPath: string; dir: string };
const daemons: Ws[] = [];
const children: ChildProcess[] = [];
const readers: Database.Database[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  for (const ws of daemons.splice(0)) cli(["daemon", "stop", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
  await Promise.all(children.splice(0).map((c) => stopChild(c)));
});

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
  c.kill("SIGTERM");
  return closed;
}

/** Runs 1..n, finished, every third one left as a meta dir (with proc/), each with a label. */
function oldRuns(ws: Ws, n: number): void {
  for (let i = 1; i <= n; i++) {
    writeRun(ws.runsDir, finishedRun(runId(i), { zip: i % 3 !== 0 }));
    logRunAttrs(ws.runsDir, runId(i), "alice", { label: `old ${i}` }, [], MS + i);
  }
}

function startDaemon(ws: Ws, cap: number, extra: string[] = []): number {
  const r = cli(["daemon", "start", "--runs-dir", ws.runsDir, "--db", ws.dbPath, "--lock-check", "1", "--max-watches", String(cap), ...extra]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  daemons.push(ws);
  return Number(readFileSync(`${ws.dbPath}.daemon.pid`, "utf8"));
}

/** `catalog watch` as a child, optionally inside `wrap` (a command that execs the rest). */
function spawnWatch(ws: Ws, wrap: string[], args: string[]): { child: ChildProcess; log: () => string } {
  let log = "";
  const argv = [...wrap, process.execPath, BIN, "watch", "--runs-dir", ws.runsDir, "--db", ws.dbPath, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  children.push(child);
  return { child, log: () => log };
}

async function waitFor(what: string, deadlineMs: number, pred: () => boolean): Promise<void> {
  const t = Date.now();
  while (!pred()) {
    if (Date.now() - t > deadlineMs) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const waitReady = (ws: Ws) => waitFor("daemon ready", 30_000, () => readDaemonStatus(ws.dbPath)?.ready === true);

function reader(ws: Ws): Database.Database {
  const db = new Database(ws.dbPath, { readonly: true });
  readers.push(db);
  return db;
}

/** ms from `since` until `probe` holds, polling the database; fails after `deadlineMs`. */
async function visibleAfter(since: number, deadlineMs: number, probe: () => boolean): Promise<number> {
  for (;;) {
    if (probe()) return Date.now() - since;
    if (Date.now() - since > deadlineMs) throw new Error(`not visible within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function probes(db: Database.Database) {
  const status = db.prepare("SELECT status FROM runs WHERE id = ?").pluck();
  const attr = db.prepare("SELECT 1 FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? AND key = ?").pluck();
  return {
    status: (id: string) => status.get(id) as string | undefined,
    has: (id: string, key: string) => attr.get(id, key) === 1,
  };
}

/** The inodes a process watches, as the kernel lists them in the fdinfo of its inotify fds. */
function inotifyInodes(pid: number): number[] {
  const inodes: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target !== "anon_inode:inotify") continue;
    for (const m of readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8").matchAll(/^inotify wd:[0-9a-f]+ ino:([0-9a-f]+)/gmu)) inodes.push(parseInt(m[1]!, 16));
  }
  return inodes;
}

const ino = (path: string) => statSync(path).ino;

/** The meta files Gage adds (or removes) going from one state of a run to the next, applied in place. */
function advanceRun(runsDir: string, from: RunSpec, to: RunSpec): void {
  const before = buildMetaFiles(from);
  const after = buildMetaFiles(to);
  const meta = join(runsDir, `${to.id}.meta`);
  for (const name of before.keys()) if (!after.has(name)) unlinkSync(join(meta, name));
  for (const [name, data] of after) {
    if (before.get(name)?.equals(data)) continue;
    mkdirSync(join(meta, name, ".."), { recursive: true });
    writeFileSync(join(meta, name), data);
  }
}

function canLimitInotify(): boolean {
  const r = spawnSync("unshare", ["-Ur", "sh", "-c", "echo 8 > /proc/sys/user/max_inotify_watches"], { stdio: "ignore" });
  return r.status === 0;
}

/** Runs the rest of the command in a new user namespace whose inotify limit is `value`. */
const inotifyLimit = (file: "max_inotify_watches" | "max_inotify_instances", value: number) => [
  "unshare",
  "-Ur",
  "sh",
  "-c",
  `echo ${value} > /proc/sys/user/${file} && exec "$@"`,
  "sh",
];

const hasPrlimit = spawnSync("prlimit", ["--version"], { stdio: "ignore" }).status === 0;
const hasProc = existsSync("/proc/self/fdinfo");

describe("daemon past its watch cap", () => {
  it.skipIf(!hasProc)("holds at most the cap, and shows new, active and removed runs within 1 s", async () => {
    const ws = workspace();
    oldRuns(ws, 30); // 30 .user dirs and 10 meta dirs with proc/: 50 directories worth watching
    const CAP = 8;
    const pid = startDaemon(ws, CAP);
    const s = readDaemonStatus(ws.dbPath)!;
    expect(s.watches).toBeLessThanOrEqual(CAP);
    expect(s.watchCap).toBe(CAP);
    expect(inotifyInodes(pid).length).toBe(s.watches);
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.stdout).toMatch(new RegExp(`^watches:\\s+${s.watches} directories \\(cap ${CAP}: the most recently active; the sweep covers the rest\\)$`, "mu"));
    expect(status.stdout).not.toMatch(/^unwatched:/mu);

    const db = probes(reader(ws));
    // a new run, finished (a zip: an event on the runs dir)
    let t = Date.now();
    writeRun(ws.runsDir, finishedRun(runId(100), { zip: true }));
    expect(await visibleAfter(t, 5000, () => db.status(runId(100)) === "completed"), "new run").toBeLessThanOrEqual(1000);

    // an active run, step by step as Gage writes it: staged, started (locked by a live pid), labelled, finished
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(sleeper);
    const staged: RunSpec = { id: runId(101), opref: { ns: "p", name: "train" }, staged: us("2024-06-20T10:00:00Z") };
    const running: RunSpec = { ...staged, started: us("2024-06-20T10:00:01Z"), lockPid: sleeper.pid! };
    const done: RunSpec = { ...staged, started: running.started!, stopped: us("2024-06-20T10:00:09Z"), exit: 0 };
    t = Date.now();
    writeRun(ws.runsDir, staged);
    expect(await visibleAfter(t, 5000, () => db.status(runId(101)) === "staged"), "staged run").toBeLessThanOrEqual(1000);
    t = Date.now();
    advanceRun(ws.runsDir, staged, running);
    expect(await visibleAfter(t, 5000, () => db.status(runId(101)) === "running"), "started run").toBeLessThanOrEqual(1000);
    t = Date.now();
    logRunAttrs(ws.runsDir, runId(101), "alice", { "tag:first": "" }, [], MS);
    expect(await visibleAfter(t, 5000, () => db.has(runId(101), "tag:first")), "first tag (a new .user dir)").toBeLessThanOrEqual(1000);
    t = Date.now();
    logRunAttrs(ws.runsDir, runId(101), "alice", { "tag:second": "" }, [], MS + 1);
    expect(await visibleAfter(t, 5000, () => db.has(runId(101), "tag:second")), "second tag (in its .user dir)").toBeLessThanOrEqual(1000);
    t = Date.now();
    advanceRun(ws.runsDir, running, done);
    expect(await visibleAfter(t, 5000, () => db.status(runId(101)) === "completed"), "finished run").toBeLessThanOrEqual(1000);

    // a removed run
    t = Date.now();
    rmSync(join(ws.runsDir, `${runId(100)}.meta.zip`));
    expect(await visibleAfter(t, 5000, () => db.status(runId(100)) === undefined), "removed run").toBeLessThanOrEqual(1000);

    // the cap still holds, by the kernel's count
    expect(inotifyInodes(pid).length).toBeLessThanOrEqual(CAP);
    expect(readDaemonStatus(ws.dbPath)!.watches).toBeLessThanOrEqual(CAP);
  });

  it.skipIf(!hasProc)("picks up a change in an old run's attr log that is not watched at the next sweep", async () => {
    const ws = workspace();
    oldRuns(ws, 20);
    const pid = startDaemon(ws, 4, ["--sweep", "1"]);
    const watched = new Set(inotifyInodes(pid));
    expect(watched.size).toBeLessThanOrEqual(4);
    const cold = Array.from({ length: 20 }, (_, i) => runId(i + 1)).find((id) => !watched.has(ino(join(ws.runsDir, `${id}.user`))))!;
    expect(cold).toBeDefined();

    const db = probes(reader(ws));
    logRunAttrs(ws.runsDir, cold, "bob", { "tag:swept": "" }, [], MS + 100);
    await visibleAfter(Date.now(), 15_000, () => db.has(cold, "tag:swept"));
    // seen changed, it is among the recently active now: watched, within the cap
    await waitFor("the changed .user dir watched", 5000, () => inotifyInodes(pid).includes(ino(join(ws.runsDir, `${cold}.user`))));
    expect(inotifyInodes(pid).length).toBeLessThanOrEqual(4);
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.stdout).toMatch(/^sweep:\s+every 1 s \(last \d+ s ago, \d+ directories in \d+ ms\); a full index every 20 s$/mu);
  });

  it("refuses a watch cap that is not a whole number of at least 1", () => {
    const ws = workspace();
    const r = cli(["daemon", "start", "--runs-dir", ws.runsDir, "--db", ws.dbPath, "--max-watches", "0"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('catalog: --max-watches takes a whole number of at least 1, not "0"\n');
  });
});

describe("daemon and odd runs dirs", () => {
  it("survives odd entries and a runs dir removed and made again, and watches the new one", async () => {
    const ws = workspace();
    oldRuns(ws, 3);
    writeFileSync(join(ws.runsDir, "junk.user"), "a file where a directory should be");
    symlinkSync(join(ws.runsDir, "nowhere"), join(ws.runsDir, "dangling.meta"));
    symlinkSync(join(ws.runsDir, "loop.group"), join(ws.runsDir, "loop.group"));
    mkdirSync(join(ws.runsDir, "line\nbreak.move"));
    const pid = startDaemon(ws, 16, ["--sweep", "1"]);
    const db = probes(reader(ws));
    expect(db.status(runId(3))).toBe("completed");

    // the runs dir goes (a remount, a `mv` of the whole tree): the index keeps its rows, since a
    // runs dir that is not there is no runs dir without runs (docs/cli.md) …
    rmSync(ws.runsDir, { recursive: true });
    await new Promise((r) => setTimeout(r, 2500)); // two sweeps
    expect(db.status(runId(1))).toBe("completed");
    expect(() => process.kill(pid, 0)).not.toThrow(); // the daemon lives on
    // … and when it comes back, empty but for a new run, the index follows it
    mkdirSync(ws.runsDir);
    writeRun(ws.runsDir, finishedRun(runId(50), { zip: true }));
    await visibleAfter(Date.now(), 15_000, () => db.status(runId(50)) === "completed" && db.status(runId(1)) === undefined);
    // from the next sweep on, the new runs dir is watched: new runs within 1 s again
    await waitFor("the new runs dir watched", 5000, () => inotifyInodes(pid).includes(ino(ws.runsDir)));
    const t = Date.now();
    writeRun(ws.runsDir, finishedRun(runId(51), { zip: true }));
    expect(await visibleAfter(t, 5000, () => db.status(runId(51)) === "completed"), "new run in the new runs dir").toBeLessThanOrEqual(1000);
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.status).toBe(0);
  });
});

describe("daemon out of inotify watches, instances or file descriptors", () => {
  const userns = canLimitInotify();

  it.skipIf(!userns || !hasProc)("out of inotify watches (ENOSPC): sweeps what it could not watch and says so", async () => {
    const ws = workspace();
    oldRuns(ws, 20); // 20 .user dirs, 6 meta dirs with proc/
    const { child } = spawnWatch(ws, inotifyLimit("max_inotify_watches", 6), ["--sweep", "1"]);
    await waitReady(ws);
    const s = readDaemonStatus(ws.dbPath)!;
    expect(s.watches).toBeLessThanOrEqual(6);
    expect(s.watchError).toBe("ENOSPC");
    expect(s.runsDirUnwatched).toBe(false); // the runs dir is watched first
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^unwatched:\s+\d+ directories could not be watched \(ENOSPC: out of inotify watches, fs\.inotify\.max_user_watches\); the sweep covers them every 1 s$/mu);

    const watched = new Set(inotifyInodes(child.pid!));
    const cold = Array.from({ length: 20 }, (_, i) => runId(i + 1)).find((id) => !watched.has(ino(join(ws.runsDir, `${id}.user`))))!;
    const db = probes(reader(ws));
    logRunAttrs(ws.runsDir, cold, "bob", { "tag:swept": "" }, [], MS + 100);
    await visibleAfter(Date.now(), 15_000, () => db.has(cold, "tag:swept"));
    // a new run is an event on the (watched) runs dir
    const t = Date.now();
    writeRun(ws.runsDir, finishedRun(runId(100), { zip: true }));
    expect(await visibleAfter(t, 5000, () => db.status(runId(100)) === "completed"), "new run").toBeLessThanOrEqual(1000);
    expect(child.exitCode).toBeNull();
  });

  it.skipIf(!userns)("out of inotify instances (EMFILE): nothing is watched, the sweep does it all, and says so", async () => {
    const ws = workspace();
    oldRuns(ws, 10);
    const { child, log } = spawnWatch(ws, inotifyLimit("max_inotify_instances", 0), ["--sweep", "1"]);
    await waitReady(ws);
    const s = readDaemonStatus(ws.dbPath)!;
    expect(s.watches).toBe(0);
    expect(s.runsDirUnwatched).toBe(true);
    expect(s.watchError).toBe("EMFILE");
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.stdout).toMatch(/^watches:\s+0 directories$/mu);
    expect(status.stdout).toMatch(/^unwatched:\s+\d+ directories could not be watched \(EMFILE: .*\), the runs dir among them: new and removed runs wait for the sweep; the sweep covers them every 1 s$/mu);
    expect(log()).toMatch(/cannot watch the runs dir \(EMFILE\)/u);

    const db = probes(reader(ws));
    writeRun(ws.runsDir, finishedRun(runId(100), { zip: true }));
    await visibleAfter(Date.now(), 15_000, () => db.status(runId(100)) === "completed");
    logRunAttrs(ws.runsDir, runId(3), "bob", { "tag:swept": "" }, [], MS + 100);
    await visibleAfter(Date.now(), 15_000, () => db.has(runId(3), "tag:swept"));
    rmSync(join(ws.runsDir, `${runId(100)}.meta.zip`));
    await visibleAfter(Date.now(), 15_000, () => db.status(runId(100)) === undefined);
    expect(child.exitCode).toBeNull();
  });

  it.skipIf(!hasPrlimit)("out of file descriptors (EMFILE, a real ulimit): keeps running, and recovers when they free up", async () => {
    const ws = workspace();
    mkdirSync(ws.runsDir, { recursive: true });
    const { child, log } = spawnWatch(ws, [], ["--sweep", "1"]);
    await waitReady(ws);
    const pid = String(child.pid!);
    const soft = spawnSync("prlimit", ["--pid", pid, "--nofile", "--output", "SOFT", "--noheadings"], { encoding: "utf8" }).stdout.trim();
    // No descriptor above 3 can be opened from now on: not SQLite's, not a directory's for a sweep.
    expect(spawnSync("prlimit", ["--pid", pid, "--nofile=3:"]).status).toBe(0);
    oldRuns(ws, 3);
    await waitFor("a failed pass in the log", 15_000, () => /EMFILE|too many open files/iu.test(log()));
    await new Promise((r) => setTimeout(r, 2500)); // a few sweeps and pid checks, all failing
    expect(child.exitCode).toBeNull();

    expect(spawnSync("prlimit", ["--pid", pid, `--nofile=${soft}:`]).status).toBe(0);
    const db = probes(reader(ws));
    await visibleAfter(Date.now(), 15_000, () => db.status(runId(3)) === "completed" && db.has(runId(3), "label"));
    const status = cli(["daemon", "status", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(status.stdout).not.toMatch(/^unwatched:/mu);
    const t = Date.now();
    writeRun(ws.runsDir, finishedRun(runId(100), { zip: true }));
    expect(await visibleAfter(t, 5000, () => db.status(runId(100)) === "completed"), "new run after recovery").toBeLessThanOrEqual(1000);
  });
});
