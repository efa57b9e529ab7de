/**
 * Faults (issue 10): the indexer and the daemon killed with SIGKILL at random points, a database
 * that is not one, a disk that fills up. After each, one `catalog index` (or none) leaves an index
 * equal to a first-time index of the same files, and `catalog check` clean.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { logRunAttrs, mulberry32 } from "../src/fixtures/gage-writer.js";
import { lockPath } from "../src/index/writer-lock.js";
import { BIN, cli, tempDir, workspace } from "./helpers.js";

type Ws = { runsDir: string; dbPath: string };
const loc = (ws: Ws) => ["--runs-dir", ws.runsDir, "--db", ws.dbPath];

/** Everything the index answers: runs in every container, and groups, as JSON. */
function contents(ws: Ws): string {
  const out: unknown[] = [];
  for (const args of [["query", "--all"], ["query", "--all", "--deleted"], ["query", "--groups", "--all"]]) {
    const r = cli([...args, "--format", "json", "--no-refresh", ...loc(ws)]);
    expect(r.stderr, args.join(" ")).toBe("");
    out.push(JSON.parse(r.stdout));
  }
  return JSON.stringify(out);
}

/** What a clean first index of the same runs dir answers. */
function freshContents(runsDir: string): string {
  const fresh = { runsDir, dbPath: join(tempDir(), "fresh.sqlite") };
  expect(cli(["index", ...loc(fresh)]).status).toBe(0);
  return contents(fresh);
}

function startProcess(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { stdio: "ignore" });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("close", () => r())));

describe("kill -9 at random points", () => {
  it("20+ kills of the indexer and the daemon; one index after, nothing missing and check clean", async () => {
    const ws = workspace();
    writeCorpus(ws.runsDir, { n: 1500, seed: 7 });
    const rng = mulberry32(11);
    let kills = 0;
    let extra = 0;
    // the indexer: a first index, a reindex, and incremental passes after new attr-log entries
    for (let i = 0; i < 14; i++) {
      if (i % 3 === 2) {
        for (let k = 0; k < 50; k++) logRunAttrs(ws.runsDir, `ffffffff-0000-4000-8000-${String(extra).padStart(12, "0")}`, "fault", { label: `x${extra++}` }, [], Date.now());
      }
      const p = startProcess([i % 4 === 1 ? "reindex" : "index", ...loc(ws)]);
      await sleep(Math.floor(rng() * 700));
      if (p.exitCode === null) {
        p.kill("SIGKILL");
        kills += 1;
      }
      await exited(p);
    }
    // the daemon, and the child `catalog index` of its full pass when it holds the lock
    for (let i = 0; i < 10; i++) {
      const watch = startProcess(["watch", ...loc(ws), "--sweep", "0.5"]);
      await sleep(100 + Math.floor(rng() * 900));
      if (existsSync(lockPath(ws.dbPath))) {
        const holder = Number(readFileSync(lockPath(ws.dbPath), "utf8").split(" ")[0]);
        if (holder > 0 && holder !== watch.pid) {
          try {
            process.kill(holder, "SIGKILL");
            kills += 1;
          } catch {
            // finished meanwhile
          }
        }
      }
      watch.kill("SIGKILL");
      kills += 1;
      await exited(watch);
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    const r = cli(["index", ...loc(ws)]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const check = cli(["check", ...loc(ws)]);
    expect(check.stdout).toMatch(/^ok: the index matches/mu);
    expect(check.status).toBe(0);
    expect(contents(ws)).toEqual(freshContents(ws.runsDir));
  }, 180_000);
});

describe("a database that is not one", () => {
  it("truncated or overwritten: detected, set aside and rebuilt from the files, with one line", () => {
    const ws = workspace();
    writeCorpus(ws.runsDir, { n: 300, seed: 3 });
    expect(cli(["index", ...loc(ws)]).status).toBe(0);
    const want = contents(ws);
    for (const damage of [() => truncateSync(ws.dbPath, 8192), () => writeFileSync(ws.dbPath, Buffer.alloc(4096, 0x41))]) {
      damage();
      const ro = cli(["query", "--no-refresh", ...loc(ws)]);
      expect(ro.status).toBe(1);
      expect(ro.stderr).toMatch(new RegExp(`^catalog: ${ws.dbPath} is not a readable catalog database \\(.+\\); run \`catalog reindex\` to rebuild it from the files\\n$`, "u"));
      const r = cli(["query", "-n", "1", ...loc(ws)]);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^catalog: the index ${ws.dbPath} was not a readable database \\(.+\\); set it aside as ${ws.dbPath}\\.corrupt and rebuilt it from the runs dir\\n$`, "u"));
      expect(contents(ws)).toEqual(want);
      expect(cli(["check", ...loc(ws)]).status).toBe(0);
    }
  }, 60_000);
});

/** A small filesystem for the database: tmpfs where mounting works, else a file-size limit. */
function smallDisk(dir: string, bytes: number): { mounted: boolean; wrap: (args: string[]) => string[]; release: () => void } {
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]).status === 0;
  if (mounted) return { mounted, wrap: (args) => [process.execPath, BIN, ...args], release: () => void spawnSync("umount", [dir]) };
  // RLIMIT_FSIZE: writes past the limit fail (SIGXFSZ ignored, so they fail rather than kill)
  return {
    mounted,
    wrap: (args) => ["sh", "-c", `trap '' XFSZ; ulimit -f ${Math.floor(bytes / 1024)}; exec "$0" "$@"`, process.execPath, BIN, ...args],
    release: () => undefined,
  };
}

describe("a full disk", () => {
  it("while writing the database: the old index stays intact and answers, and one line says so", () => {
    const ws = workspace();
    writeCorpus(ws.runsDir, { n: 50, seed: 5 });
    const dbDir = join(tempDir(), "small");
    const disk = smallDisk(dbDir, 1024 * 1024);
    try {
      const small = { runsDir: ws.runsDir, dbPath: join(dbDir, "c.sqlite") };
      const run = (args: string[]) => {
        const cmd = disk.wrap([...args, ...loc(small)]);
        const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8" });
        return { status: r.status, stderr: r.stderr };
      };
      expect(run(["index"])).toEqual({ status: 0, stderr: "" });
      const before = contents(small);
      writeCorpus(ws.runsDir, { n: 2000, seed: 6 });
      const r = run(["index"]);
      expect(r.status).toBe(1);
      // ENOSPC on a full filesystem; EFBIG (an I/O error to SQLite) past a file size limit
      expect(r.stderr).toBe(
        disk.mounted
          ? `catalog: no space left to write the index ${small.dbPath}; the index is unchanged — free some space and try again\n`
          : expect.stringMatching(new RegExp(`^catalog: cannot write the index ${small.dbPath} \\(.+\\); the index is unchanged — check the disk \\(space, quota, file size limit\\) and try again\n$`, "u")),
      );
      expect(contents(small)).toEqual(before);
    } finally {
      disk.release();
    }
  }, 120_000);
});
