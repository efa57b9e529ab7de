/**
 * npm run bench [-- --quick] [-- --sizes 1000,10000] [-- --out docs/benchmarks.md]
 *
 * Times catalog against baselines measured in the same run, for corpora of 1k, 10k and 100k runs
 * (quick: 1k and 10k), and writes the table to docs/benchmarks.md (a full run) or prints it.
 * Corpora are generated once into $CATALOG_BENCH_DIR (default: <tmp>/catalog-bench) and reused.
 * This is a script, not a test: nothing here asserts, it measures and reports.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ARCHIVES_DIR, classifyEntry } from "../src/disk/entries.js";
import { CORPUS_MARKER, writeCorpus } from "../src/fixtures/corpus.js";
import { logRunAttrs } from "../src/fixtures/gage-writer.js";
import { openDb } from "../src/index/db.js";
import { packageRoot } from "../src/package-root.js";
import { queryRuns } from "../src/query/runs.js";

const ROOT = packageRoot();
const BIN = join(ROOT, "bin", "catalog");
const NAIVE = join(ROOT, "dist", "scripts", "naive-list.js");
const QUERY_WHERE = join(ROOT, "dist", "scripts", "query-where.js");
/** The `--where` rows; measured through the library until the CLI has the option. */
const WHERE_METRIC = "metrics.loss < 0.2";
const WHERE_TAG = "tags contains color=green";

interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function repeat(n: number, fn: () => number): Stat {
  return stat(Array.from({ length: n }, fn));
}

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

function timeSync(args: readonly string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0]!, args.slice(1), { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "mu").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** A corpus of n runs (seed 1), generated once and reused across bench runs. */
function corpus(benchDir: string, n: number, seed: number, name = `runs-${n}`): string {
  const dir = join(benchDir, name);
  const stamp = join(benchDir, `${name}.json`);
  if (existsSync(stamp) && existsSync(join(dir, CORPUS_MARKER))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ms = timeIt(() => writeCorpus(dir, { n, seed }));
  writeFileSync(stamp, JSON.stringify({ n, seed, generatedMs: Math.round(ms) }));
  process.stderr.write(`generated ${n} runs in ${(ms / 1000).toFixed(1)} s: ${dir}\n`);
  return dir;
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
  syncRefresh: Stat;
  query: Stat;
  naive: Stat;
  queryRuns: Stat;
  /** the library's listing as a process (scripts/query-where.ts): newest runs, --where metric, --where tag */
  libNewest: Stat;
  libMetric: Stat;
  libTag: Stat;
  /** the same in this process: open a read-only connection, queryRuns, close */
  inNewest: Stat;
  inMetric: Stat;
  inTag: Stat;
  latency: Stat;
  daemonRssMb: number;
  daemonPeakMb: number;
  daemonWatches: number;
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
  const queryRunsStat = repeat(20, () => timeSync(cat("query", "--no-refresh")));
  const lib = (where?: string) => [process.execPath, QUERY_WHERE, db, ...(where === undefined ? [] : [where])];
  const libNewest = repeat(20, () => timeSync(lib()));
  const libMetric = repeat(20, () => timeSync(lib(WHERE_METRIC)));
  const libTag = repeat(20, () => timeSync(lib(WHERE_TAG)));
  const inProcess = (where?: string) =>
    repeat(10, () => {
      const conn = openDb(db, { readonly: true });
      const t = timeIt(() => queryRuns(conn, { tags: [], statuses: [], containers: ["active"], ...(where === undefined ? {} : { where }) }, undefined, 20));
      conn.close();
      return t;
    });
  const inNewest = inProcess();
  const inMetric = inProcess(WHERE_METRIC);
  const inTag = inProcess(WHERE_TAG);
  const naive = repeat(n >= 100_000 ? 3 : 5, () => timeSync([process.execPath, NAIVE, runsDir, "--tag", "color=green"]));

  // The daemon: visible-change latency (file written → row readable) and its memory.
  const start = spawnSync(process.execPath, [BIN, "daemon", "start", "--runs-dir", runsDir, "--db", db], { encoding: "utf8" });
  if (start.status !== 0) throw new Error(`daemon start: ${start.stderr}`);
  const pid = Number(readFileSync(`${db}.daemon.pid`, "utf8"));
  const reader = new Database(db, { readonly: true });
  const probe = reader.prepare("SELECT 1 FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? AND key = ?").pluck();
  const runIds = (reader.prepare("SELECT id FROM runs ORDER BY id LIMIT 10").pluck().all() as string[]);
  const latencies: number[] = [];
  const written: string[] = [];
  for (const [i, id] of runIds.entries()) {
    const tag = `tag:bench-${Date.now()}-${i}`;
    const t = process.hrtime.bigint();
    written.push(join(runsDir, `${id}.user`, logRunAttrs(runsDir, id, "bench", { [tag]: "" }, [], Date.now(), undefined)));
    for (;;) {
      if (probe.get(id, tag)) break;
      if (Number(process.hrtime.bigint() - t) / 1e6 > 10_000) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    await new Promise((r) => setTimeout(r, 50));
  }
  reader.close();
  await new Promise((r) => setTimeout(r, 1000));
  const daemonRssMb = (procStatusKb(pid, "VmRSS") ?? 0) / 1024;
  const daemonPeakMb = (procStatusKb(pid, "VmHWM") ?? 0) / 1024;
  const status = JSON.parse(readFileSync(`${db}.daemon.json`, "utf8")) as { watches: number };
  spawnSync(process.execPath, [BIN, "daemon", "stop", "--runs-dir", runsDir, "--db", db]);
  for (const f of written) rmSync(f, { force: true });
  timeSync(cat("index"));

  return {
    n,
    entries: readdirSync(runsDir).length,
    readFloor,
    index,
    indexRssMb: indexRssKb / 1024,
    statFloor,
    nodeE0,
    refresh,
    syncRefresh,
    query,
    naive,
    queryRuns: queryRunsStat,
    libNewest,
    libMetric,
    libTag,
    inNewest,
    inMetric,
    inTag,
    latency: stat(latencies),
    daemonRssMb,
    daemonPeakMb,
    daemonWatches: status.watches,
  };
}

const ms = (s: Stat) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const fmt = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const ratio = (a: Stat, b: Stat) => `${(a.median / b.median).toFixed(2)}×`;

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
    row("refresh after 1k runs synced in", (r) => ms(r.syncRefresh)),
    row("**`query --groups --tag color=green --no-refresh`** (20 runs)", (r) => ms(r.query)),
    row("→ query / `node -e 0`", (r) => ratio(r.query, r.nodeE0)),
    row("naive lister (reads every run's files per query)", (r) => ms(r.naive)),
    row("→ query / naive lister", (r) => `${(r.query.median / r.naive.median).toFixed(3)}× (${(r.naive.median / r.query.median).toFixed(0)}× faster)`),
    row("`query --no-refresh` (20 newest runs)", (r) => ms(r.queryRuns)),
    // TODO(--where in the CLI): time `catalog query --no-refresh --where …` here instead
    row("library as a process (`scripts/query-where.ts`): 20 newest runs", (r) => ms(r.libNewest)),
    row(`library as a process: \`--where "${WHERE_METRIC}"\` (CLI option not wired yet)`, (r) => ms(r.libMetric)),
    row(`library as a process: \`--where "${WHERE_TAG}"\` (CLI option not wired yet)`, (r) => ms(r.libTag)),
    row("→ in process, open + `queryRuns`: newest / metric / tag", (r) => [r.inNewest, r.inMetric, r.inTag].map((x) => `${x.median.toFixed(1)} ms`).join(" / ")),
    row("daemon: file written → visible in the DB (10 changes)", (r) => ms(r.latency)),
    row("daemon RSS after catching up (peak)", (r) => `${r.daemonRssMb.toFixed(0)} MB (${r.daemonPeakMb.toFixed(0)} MB)`),
    row("daemon watches (directories)", (r) => String(r.daemonWatches)),
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
        `daemon latency ${g((r) => r.latency.median)}.`,
      "",
      `Listing growth, the same sizes: newest runs ${g((r) => r.queryRuns.median)} (in process ${g((r) => r.inNewest.median)}), ` +
        `--where metric ${g((r) => r.libMetric.median)} (in process ${g((r) => r.inMetric.median)}), ` +
        `--where tag ${g((r) => r.libTag.median)} (in process ${g((r) => r.inTag.median)}).`,
    );
  }
  return lines.join("\n");
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
    const doc = readFileSync(out, "utf8");
    const begin = "<!-- bench:begin -->";
    const end = "<!-- bench:end -->";
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    if (i < 0 || j < 0) throw new Error(`${out} has no ${begin} … ${end} section`);
    writeFileSync(out, `${doc.slice(0, i + begin.length)}\n${machine}\n\n${table}\n${doc.slice(j)}`);
    process.stderr.write(`wrote ${out}\n`);
  }
}

await main(process.argv.slice(2));
