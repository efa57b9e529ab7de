/**
 * What the bench scripts share: samples and their statistics, processes timed, the corpora they
 * generate once and reuse, and how figures are printed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS_MARKER, writeCorpus } from "../src/fixtures/corpus.js";

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stat(samples: readonly number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

export function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function repeat(n: number, fn: () => number): Stat {
  return stat(Array.from({ length: n }, fn));
}

/**
 * Wall ms of a process run to completion; a failure stops the bench (its figures would lie).
 * Its output goes to a pipe, read and dropped, as when a user pipes a query into `head` or `jq`
 * (not /dev/null, a character device that a process must ask whether it is a terminal).
 */
export function timeSync(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0]!, args.slice(1), { stdio: ["ignore", "pipe", "pipe"], env, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString().trim()}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** A corpus of n runs, generated once and reused across bench runs. */
export function corpus(benchDir: string, n: number, seed: number, name = `runs-${n}`): string {
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

export const fmt = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
export const ms = (s: Stat) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
export const ratio = (a: Stat, b: Stat) => `${(a.median / b.median).toFixed(2)}×`;

/** Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in a doc. */
export function replaceSection(doc: string, name: string, text: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`no ${begin} … ${end} section`);
  return `${doc.slice(0, i + begin.length)}\n${text}\n${doc.slice(j)}`;
}
