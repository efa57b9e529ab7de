/**
 * The team database's figures (`npm run bench -- --only team`, docs/benchmarks.md "Team
 * database"): the same corpus indexed into SQLite and into PostgreSQL, each index, no-change
 * refresh and everyday query timed as a process beside `node -e 0`; then a query point at ten
 * times the runs (a million from the 100k corpus), whose rows are generated straight into a copy of the PostgreSQL database (nine
 * more sources holding the corpus's runs under new ids), not indexed from disk.
 *
 * The server: CATALOG_BENCH_PG_URL, else a throwaway cluster started with scripts/pg-cluster.sh
 * and stopped at the end. Its bench databases are named catalog_bench_*.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { fmt, ms, ratio, repeat, stat, timeSync, type Stat } from "./bench-util.js";

export interface BackendFigures {
  index: Stat;
  refresh: Stat;
  queries: Stat[];
}

export interface TeamResult {
  n: number;
  nodeE0: Stat;
  sqlite: BackendFigures;
  postgres: BackendFigures;
  /** the queries on PostgreSQL with 10 × n runs (generated rows) */
  tenfold: { runs: number; generateMs: number; queries: Stat[] } | null;
}

/** What a team queries every day; PostgreSQL spans every source, SQLite reads its one runs dir. */
export const TEAM_QUERIES: readonly { label: string; args: readonly string[] }[] = [
  { label: "`query` (the 20 newest runs)", args: ["query"] },
  { label: "`query --groups --tag color=green`", args: ["query", "--groups", "--tag", "color=green"] },
  { label: '`query --where "metrics.loss < 0.2"`', args: ["query", "--where", "metrics.loss < 0.2"] },
  { label: '`query --where "tags contains color=green" --sort -metrics.loss`', args: ["query", "--where", "tags contains color=green", "--sort", "-metrics.loss"] },
];

const COPIES = 9;

export interface PgServer {
  url: string;
  stop: () => void;
}

/** CATALOG_BENCH_PG_URL, else a throwaway cluster (needs Debian's postgresql). */
export function pgServer(root: string): PgServer {
  const given = process.env["CATALOG_BENCH_PG_URL"];
  if (given) return { url: given, stop: () => {} };
  const script = join(root, "scripts", "pg-cluster.sh");
  const r = spawnSync("bash", [script, "start"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench: no PostgreSQL: set CATALOG_BENCH_PG_URL or install postgresql (${r.stderr.trim()})`);
  const [dir, url] = r.stdout.trim().split("\n").slice(-2) as [string, string];
  return { url, stop: () => void spawnSync("bash", [script, "stop", dir], { stdio: "ignore" }) };
}

function urlFor(server: string, database: string): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// Database names below are made here from numbers, never from input.
const recreate = (server: string, name: string, template?: string) =>
  admin(server, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  });

/** Each backend's figures as they are taken: a long run stopped halfway still says something. */
function progress(backend: string, b: BackendFigures): void {
  process.stderr.write(`  ${backend}: index ${ms(b.index)}, refresh ${ms(b.refresh)}; ${TEAM_QUERIES.map((q, i) => `${q.label} ${ms(b.queries[i]!)}`).join("; ")}\n`);
}

/** `tenfold`: also the query point at ten times the runs (the bench's largest size). */
export async function benchTeam(bin: string, runsDir: string, benchDir: string, n: number, server: string, tenfold: boolean): Promise<TeamResult> {
  const reps = n >= 100_000 ? 2 : 3;
  const sqliteDb = join(benchDir, `team-${n}.sqlite`);
  const pgName = `catalog_bench_${n}`;
  const pgDb = urlFor(server, pgName);
  const cat = (...a: string[]) => [process.execPath, bin, ...a];
  const onSqlite = (...a: string[]) => cat(...a, "--runs-dir", runsDir, "--db", sqliteDb);
  const removeSqlite = () => {
    for (const s of ["", "-wal", "-shm", ".lock"]) rmSync(`${sqliteDb}${s}`, { force: true });
  };

  process.stderr.write(`bench team: SQLite, ${n} runs…\n`);
  const sqliteIndex: number[] = [];
  for (let i = 0; i < reps; i++) {
    removeSqlite();
    sqliteIndex.push(timeSync(onSqlite("index")));
  }
  const sqlite: BackendFigures = {
    index: stat(sqliteIndex),
    refresh: repeat(3, () => timeSync(onSqlite("index"))),
    queries: TEAM_QUERIES.map((q) => repeat(10, () => timeSync(onSqlite(...q.args, "--no-refresh")))),
  };
  removeSqlite();
  progress("SQLite", sqlite);

  process.stderr.write(`bench team: PostgreSQL, ${n} runs…\n`);
  const pgIndex: number[] = [];
  for (let i = 0; i < reps; i++) {
    await recreate(server, pgName);
    pgIndex.push(timeSync(cat("index", "--runs-dir", runsDir, "--db", pgDb)));
  }
  const postgres: BackendFigures = {
    index: stat(pgIndex),
    refresh: repeat(3, () => timeSync(cat("index", "--runs-dir", runsDir, "--db", pgDb))),
    // no --runs-dir: a team's query spans every source and indexes nothing first
    queries: TEAM_QUERIES.map((q) => repeat(10, () => timeSync(cat(...q.args, "--db", pgDb)))),
  };
  progress("PostgreSQL", postgres);
  const nodeE0 = repeat(20, () => timeSync([process.execPath, "-e", "0"]));

  let big: TeamResult["tenfold"] = null;
  if (tenfold) {
    process.stderr.write(`bench team: PostgreSQL, ${n * (COPIES + 1)} runs (generated rows)…\n`);
    const bigName = `catalog_bench_${n * (COPIES + 1)}`;
    const bigDb = urlFor(server, bigName);
    await recreate(server, bigName, pgName);
    const t = Date.now();
    await admin(bigDb, (c) => generateCopies(c, runsDir));
    const generateMs = Date.now() - t;
    timeSync(cat("query", "--db", bigDb)); // warm the server's cache once, as a team's would be
    big = {
      runs: n * (COPIES + 1),
      generateMs,
      queries: TEAM_QUERIES.map((q) => repeat(10, () => timeSync(cat(...q.args, "--db", bigDb)))),
    };
    process.stderr.write(`  PostgreSQL, ${big.runs} runs: ${TEAM_QUERIES.map((q, i) => `${q.label} ${ms(big!.queries[i]!)}`).join("; ")}\n`);
  }
  return { n, nodeE0, sqlite, postgres, tenfold: big };
}

/**
 * Nine more sources, each the first source's rows under new ids (a run's or group's id with its
 * first byte shifted by the copy's number, in every place the id appears), with the
 * derived tables copied alongside: what indexing nine more machines' runs dirs would leave.
 */
async function generateCopies(c: pg.Client, runsDir: string): Promise<void> {
  const cols = async (table: string, skip: readonly string[] = []) =>
    (
      await c.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
      )
    ).rows
      .map((r) => r.column_name)
      .filter((n) => !skip.includes(n));
  const runCols = await cols("runs", ["source_id", "id"]);
  await c.query("BEGIN");
  for (const t of ["runs", "moves", "groups", "attr_log", "run_shown", "run_values", "current_attrs", "group_state"]) {
    await c.query(`CREATE TEMP TABLE o_${t} AS SELECT * FROM ${t}`);
  }
  for (let k = 1; k <= COPIES; k++) {
    // the first byte shifted by k: a bijection per copy, and no two copies (nor the original) meet
    const f = (col: string) => `lpad(to_hex((('x' || substr(${col}, 1, 2))::bit(8)::int + ${k}) % 256), 2, '0') || substr(${col}, 3)`;
    const src = (await c.query<{ id: number }>("INSERT INTO sources (host, runs_dir) VALUES ($1, $2) RETURNING id", [`generated-${k}`, runsDir])).rows[0]!.id;
    await c.query(`INSERT INTO runs (source_id, id, ${runCols.join(", ")}) SELECT $1, ${f("id")}, ${runCols.join(", ")} FROM o_runs`, [src]);
    await c.query(`INSERT INTO moves (source_id, run_id, marker, container) SELECT $1, ${f("run_id")}, marker, container FROM o_moves`, [src]);
    await c.query(`INSERT INTO groups (source_id, id, name, dir_name) SELECT $1, ${f("id")}, name, ${f("dir_name")} FROM o_groups`, [src]);
    await c.query(
      `INSERT INTO attr_log (source_id, owner_kind, owner_id, log_name, author, set_json, delete_json)
       SELECT $1, owner_kind, ${f("owner_id")}, log_name, author, coalesce((SELECT jsonb_object_agg(CASE WHEN key LIKE 'run:%' THEN 'run:' || ${f("substr(key, 5)")} ELSE key END, value) FROM jsonb_each(set_json::jsonb))::text, '{}'),
              delete_json FROM o_attr_log`,
      [src],
    );
    await c.query(`INSERT INTO run_shown (run_id, source_id, timestamp, container) SELECT ${f("run_id")}, $1, timestamp, container FROM o_run_shown`, [src]);
    await c.query(`INSERT INTO run_values (run_id, section, key, num, text) SELECT ${f("run_id")}, section, key, num, text FROM o_run_values`);
    await c.query(
      `INSERT INTO current_attrs (owner_kind, owner_id, key, value_json)
       SELECT owner_kind, ${f("owner_id")}, CASE WHEN key LIKE 'run:%' THEN 'run:' || ${f("substr(key, 5)")} ELSE key END, value_json FROM o_current_attrs`,
    );
    await c.query(`INSERT INTO group_state (id, operation, started, status, source_id) SELECT ${f("id")}, operation, started, status, $1 FROM o_group_state`, [src]);
  }
  await c.query("DELETE FROM container_counts");
  await c.query("INSERT INTO container_counts (container, n) SELECT container, count(*) FROM run_shown GROUP BY container");
  await c.query("COMMIT");
  await c.query("VACUUM ANALYZE");
}

export function reportTeam(results: readonly TeamResult[]): string {
  const cols = results.map((r) => `${r.n / 1000}k runs`);
  const row = (label: string, f: (r: TeamResult) => string) => `| ${label} | ${results.map(f).join(" | ")} |`;
  const both = (label: string, f: (b: BackendFigures) => Stat) => [
    row(`${label}: SQLite`, (r) => ms(f(r.sqlite))),
    row(`${label}: PostgreSQL`, (r) => `${ms(f(r.postgres))} → ${ratio(f(r.postgres), f(r.sqlite))} SQLite's`),
  ];
  const lines = [
    `| measure (median, min–max) | ${cols.join(" | ")} |`,
    `|---|${cols.map(() => "---").join("|")}|`,
    row("`node -e 0`", (r) => ms(r.nodeE0)),
    ...both("**full index** (`catalog index`, fresh database)", (b) => b.index),
    ...both("**no-change refresh** (`catalog index`)", (b) => b.refresh),
    ...TEAM_QUERIES.flatMap((q, i) => [
      row(`${q.label}: SQLite → / \`node -e 0\``, (r) => `${ms(r.sqlite.queries[i]!)} → ${ratio(r.sqlite.queries[i]!, r.nodeE0)}`),
      row(`${q.label}: PostgreSQL → / \`node -e 0\``, (r) => `${ms(r.postgres.queries[i]!)} → ${ratio(r.postgres.queries[i]!, r.nodeE0)}`),
    ]),
  ];
  const big = results.find((r) => r.tenfold !== null);
  if (big?.tenfold) {
    const t = big.tenfold;
    lines.push(
      "",
      `PostgreSQL with ${t.runs / 1e6}M runs (${big.n / 1000}k indexed from disk, ${COPIES} more sources generated straight into the database as copies under new ids, in ${fmt(t.generateMs)}):`,
      "",
      "| query (median, min–max) | time | / `node -e 0` | / the same at " + `${big.n / 1000}k |`,
      "|---|---|---|---|",
      ...TEAM_QUERIES.map((q, i) => `| ${q.label} | ${ms(t.queries[i]!)} | ${ratio(t.queries[i]!, big.nodeE0)} | ${ratio(t.queries[i]!, big.postgres.queries[i]!)} |`),
    );
  }
  return lines.join("\n");
}
