import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { BrokenCase } from "../src/fixtures/broken.js";
import { BIN } from "./helpers.js";

export interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  /** killed (SIGKILL) past this; the caller asserts it was not */
  readonly timeoutMs?: number;
  /** a command line to put before `node bin/catalog` (runuser, /usr/bin/time) */
  readonly prefix?: readonly string[];
}

/** `catalog <args>` as a process, bounded in time: a hang is a kill, and a kill fails `finished`. */
export function catalog(args: readonly string[], o: RunOptions = {}): Run {
  const [cmd, ...rest] = [...(o.prefix ?? []), process.execPath, BIN, ...args];
  const t = Date.now();
  const r = spawnSync(cmd!, rest, { encoding: "utf8", timeout: o.timeoutMs ?? 60_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ms: Date.now() - t };
}

/** The process ended by itself (no timeout kill, no crash signal) with `status`. */
export function expectFinished(r: Run, status: number, what: string): void {
  expect(r.signal, `${what} was killed (hung?) after ${r.ms} ms; stderr: ${r.stderr}`).toBeNull();
  expect(r.status, `${what} exit status; stderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`).toBe(status);
}

export interface CheckLines {
  readonly errors: string[];
  readonly notes: string[];
}

export function checkLines(stdout: string): CheckLines {
  const lines = stdout.split("\n");
  return { errors: lines.filter((l) => l.startsWith("index error: ")), notes: lines.filter((l) => l.startsWith("note: ")) };
}

/**
 * Every expected problem of every case is a line of `catalog check` naming its path, with its
 * reason; and every error line names a path some case expects (nothing fine is reported).
 */
export function expectCasesReported(runsDir: string, cases: readonly BrokenCase[], check: CheckLines): void {
  const expected = (kind: "errors" | "notes") => cases.flatMap((c) => c[kind].map((e) => ({ c, abs: join(runsDir, e.path), message: e.message })));
  for (const kind of ["errors", "notes"] as const) {
    const prefix = kind === "errors" ? "index error: " : "note: ";
    const exp = expected(kind);
    for (const e of exp) {
      const lines = check[kind].filter((l) => l.startsWith(`${prefix}${e.abs}: `));
      expect(lines.length, `${e.c.name}: no ${kind} line for ${e.abs}`).toBeGreaterThan(0);
      expect(lines.some((l) => e.message.test(l.slice(prefix.length + e.abs.length + 2))), `${e.c.name}: ${lines.join("\n")} does not match ${e.message}`).toBe(true);
    }
    for (const line of check[kind]) {
      expect(exp.some((e) => line.startsWith(`${prefix}${e.abs}: `)), `unexpected: ${line}`).toBe(true);
    }
  }
}

export interface Listing {
  readonly runs: ReadonlyMap<string, { label: string | null }>;
  readonly groups: ReadonlyMap<string, { label: string | null }>;
}

export function listing(runsDir: string, dbPath: string, o: RunOptions = {}): Listing & { outputs: string[] } {
  const ask = (extra: string[]) => {
    const r = catalog(["query", "--no-refresh", "--all", "--format", "json", "--runs-dir", runsDir, "--db", dbPath, ...extra], o);
    expectFinished(r, 0, `query ${extra.join(" ")}`);
    const rows = JSON.parse(r.stdout) as { id: string; label: string | null }[];
    return { map: new Map(rows.map((x) => [x.id, { label: x.label }])), out: r.stdout + r.stderr };
  };
  const runs = ask([]);
  const groups = ask(["--groups"]);
  return { runs: runs.map, groups: groups.map, outputs: [runs.out, groups.out] };
}

/** Listed and hidden runs and groups, and labels, are as each case says. */
export function expectCasesListed(cases: readonly BrokenCase[], l: Listing): void {
  for (const c of cases) {
    for (const id of c.listed) expect(l.runs.has(id), `${c.name}: run ${id} not listed`).toBe(true);
    for (const id of c.hidden) expect(l.runs.has(id), `${c.name}: run ${id} listed`).toBe(false);
    for (const id of c.groups) expect(l.groups.has(id), `${c.name}: group ${id} not listed`).toBe(true);
    for (const id of c.hiddenGroups) expect(l.groups.has(id), `${c.name}: group ${id} listed`).toBe(false);
    for (const [id, label] of Object.entries(c.labels)) {
      expect((l.runs.get(id) ?? l.groups.get(id))?.label, `${c.name}: label of ${id}`).toBe(label);
    }
  }
}

/** The secret is in no output and nowhere in the database files (main file, WAL, shared memory). */
export function expectNoSecret(secret: string, outputs: readonly string[], dbPath: string): void {
  for (const o of outputs) expect(o.includes(secret), `output holds the secret: ${o.slice(o.indexOf(secret) - 200, o.indexOf(secret) + 50)}`).toBe(false);
  const needle = Buffer.from(secret);
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    if (existsSync(f)) expect(readFileSync(f).includes(needle), `${f} holds the secret`).toBe(false);
  }
}
