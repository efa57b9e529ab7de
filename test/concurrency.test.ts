/**
 * Concurrency (docs/reliability.md, "Concurrency"): queries running while the daemon indexes a
 * sync of 10k runs, and writers beside a long index pass. Real processes on one SQLite file.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CORPUS_MARKER, writeCorpus, type CorpusSummary } from "../src/fixtures/corpus.js";
import { ARCHIVES_DIR } from "../src/disk/entries.js";
import { openDb } from "../src/index/db.js";
import { lockPath } from "../src/index/writer-lock.js";
import type { GroupJson, RunJson } from "../src/query/export.js";
import { cli, cliAsync, tempDir, type CliResult } from "./helpers.js";

type Ws = { runsDir: string; dbPath: string; env: NodeJS.ProcessEnv };
const SYNC_RUNS = 10_000;
const loc = (ws: Ws) => ["--runs-dir", ws.runsDir, "--db", ws.dbPath];
const run = (ws: Ws, args: readonly string[]) => cli([...args, ...loc(ws)], ws.env);
const runAsync = (ws: Ws, args: readonly string[]) => cliAsync([...args, ...loc(ws)], ws.env);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a sync tool brings: the 10k runs of a second corpus, written once for every test. */
let syncDir: string;
let sync: CorpusSummary;
let syncNames: string[];
beforeAll(() => {
  syncDir = mkdtempSync(join(tmpdir(), "catalog-sync-"));
  sync = writeCorpus(syncDir, { n: SYNC_RUNS, seed: 11 });
  // the runs and groups, as bench.ts's "sync" takes them (the runs dir keeps its own archives)
  syncNames = readdirSync(syncDir).filter((x) => x !== CORPUS_MARKER && x !== ARCHIVES_DIR);
}, 180_000);
afterAll(() => rmSync(syncDir, { recursive: true, force: true }));

const daemons: Ws[] = [];
afterEach(() => {
  for (const ws of daemons.splice(0)) run(ws, ["daemon", "stop"]);
});

/** A runs dir of 300 runs (another corpus), its database, and a cache dir of its own. */
function workspace(): Ws {
  const dir = tempDir("catalog-concurrency-");
  const runsDir = join(dir, "runs");
  writeCorpus(runsDir, { n: 300, seed: 1 });
  mkdirSync(join(dir, "cache"));
  return { runsDir, dbPath: join(dir, "catalog.sqlite"), env: { XDG_CACHE_HOME: join(dir, "cache") } };
}

/** `cmd args… <paths>` over the paths in chunks (a command line has a limit). */
async function overChunks(cmd: string, args: readonly string[], paths: readonly string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 2000) {
    const code = await new Promise<number | null>((resolve) => spawn(cmd, [...args, ...paths.slice(i, i + 2000)], { stdio: "ignore" }).on("close", resolve));
    expect(code, `${cmd} ${args.join(" ")}`).toBe(0);
  }
}

/**
 * A hard-linked copy of the sync beside the runs dir, so every test gets its own (and copying
 * 90k files does not slow the test down).
 */
async function stageSync(ws: Ws): Promise<string> {
  const staged = join(ws.runsDir, "..", "sync");
  mkdirSync(staged);
  await overChunks("cp", ["-al", "-t", staged], syncNames.map((n) => join(syncDir, n)));
  return staged;
}

/** The sync lands: its entries are renamed into the runs dir one by one, as a sync tool puts a finished entry into place. */
async function landSync(ws: Ws, staged: string): Promise<number> {
  const t0 = Date.now();
  await overChunks("mv", ["-t", ws.runsDir], syncNames.map((n) => join(staged, n)));
  return Date.now() - t0;
}

async function startDaemon(ws: Ws, extra: readonly string[] = []): Promise<void> {
  const r = await runAsync(ws, ["daemon", "start", ...extra]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  daemons.push(ws);
}

/** Rows of a CSV listing (the id ends each row; a label never holds a newline in these corpora). */
function csvRows(r: CliResult): number {
  return r.stdout.split(/\r?\n/u).filter((l) => /,[0-9a-f-]{36}$/u.test(l)).length;
}

/** A query's answer must be whole: exit 0 and nothing on stderr (no SQLITE_BUSY, no "database is locked"). */
function expectClean(r: CliResult, what: string): void {
  expect(r.stderr, what).not.toMatch(/SQLITE_BUSY|database is locked/iu);
  expect(r.stderr, what).toBe("");
  expect(r.status, what).toBe(0);
}

/** Active runs the index holds now: the whole listing, read without a refresh. */
async function count(ws: Ws): Promise<number> {
  const r = await runAsync(ws, ["query", "--no-refresh", "--all", "--format", "csv"]);
  expectClean(r, "query --all");
  return csvRows(r);
}

/** The queries each loop runs, round and round: the whole listing is counted, the others only checked. */
const OTHER_QUERIES: readonly (readonly string[])[] = [
  ["query", "--no-refresh", "--groups", "--all", "--format", "csv"],
  ["query", "--no-refresh", "--where", "metrics.loss < 0.5", "--sort", "metrics.loss", "--format", "json", "--limit", "50"],
  ["query", "--no-refresh", "--tag", "color=*", "--all", "--format", "csv"],
  ["query", "--no-refresh", "1:20", "--format", "json"],
];

interface Loops {
  /** every count of the whole listing seen, in the order each loop saw them */
  readonly counts: number[][];
  /** queries answered in all */
  queries: number;
  stop(): Promise<void>;
}

/** `n` loops of queries, each one query at a time, until stopped. */
function queryLoops(ws: Ws, n: number): Loops {
  let stopping = false;
  const loops: Loops = { counts: [], queries: 0, stop: async () => {
    stopping = true;
    await Promise.all(running);
  } };
  const running = Array.from({ length: n }, async (_, i) => {
    const mine: number[] = [];
    loops.counts.push(mine);
    for (let k = i; !stopping; k++) {
      if (k % 2 === 0) mine.push(await count(ws));
      else {
        const args = OTHER_QUERIES[(k >> 1) % OTHER_QUERIES.length]!;
        expectClean(await runAsync(ws, args), args.join(" "));
      }
      loops.queries += 1;
    }
  });
  return loops;
}

function expectWhole(ws: Ws): void {
  const check = run(ws, ["check"]);
  expect(check.stdout).toMatch(/^ok: the index matches/mu);
  const db = openDb(ws.dbPath, { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  } finally {
    db.close();
  }
}

const ACTIVE_SYNC_RUNS = () => sync.runs - sync.trashed - sync.archived;

describe("concurrency", () => {
  it("queries while the daemon indexes a sync of 10k runs as it lands: every one answers, no SQLITE_BUSY, the runs counted stay within the sync and reach its total", async () => {
    const ws = workspace();
    const staged = await stageSync(ws);
    await startDaemon(ws);
    const before = await count(ws);
    const after = before + ACTIVE_SYNC_RUNS();
    const loops = queryLoops(ws, 3);
    const t0 = Date.now();
    const landed = await landSync(ws, staged);
    const deadline = Date.now() + 150_000;
    for (let n = await count(ws); n !== after; n = await count(ws)) {
      if (Date.now() > deadline) throw new Error(`the daemon did not catch up with the sync: ${n} runs of ${after}\n${readFileSync(`${ws.dbPath}.daemon.log`, "utf8")}`);
      await sleep(200);
    }
    const caughtUp = Date.now() - t0;
    await loops.stop();
    const seen = loops.counts.flat();
    const passes = readFileSync(`${ws.dbPath}.daemon.log`, "utf8").match(/^\S+ (change|full pass): /gmu)?.length ?? 0;
    process.stderr.write(`daemon sync: landed in ${landed} ms, caught up in ${caughtUp} ms, ${passes} passes; ${loops.queries} queries, ${seen.length} counts, ${new Set(seen).size} distinct (${before} → ${after})\n`);
    // A run whose `.move` marker lands after its meta is active for a moment: it may be counted
    // before it moves to the trash or an archive, so the bound is every synced run.
    for (const n of seen) {
      expect(n).toBeGreaterThanOrEqual(before);
      expect(n).toBeLessThanOrEqual(before + sync.runs);
    }
    expect(loops.queries).toBeGreaterThan(8);
    expectWhole(ws);
  }, 240_000);

  it("a sync indexed in one pass, with writers waiting for it: every query sees the runs before it or after it, never a part; every write lands once", async () => {
    const ws = workspace();
    const staged = await stageSync(ws);
    await startDaemon(ws);
    const before = await count(ws);
    const [a, b] = (JSON.parse(run(ws, ["query", "--no-refresh", "1:2", "--format", "json"]).stdout) as { id: string }[]).map((r) => r.id);
    expect(run(ws, ["daemon", "stop"]).status).toBe(0);
    daemons.splice(0);
    // the sync lands while no daemon runs; the daemon's first pass on start takes it in
    await landSync(ws, staged);
    const after = before + ACTIVE_SYNC_RUNS();
    const loops = queryLoops(ws, 3);
    await sleep(300);
    const started = startDaemon(ws, ["--sweep", "2"]);
    // while that pass holds the writer lock, four writes at once
    const deadline = Date.now() + 60_000;
    while (!existsSync(lockPath(ws.dbPath))) {
      if (Date.now() > deadline) throw new Error("the daemon's first pass never started");
      await sleep(20);
    }
    const writes = await Promise.all([
      runAsync(ws, ["tag", a!, "--add", "during-a"]),
      runAsync(ws, ["tag", b!, "--add", "during-b"]),
      runAsync(ws, ["comment", a!, "-m", "written during the sync"]),
      runAsync(ws, ["label", b!, "--set", "labelled during the sync"]),
    ]);
    await started;
    // each loop goes on until it has seen the synced total
    while (!loops.counts.every((c) => c.includes(after))) {
      if (Date.now() > deadline) throw new Error("a query loop never saw the sync");
      await sleep(100);
    }
    await loops.stop();
    const seen = loops.counts.flat();
    const during = seen.filter((n) => n === before).length;
    const noted = writes.filter((w) => w.stderr !== "").length;
    process.stderr.write(`one-pass sync: ${loops.queries} queries, ${seen.length} counts, ${during} before, ${seen.length - during} after (${before} → ${after}); ${noted} of 4 writes outwaited\n`);
    for (const c of loops.counts) {
      for (const n of c) expect([before, after]).toContain(n);
      // and never back: once a loop saw the sync, it kept seeing it
      expect(c.slice(c.indexOf(after))).toEqual(c.slice(c.indexOf(after)).map(() => after));
    }
    // A write waits up to 10 s for the pass; one that outwaits it is on disk all the same, says
    // so, and succeeds: the daemon indexes it next.
    for (const w of writes) {
      expect(w.status).toBe(0);
      if (w.stderr !== "") expect(w.stderr).toMatch(/^catalog: written; the index .* is being written by catalog index \(pid \d+\) right now: the next index pass \(the daemon's, or the next query's\) shows the change\n$/u);
    }
    const shown = async () => {
      const r = await runAsync(ws, ["query", "--no-refresh", a!, b!, "--format", "json"]);
      expectClean(r, "query a b");
      return JSON.parse(r.stdout) as RunJson[];
    };
    const landed = (runs: RunJson[]) => {
      const ra = runs.find((r) => r.id === a);
      const rb = runs.find((r) => r.id === b);
      return ra?.tags.includes("during-a") && ra.comments.length > 0 && rb?.tags.includes("during-b") && rb.label === "labelled during the sync";
    };
    let runs = await shown();
    while (!landed(runs)) {
      if (Date.now() > deadline) throw new Error(`the writes were not indexed: ${JSON.stringify(runs)}`);
      await sleep(200);
      runs = await shown();
    }
    expect(runs.find((r) => r.id === a)!.comments.map((c) => c.msg)).toEqual(["written during the sync"]);
    expectWhole(ws);
  }, 240_000);

  it("writers at once wait for each other: every write lands once, the index stays whole", async () => {
    const ws = workspace();
    expect(run(ws, ["index"]).status).toBe(0);
    const ids = (JSON.parse(run(ws, ["query", "--no-refresh", "1:2", "--format", "json"]).stdout) as { id: string }[]).map((r) => r.id);
    const [a, b] = [ids[0]!, ids[1]!];
    const ROUNDS = 3;
    for (let round = 1; round <= ROUNDS; round++) {
      const results = await Promise.all([
        runAsync(ws, ["tag", a, "--add", `r${round}-x`]),
        runAsync(ws, ["tag", a, "--add", `r${round}-y`]),
        runAsync(ws, ["comment", a, "-m", `round ${round}`]),
        runAsync(ws, ["label", b, "--set", `round ${round}`]),
        runAsync(ws, ["group", "create", a, b, "--label", `made at once ${round}`]),
        runAsync(ws, ["index"]),
      ]);
      for (const r of results) {
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
      }
    }
    const [ra] = JSON.parse(run(ws, ["query", "--no-refresh", a, "--format", "json"]).stdout) as RunJson[];
    const [rb] = JSON.parse(run(ws, ["query", "--no-refresh", b, "--format", "json"]).stdout) as RunJson[];
    for (let round = 1; round <= ROUNDS; round++) expect(ra!.tags).toEqual(expect.arrayContaining([`r${round}-x`, `r${round}-y`]));
    expect(ra!.comments.map((c) => c.msg).sort()).toEqual(Array.from({ length: ROUNDS }, (_, i) => `round ${i + 1}`));
    expect(rb!.label).toMatch(/^round [1-3]$/u);
    const groups = JSON.parse(run(ws, ["query", "--no-refresh", "--groups", "--all", "--label", "made at once", "--format", "json"]).stdout) as GroupJson[];
    expect(groups.map((g) => g.label).sort()).toEqual(Array.from({ length: ROUNDS }, (_, i) => `made at once ${i + 1}`));
    for (const g of groups) expect([...g.members].sort()).toEqual([a, b].sort());
    expectWhole(ws);

    // A writer that outwaits the lock (held here for longer than its 10 s) has written all the
    // same: it says so and succeeds, and the next pass shows the entry, once.
    writeFileSync(lockPath(ws.dbPath), `${process.pid} catalog reindex\n`);
    const late = await runAsync(ws, ["comment", b, "-m", "outwaited"]);
    rmSync(lockPath(ws.dbPath));
    expect([late.status, late.stderr]).toEqual([0, `catalog: written; the index ${ws.dbPath} is being written by catalog reindex (pid ${process.pid}) right now: the next index pass (the daemon's, or the next query's) shows the change\n`]);
    const [after] = JSON.parse(run(ws, ["query", b, "--format", "json"]).stdout) as RunJson[];
    expect(after!.comments.map((c) => c.msg)).toEqual(["outwaited"]);
    expectWhole(ws);
  }, 120_000);
});
