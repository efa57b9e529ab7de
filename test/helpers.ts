import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach } from "vitest";
import { openDb, type Db } from "../src/index/db.js";
import { indexRunsDir, type IndexStats } from "../src/index/indexer.js";
import { SqliteSink } from "../src/index/sqlite-sink.js";
import { migrate } from "../src/index/migrate.js";
import type { RunSpec } from "../src/fixtures/gage-writer.js";

export const ROOT = resolve(import.meta.dirname, "..");
export const BIN = join(ROOT, "bin", "catalog");

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp dir, removed after the test. */
export function tempDir(prefix = "catalog-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A runs dir and a database path in one temp dir. */
export function workspace(): { runsDir: string; dbPath: string; dir: string } {
  const dir = tempDir();
  return { dir, runsDir: join(dir, "runs"), dbPath: join(dir, "catalog.sqlite") };
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/catalog` as a separate process, as a user would. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking the event loop (for tests that run processes side by side). */
export function cliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** `catalog <args> --format json` against a workspace, parsed; fails loudly on a non-zero exit. */
export function cliJson<T = Record<string, unknown>>(ws: { runsDir: string; dbPath: string }, args: readonly string[]): T[] {
  const r = cli([...args, "--runs-dir", ws.runsDir, "--db", ws.dbPath, "--format", "json"]);
  if (r.status !== 0) throw new Error(`catalog ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

/** Indexes in-process into a real SQLite file; returns the open database. */
export async function indexed(runsDir: string, dbPath: string): Promise<{ db: Db; stats: IndexStats }> {
  const db = openDb(dbPath);
  await migrate(db);
  const stats = await indexRunsDir(new SqliteSink(db, runsDir), { runsDir });
  return { db, stats };
}

/** A run that ran and finished (exit 0 unless told), with its meta as `extra` overrides. */
export function finishedRun(id: string, extra: Partial<RunSpec> = {}): RunSpec {
  return {
    id,
    opref: { ns: "p", name: "train" },
    staged: us("2024-06-20T10:00:00Z"),
    started: us("2024-06-20T10:00:01Z"),
    stopped: us("2024-06-20T10:00:02Z"),
    exit: 0,
    ...extra,
  };
}

/** Epoch µs for a UTC ISO time with up to 6 fraction digits, for fixtures. */
export function us(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/u.exec(iso);
  if (!m) throw new Error(`not a UTC ISO time: ${iso}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? "").padEnd(6, "0"));
}
