/**
 * npm run bench [-- --quick] [-- --sizes 1000,10000] [-- --out docs/benchmarks.md] [-- --only daemon|queries|web|team]
 *
 * `--only daemon` measures just the daemon (on a corpus indexed once if need be) and prints its
 * rows without writing docs/benchmarks.md; `--only web` likewise `catalog serve`'s API and the
 * page's first render in Chromium (scripts/bench-web.ts); `--only team` SQLite beside PostgreSQL
 * at 100k runs and PostgreSQL at 1M (scripts/bench-team.ts), into the doc's team section.
 * Times catalog against baselines measured in the same run, for corpora of 1k, 10k and 100k runs
 * (quick: 1k and 10k), and writes the table to docs/benchmarks.md (a full run) or prints it.
 * Corpora are generated once into $CATALOG_BENCH_DIR (default: <tmp>/catalog-bench) and reused.
 * This is a script, not a test: nothing here asserts, it measures and reports.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ARCHIVES_DIR, classifyEntry } from "../src/disk/entries.js";
import { CORPUS_MARKER } from "../src/fixtures/corpus.js";
import { logRunAttrs, writeRun } from "../src/fixtures/gage-writer.js";
import { packageRoot } from "../src/package-root.js";
import { benchTeam, pgServer, reportTeam, type TeamResult } from "./bench-team.js";
import { benchWeb, type WebResult } from "./bench-web.js";
import { corpus, fmt, ms, ratio, repeat, replaceSection, stat, timeIt, timeSync, type Stat } from "./bench-util.js";

const ROOT = packageRoot();
const BIN = join(ROOT, "bin", "catalog");
const NAIVE = join(ROOT, "dist", "scripts", "naive-list.js");

/** Runs a process to completion; returns wall ms and the peak RSS (VmHWM) sampled from /proc. */
function runProcess(args: readonly string[], opts: { sampleRss?: boolean } = {}): Promise<{ ms: number; peakKb: number; code: number | null }> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(args[0]!, args.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let peakKb = 0;
    const timer = opts.sampleRss
      ? setInterval(() => {
          const kb = procStatusKb(child.pid!, "VmHWM");
          if (kb !== null) peakKb = Math.max(peakKb, kb);
        }, 20)
      : null;
    child.on("close", (code) => {
      if (timer) clearInterval(timer);
      if (code !== 0) process.stderr.write(`bench: ${args.join(" ")} exited ${code}: ${stderr}\n`);
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, peakKb, code });
    });
  });
}

function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "mu").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The read floor: every file the indexer reads, read once, not parsed. */
function readEverything(runsDir: string): number {
  let bytes = 0;
  const read = (p: string) => {
    try {
      bytes += readFileSync(p).length;
    } catch {
      // absent members are absent for the indexer too
    }
  };
  const readDir = (p: string, filter: (n: string) => boolean) => {
    for (const n of readdirSync(p)) if (filter(n)) read(join(p, n));
  };
  for (const name of readdirSync(runsDir)) {
    const path = join(runsDir, name);
    switch (classifyEntry(name).kind) {
      case "meta-dir":
      case "legacy-meta-dir":
        for (const m of ["opref", "id", "initialized", "staged", "started", "stopped", "proc/exit", "proc/lock", "config.json", "summary.json"]) {
          read(join(path, m));
        }
        break;
      case "meta-zip":
      case "legacy-meta-zip":
        read(path);
        break;
      case "user":
      case "legacy-user":
        readDir(path, (n) => n.endsWith(".json"));
        break;
      case "group":
        read(join(path, "id"));
        readDir(path, (n) => n.endsWith(".json"));
        break;
      case "move":
        readdirSync(path);
        break;
      case "archives":
        if (name === ARCHIVES_DIR) for (const a of readdirSync(path)) readDir(join(path, a), () => true);
        break;
      default:
        break;
    }
  }
  return bytes;
}

function statEverything(runsDir: string): void {
  for (const name of readdirSync(runsDir)) statSync(join(runsDir, name), { bigint: true });
}

interface SizeResult {
  n: number;
  entries: number;
  readFloor: Stat;
  index: Stat;
  indexRssMb: number;
  statFloor: Stat;
  nodeE0: Stat;
  refresh: Stat;
  /** `node -e` listing and stat'ing every entry: the refresh floor as one process */
  statProcess: Stat;
  syncRefresh: Stat;
  query: Stat;
  naive: Stat;
  /** the everyday queries (EVERYDAY), each as a process, with `node -e 0` taken alongside */
  everyday: { query: Stat; node: Stat }[];
  daemon: DaemonResult;
  web: WebResult;
}

/** The queries a user types every day, timed as processes against `node -e 0` (issue 8's target). */
const EVERYDAY: readonly { label: string; args: (db: Database.Database) => string[] }[] = [
  { label: "`query` (the 20 newest runs)", args: () => ["query"] },
  { label: "`query --groups --tag color=green`", args: () => ["query", "--groups", "--tag", "color=green"] },
  { label: "`query --groups` (the 20 newest groups)", args: () => ["query", "--groups"] },
  { label: "`query --tag color=green`", args: () => ["query", "--tag", "color=green"] },
  { label: '`query --where "metrics.loss < 0.2"`', args: () => ["query", "--where", "metrics.loss < 0.2"] },
  { label: '`query --where "tags contains color=green"`', args: () => ["query", "--where", "tags contains color=green"] },
  { label: "`show 1`", args: () => ["show", "1"] },
  // a run from the middle of the listing, by the first 8 characters of its id
  {
    label: "`show <id prefix>`",
    args: (db) => ["show", (db.prepare("SELECT id FROM runs ORDER BY timestamp LIMIT 1 OFFSET (SELECT count(*) / 2 FROM runs)").pluck().get() as string).slice(0, 8)],
  },
];

/**
 * Each everyday query 20 times, alternating with `node -e 0`, so that each has its own baseline
 * taken over the same seconds: on a shared machine the load drifts within a size's minutes.
 */
function benchEveryday(cat: (...a: string[]) => string[], db: string): { query: Stat; node: Stat }[] {
  const conn = new Database(db, { readonly: true });
  const argLists = EVERYDAY.map((q) => q.args(conn));
  conn.close();
  return argLists.map((args) => {
    const query: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < 20; i++) {
      node.push(timeSync([process.execPath, "-e", "0"]));
      query.push(timeSync(cat(...args, "--no-refresh")));
    }
    return { query: stat(query), node: stat(node) };
  });
}

interface DaemonResult {
  /** `daemon start` until ready: listing and stamps, then a (no-change) full index */
  startMs: number;
  newRun: Stat;
  /** a second attr-log entry in a run made during the bench: its `.user` dir is watched */
  activeChange: Stat;
  removedRun: Stat;
  /** an attr-log entry in one of the first runs of the corpus: not watched, found by the sweep */
  oldChange: Stat;
  /** how many of those old runs' `.user` dirs were watched anyway (all, below the cap) */
  oldWatched: number;
  rssMb: number;
  peakMb: number;
  /** inotify watches: the daemon's count and the kernel's (fdinfo of its inotify fds) */
  watches: number;
  kernelWatches: number;
  watchCap: number;
  sweptDirs: number;
  sweepMs: number;
  sweepPeriodMs: number;
  fullPassPeriodMs: number;
  /** CPU time (daemon and its children) over an idle minute, % of one core */
  idleCpuPct: number;
  idleWindowS: number;
}

async function benchSize(benchDir: string, n: number): Promise<SizeResult> {
  const runsDir = corpus(benchDir, n, 1);
  const syncSrc = corpus(benchDir, 1000, 2, "sync-source-1000");
  const db = join(benchDir, `catalog-${n}.sqlite`);
  const reps = n >= 100_000 ? 3 : 5;
  const cat = (...a: string[]) => [process.execPath, BIN, ...a, "--runs-dir", runsDir, "--db", db];
  const removeDb = () => {
    for (const s of ["", "-wal", "-shm", ".lock"]) rmSync(`${db}${s}`, { force: true });
  };

  readEverything(runsDir); // into the page cache
  const readFloor = repeat(reps, () => timeIt(() => readEverything(runsDir)));

  const indexSamples: number[] = [];
  let indexRssKb = 0;
  for (let i = 0; i < reps; i++) {
    removeDb();
    const r = await runProcess(cat("index"), { sampleRss: true });
    indexSamples.push(r.ms);
    indexRssKb = Math.max(indexRssKb, r.peakKb);
  }
  const index = stat(indexSamples);

  const nodeE0 = repeat(20, () => timeSync([process.execPath, "-e", "0"]));
  const statOnly = repeat(reps, () => timeIt(() => statEverything(runsDir)));
  const statFloor: Stat = { ...statOnly, median: statOnly.median + nodeE0.median, min: statOnly.min + nodeE0.min, max: statOnly.max + nodeE0.max };
  const refresh = repeat(reps, () => timeSync(cat("index")));
  // The same floor as one fresh process: its stats cost more than this warm process's.
  const statScript = `const{readdirSync:r,statSync:s}=require("node:fs"),d=${JSON.stringify(runsDir)};for(const n of r(d))s(d+"/"+n,{bigint:true})`;
  const statProcess = repeat(reps, () => timeSync([process.execPath, "-e", statScript]));

  // A sync: 1k new runs (their entries as a copy tool leaves them), then an incremental index.
  const syncNames = readdirSync(syncSrc).filter((x) => x !== CORPUS_MARKER && x !== ARCHIVES_DIR);
  const syncSamples: number[] = [];
  for (let i = 0; i < Math.min(reps, 3); i++) {
    for (const name of syncNames) cpSync(join(syncSrc, name), join(runsDir, name), { recursive: true, preserveTimestamps: true });
    syncSamples.push(timeSync(cat("index")));
    for (const name of syncNames) rmSync(join(runsDir, name), { recursive: true, force: true });
    timeSync(cat("index"));
  }
  const syncRefresh = stat(syncSamples);

  const query = repeat(20, () => timeSync(cat("query", "--groups", "--tag", "color=green", "--no-refresh")));
  const everyday = benchEveryday(cat, db);
  const naive = repeat(n >= 100_000 ? 3 : 5, () => timeSync([process.execPath, NAIVE, runsDir, "--tag", "color=green"]));

  const daemon = await benchDaemon(runsDir, db);
  timeSync(cat("index"));
  const web = await benchWeb(BIN, runsDir, db, n);

  return {
    n,
    entries: readdirSync(runsDir).length,
    readFloor,
    index,
    indexRssMb: indexRssKb / 1024,
    statFloor,
    statProcess,
    nodeE0,
    refresh,
    syncRefresh,
    query,
    naive,
    everyday,
    daemon,
    web,
  };
}

/** The inodes a process watches, from the fdinfo of its inotify descriptors (the kernel's account). */
function kernelWatches(pid: number): number[] {
  const inodes: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== "anon_inode:inotify") continue;
      for (const m of readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8").matchAll(/^inotify wd:[0-9a-f]+ ino:([0-9a-f]+)/gmu)) inodes.push(parseInt(m[1]!, 16));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** utime + stime of a process and its waited-for children (full passes run as children), in ticks. */
function cpuTicks(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /su, "").split(" ");
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

const CLK_TCK = 100; // Linux's USER_HZ, what /proc/<pid>/stat counts in
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it holds; ms from `t` (hrtime ns). */
async function untilVisible(t: bigint, probe: () => boolean, deadlineMs = 60_000): Promise<number> {
  for (;;) {
    const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
    if (probe()) return elapsed;
    if (elapsed > deadlineMs) throw new Error(`bench: a change not visible within ${deadlineMs} ms`);
    await sleep(2);
  }
}

/**
 * The daemon on an indexed corpus: its start, the latency of each kind of change (file written →
 * row readable in the database), its memory, its watches against the kernel's count, and its CPU
 * over an idle minute. Everything it writes into the corpus is removed again.
 */
async function benchDaemon(runsDir: string, db: string): Promise<DaemonResult> {
  const cat = (...a: string[]) => [process.execPath, BIN, ...a, "--runs-dir", runsDir, "--db", db];
  const t0 = process.hrtime.bigint();
  const start = spawnSync(cat("daemon", "start")[0]!, cat("daemon", "start").slice(1), { encoding: "utf8" });
  if (start.status !== 0) throw new Error(`daemon start: ${start.stderr}`);
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const pid = Number(readFileSync(`${db}.daemon.pid`, "utf8"));
  const made: string[] = [];
  try {
    const reader = new Database(db, { readonly: true });
    const runStatus = reader.prepare("SELECT status FROM runs WHERE id = ?").pluck();
    const hasAttr = reader.prepare("SELECT 1 FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? AND key = ?").pluck();
    const firstIds = reader.prepare("SELECT id FROM runs ORDER BY id LIMIT 200").pluck().all() as string[];
    await sleep(1000);

    const ids = Array.from({ length: 5 }, (_, i) => `ffffff${String(i).padStart(2, "0")}-0000-4000-8000-${Date.now().toString(16).padStart(12, "0").slice(-12)}`);
    const newRun: number[] = [];
    const activeChange: number[] = [];
    const removedRun: number[] = [];
    for (const id of ids) {
      let t = process.hrtime.bigint();
      writeRun(runsDir, { id, opref: { ns: "bench", name: "train" }, staged: 1_700_000_000_000_000, started: 1_700_000_001_000_000, stopped: 1_700_000_002_000_000, exit: 0, zip: true, runDir: false });
      made.push(join(runsDir, `${id}.meta.zip`), join(runsDir, `${id}.user`));
      newRun.push(await untilVisible(t, () => runStatus.get(id) === "completed"));
      logRunAttrs(runsDir, id, "bench", { "tag:first": "" }, [], Date.now(), undefined);
      await untilVisible(t, () => hasAttr.get(id, "tag:first") === 1);
      await sleep(50);
      t = process.hrtime.bigint();
      logRunAttrs(runsDir, id, "bench", { "tag:second": "" }, [], Date.now(), undefined);
      activeChange.push(await untilVisible(t, () => hasAttr.get(id, "tag:second") === 1));
      await sleep(50);
    }
    for (const id of ids) {
      const t = process.hrtime.bigint();
      rmSync(join(runsDir, `${id}.meta.zip`));
      removedRun.push(await untilVisible(t, () => runStatus.get(id) === undefined));
      await sleep(50);
    }
    for (const p of made) rmSync(p, { recursive: true, force: true });

    // Old runs: among the corpus's first runs (by id) with a `.user` dir, three whose dir the
    // kernel says is not watched; all three at once, each timed.
    // Unwatched ones when there are (past the cap); below it, every `.user` dir is watched.
    const watchedNow = new Set(kernelWatches(pid));
    const isWatched = (id: string) => watchedNow.has(statSync(join(runsDir, `${id}.user`)).ino);
    const withUser = firstIds.filter((id) => existsSync(join(runsDir, `${id}.user`)));
    const old = [...withUser.filter((id) => !isWatched(id)), ...withUser.filter(isWatched)].slice(0, 3);
    const oldWatched = old.filter(isWatched).length;
    const tag = `tag:bench-old-${Date.now()}`;
    const t = process.hrtime.bigint();
    for (const id of old) made.push(join(runsDir, `${id}.user`, logRunAttrs(runsDir, id, "bench", { [tag]: "" }, [], Date.now(), undefined)));
    const oldChange = await Promise.all(old.map((id) => untilVisible(t, () => hasAttr.get(id, tag) === 1)));
    reader.close();

    await sleep(3000);
    const rssMb = (procStatusKb(pid, "VmRSS") ?? 0) / 1024;
    const peakMb = (procStatusKb(pid, "VmHWM") ?? 0) / 1024;
    const watches = kernelWatches(pid).length;
    const idleWindowS = 60;
    const c0 = cpuTicks(pid);
    await sleep(idleWindowS * 1000);
    const idleCpuPct = ((cpuTicks(pid) - c0) / CLK_TCK / idleWindowS) * 100;
    // Read after the idle minute, which holds at least one sweep.
    const status = JSON.parse(readFileSync(`${db}.daemon.json`, "utf8")) as { watches: number; watchCap: number; sweptDirs: number; lastSweepMs: number; sweepMs: number; fullPassMs: number };
    return {
      startMs,
      newRun: stat(newRun),
      activeChange: stat(activeChange),
      removedRun: stat(removedRun),
      oldChange: stat(oldChange),
      oldWatched,
      rssMb,
      peakMb,
      watches: status.watches,
      kernelWatches: watches,
      watchCap: status.watchCap,
      sweptDirs: status.sweptDirs,
      sweepMs: status.lastSweepMs,
      sweepPeriodMs: status.sweepMs,
      fullPassPeriodMs: status.fullPassMs,
      idleCpuPct,
      idleWindowS,
    };
  } finally {
    spawnSync(cat("daemon", "stop")[0]!, cat("daemon", "stop").slice(1));
    for (const p of made) rmSync(p, { recursive: true, force: true });
  }
}


function daemonRows(row: (label: string, f: (r: SizeResult) => string) => string): string[] {
  const d = (f: (d: DaemonResult) => string) => (r: SizeResult) => f(r.daemon);
  return [
    row("**daemon: new run** written → visible in the DB (5 runs)", d((x) => ms(x.newRun))),
    row("**daemon: active run's attr log** (its `.user` dir watched) → visible (5 changes)", d((x) => ms(x.activeChange))),
    row("**daemon: run removed** → gone from the DB (5 runs)", d((x) => ms(x.removedRun))),
    row("**daemon: old run's attr log** (unwatched past the cap: the 30 s sweep) → visible (3 changes)", d((x) => `${ms(x.oldChange)}; ${x.oldWatched} of 3 watched`)),
    row("daemon start → ready (listing, stamps, a no-change full index)", d((x) => fmt(x.startMs))),
    row("**daemon RSS** after catching up (peak)", d((x) => `${x.rssMb.toFixed(0)} MB (${x.peakMb.toFixed(0)} MB)`)),
    row("**daemon inotify watches** (kernel's count; cap)", d((x) => `${x.kernelWatches} (${x.watchCap})`)),
    row("daemon sweep: directories stat'ed, time", d((x) => `${x.sweptDirs} in ${fmt(x.sweepMs)}`)),
    row("**daemon idle CPU**, % of one core (60 s: 2 sweeps, 30 pid checks)", d((x) => `${x.idleCpuPct.toFixed(1)}%`)),
    row("→ with the full index every 10 min, averaged (no-change refresh / 600 s)", (r) => `${(r.daemon.idleCpuPct + (r.refresh.median / r.daemon.fullPassPeriodMs) * 100).toFixed(1)}%`),
  ];
}

function webRows(row: (label: string, f: (r: { web: WebResult }) => string) => string, results: readonly { web: WebResult }[]): string[] {
  const labels = results[0]?.web.api.map((a) => a.label) ?? [];
  return [
    row("**web: first render** of `/` in Chromium, fresh profile: by the page's clock (navigation start → groups and runs drawn)", (r) => fmt(r.web.firstRenderInPageCold)),
    row("web: the same by the client's clock (`page.goto` → both tables found)", (r) => fmt(r.web.firstRenderCold)),
    row("**web: first render again**, page files cached (5 loads), by the page's clock", (r) => ms(r.web.firstRenderInPage)),
    row("web: the same by the client's clock", (r) => ms(r.web.firstRenderWarm)),
    row("web: the runs pager says", (r) => r.web.totalShown),
    ...labels.map((label, i) => row(`web API: ${label}`, (r) => ms(r.web.api[i]!.stat))),
  ];
}

/** Only the web rows (`--only web`). */
function reportWeb(results: readonly { n: number; web: WebResult }[]): string {
  const cols = results.map((r) => `${r.n / 1000}k runs`);
  const lines = [`| catalog serve (median, min–max) | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---").join("|")}|`];
  const row = (label: string, f: (r: { web: WebResult }) => string) => `| ${label} | ${results.map(f).join(" | ")} |`;
  return [...lines, ...webRows(row, results)].join("\n");
}

/** Only the daemon's rows (`--only daemon`). */
function reportDaemon(results: readonly { n: number; daemon: DaemonResult }[]): string {
  const cols = results.map((r) => `${r.n / 1000}k runs`);
  const lines = [`| daemon (median, min–max) | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---").join("|")}|`];
  const row = (label: string, f: (r: SizeResult) => string) =>
    // The averaged row needs the refresh time, which `--only daemon` does not measure.
    label.startsWith("→") ? "" : `| ${label} | ${results.map((r) => f(r as SizeResult)).join(" | ")} |`;
  return [...lines, ...daemonRows(row).filter((l) => l !== "")].join("\n");
}

function report(results: readonly SizeResult[]): string {
  const cols = results.map((r) => `${r.n / 1000}k runs`);
  const row = (label: string, f: (r: SizeResult) => string) => `| ${label} | ${results.map(f).join(" | ")} |`;
  const lines = [
    `| measure (median, min–max) | ${cols.join(" | ")} |`,
    `|---|${cols.map(() => "---").join("|")}|`,
    row("runs-dir entries", (r) => String(r.entries)),
    row("read floor: every file the indexer reads, once", (r) => ms(r.readFloor)),
    row("**full index** (`catalog index`, fresh DB, page cache warm)", (r) => ms(r.index)),
    row("→ index / read floor", (r) => ratio(r.index, r.readFloor)),
    row("peak RSS of `catalog index`", (r) => `${r.indexRssMb.toFixed(0)} MB`),
    row("`node -e 0`", (r) => ms(r.nodeE0)),
    row("refresh floor: `node -e 0` + stat of every entry", (r) => ms(r.statFloor)),
    row("**no-change refresh** (`catalog index`)", (r) => ms(r.refresh)),
    row("→ refresh / its floor", (r) => ratio(r.refresh, r.statFloor)),
    row("refresh floor as one process (`node -e`: list and stat every entry)", (r) => ms(r.statProcess)),
    row("→ refresh / that floor", (r) => ratio(r.refresh, r.statProcess)),
    row("refresh after 1k runs synced in", (r) => ms(r.syncRefresh)),
    row("**`query --groups --tag color=green --no-refresh`** (20 runs)", (r) => ms(r.query)),
    row("→ query / `node -e 0`", (r) => ratio(r.query, r.nodeE0)),
    row("naive lister (reads every run's files per query)", (r) => ms(r.naive)),
    row("→ query / naive lister", (r) => `${(r.query.median / r.naive.median).toFixed(3)}× (${(r.naive.median / r.query.median).toFixed(0)}× faster)`),
    ...EVERYDAY.map((q, i) =>
      row(`${q.label} \`--no-refresh\` → / \`node -e 0\` run alternately with it`, (r) => `${ms(r.everyday[i]!.query)} → ${ratio(r.everyday[i]!.query, r.everyday[i]!.node)}`),
    ),
    ...daemonRows(row),
    ...webRows(row, results),
  ];
  if (results.length > 1) {
    const a = results[0]!;
    const b = results[results.length - 1]!;
    const g = (f: (r: SizeResult) => number) => `${(f(b) / f(a)).toFixed(1)}×`;
    lines.push(
      "",
      `Growth from ${a.n / 1000}k to ${b.n / 1000}k runs (${b.n / a.n}× the runs): full index ${g((r) => r.index.median)}, ` +
        `read floor ${g((r) => r.readFloor.median)}, no-change refresh ${g((r) => r.refresh.median)}, ` +
        `green-groups query ${g((r) => r.query.median)}, naive lister ${g((r) => r.naive.median)}, ` +
        `everyday queries ${EVERYDAY.map((_, i) => g((r) => r.everyday[i]!.query.median)).join(" / ")}, ` +
        `daemon latency (watched change) ${g((r) => r.daemon.activeChange.median)}.`,
    );
  }
  return lines.join("\n");
}

function pgVersion(): string {
  const r = spawnSync("psql", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().replace("psql (PostgreSQL)", "PostgreSQL") : "PostgreSQL";
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const sizesArg = argv.indexOf("--sizes");
  const sizes = sizesArg >= 0 ? argv[sizesArg + 1]!.split(",").map(Number) : quick ? [1000, 10_000] : [1000, 10_000, 100_000];
  const outArg = argv.indexOf("--out");
  const out = outArg >= 0 ? argv[outArg + 1]! : quick ? null : join(ROOT, "docs", "benchmarks.md");
  const benchDir = process.env["CATALOG_BENCH_DIR"] ?? join(tmpdir(), "catalog-bench");
  mkdirSync(benchDir, { recursive: true });
  const t0 = Date.now();
  if (argv.includes("--only") && argv[argv.indexOf("--only") + 1] === "daemon") {
    const results: { n: number; daemon: DaemonResult }[] = [];
    for (const n of sizes) {
      process.stderr.write(`bench: daemon, ${n} runs…\n`);
      const runsDir = corpus(benchDir, n, 1);
      const db = join(benchDir, `catalog-${n}.sqlite`);
      timeSync([process.execPath, BIN, "index", "--runs-dir", runsDir, "--db", db]);
      results.push({ n, daemon: await benchDaemon(runsDir, db) });
      process.stderr.write(reportDaemon(results) + "\n\n");
    }
    process.stdout.write(`${cpus().length} CPUs, Node ${process.version}; took ${((Date.now() - t0) / 1000).toFixed(0)} s\n\n${reportDaemon(results)}\n`);
    return;
  }
  if (argv.includes("--only") && argv[argv.indexOf("--only") + 1] === "web") {
    const results: { n: number; web: WebResult }[] = [];
    for (const n of sizes) {
      process.stderr.write(`bench: catalog serve, ${n} runs…\n`);
      const runsDir = corpus(benchDir, n, 1);
      const db = join(benchDir, `catalog-${n}.sqlite`);
      timeSync([process.execPath, BIN, "index", "--runs-dir", runsDir, "--db", db]);
      results.push({ n, web: await benchWeb(BIN, runsDir, db, n) });
      process.stderr.write(reportWeb(results) + "\n\n");
    }
    process.stdout.write(`${cpus().length} CPUs, Node ${process.version}; took ${((Date.now() - t0) / 1000).toFixed(0)} s\n\n${reportWeb(results)}\n`);
    return;
  }
  if (argv.includes("--only") && argv[argv.indexOf("--only") + 1] === "team") {
    // SQLite beside PostgreSQL; a full run (no --sizes) writes the "team" section of the doc.
    const teamSizes = sizesArg >= 0 ? sizes : [100_000];
    const server = pgServer(ROOT);
    try {
      const results: TeamResult[] = [];
      for (const n of teamSizes) results.push(await benchTeam(BIN, corpus(benchDir, n, 1), benchDir, n, server.url, n === Math.max(...teamSizes)));
      const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}, ${pgVersion()}, ${new Date().toISOString().slice(0, 10)}; took ${((Date.now() - t0) / 1000).toFixed(0)} s`;
      const table = reportTeam(results);
      process.stdout.write(`${machine}\n\n${table}\n`);
      const teamOut = outArg >= 0 ? out : sizesArg >= 0 ? null : join(ROOT, "docs", "benchmarks.md");
      if (teamOut) {
        writeFileSync(teamOut, replaceSection(readFileSync(teamOut, "utf8"), "team", `${machine}\n\n${table}`));
        process.stderr.write(`wrote ${teamOut}\n`);
      }
    } finally {
      server.stop();
    }
    return;
  }
  if (argv.includes("--only") && argv[argv.indexOf("--only") + 1] === "queries") {
    // Only the everyday queries (and `node -e 0`), on indexes kept from an earlier run.
    const lines = [`| query (median, min–max) → / \`node -e 0\` | ${sizes.map((n) => `${n / 1000}k runs`).join(" | ")} |`, `|---|${sizes.map(() => "---").join("|")}|`];
    const cols: { everyday: { query: Stat; node: Stat }[] }[] = [];
    for (const n of sizes) {
      const runsDir = corpus(benchDir, n, 1);
      const db = join(benchDir, `catalog-${n}.sqlite`);
      timeSync([process.execPath, BIN, "index", "--runs-dir", runsDir, "--db", db]);
      const cat = (...a: string[]) => [process.execPath, BIN, ...a, "--runs-dir", runsDir, "--db", db];
      cols.push({ everyday: benchEveryday(cat, db) });
    }
    EVERYDAY.forEach((q, i) => lines.push(`| ${q.label} | ${cols.map((c) => `${ms(c.everyday[i]!.query)} → ${ratio(c.everyday[i]!.query, c.everyday[i]!.node)}`).join(" | ")} |`));
    process.stdout.write(`${cpus().length} CPUs, Node ${process.version}; took ${((Date.now() - t0) / 1000).toFixed(0)} s\n\n${lines.join("\n")}\n`);
    return;
  }
  const results: SizeResult[] = [];
  for (const n of sizes) {
    process.stderr.write(`bench: ${n} runs…\n`);
    results.push(await benchSize(benchDir, n));
    process.stderr.write(report(results) + "\n\n");
  }
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; bench took ${((Date.now() - t0) / 1000).toFixed(0)} s`;
  const table = report(results);
  process.stdout.write(`${machine}\n\n${table}\n`);
  if (out) {
    writeFileSync(out, replaceSection(readFileSync(out, "utf8"), "bench", `${machine}\n\n${table}`));
    process.stderr.write(`wrote ${out}\n`);
  }
}

await main(process.argv.slice(2));
