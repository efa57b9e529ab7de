import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { mulberry32, writeRun } from "../src/fixtures/gage-writer.js";
import { listTargets, mutate, type Mutation, type Target } from "../src/fixtures/mutate.js";
import { catalog, checkLines, expectFinished, expectNoSecret, listing } from "./bad-input-helpers.js";
import { tempDir } from "./helpers.js";

/**
 * Bounded fuzz: a valid runs dir (meta dirs, zips, attr logs, groups, trash, an archive) is
 * damaged at random — truncated, bytes flipped, replaced by junk, deleted, renamed, chmod'ed,
 * turned into a dir, a file, a FIFO, a symlink out of the runs dir or a symlink loop — and the
 * catalog must still finish, report, list what was not touched, and leak nothing from outside.
 * Reproducible: CATALOG_FUZZ_SEED and CATALOG_FUZZ_ROUNDS choose the runs (a failure names its seed).
 */
const SEED = Number(process.env["CATALOG_FUZZ_SEED"] ?? 20240620);
const ROUNDS = Number(process.env["CATALOG_FUZZ_ROUNDS"] ?? 6);
/** each round damages the runs dir twice: before the first index, then before an incremental one */
const STEPS = 2;
const SECRET = "CATALOG-FUZZ-SECRET-5f0c1e";

interface Step {
  readonly mutations: Mutation[];
  readonly outputs: string[];
}

describe("fuzz: random damage to a valid runs dir", () => {
  it(`${ROUNDS} rounds of ${STEPS} steps from seed ${SEED}: bounded, reported, the rest listed, nothing leaks`, () => {
    const root = tempDir();
    const base = join(root, "base");
    writeCorpus(base, { n: 20, seed: SEED, zipFraction: 0.5 });
    writeRun(base, { id: "0190847b-0000-4000-8000-00000000live", opref: { ns: "p", name: "train" }, started: 1718884800000000, lockPid: 1 });
    const outside = { file: join(root, "outside", "secret.json"), dir: join(root, "outside", "dir") };
    mkdirSync(outside.dir, { recursive: true });
    writeFileSync(outside.file, JSON.stringify({ author: SECRET, set: { label: SECRET } }));
    for (const f of ["opref", "id", "config.json", "summary.json", "exit", "lock"]) writeFileSync(join(outside.dir, f), f === "opref" ? `2 ${SECRET} train` : `{"secret": "${SECRET}"}`);
    writeFileSync(join(outside.dir, "0190847b-b4cb-4000-8000-000000000001.json"), JSON.stringify({ author: SECRET, set: { label: SECRET } }));

    // What a clean index lists: the runs that must stay listed when nothing of theirs is touched.
    const pristineDb = join(root, "pristine.sqlite");
    expectFinished(catalog(["index", "--runs-dir", base, "--db", pristineDb]), 0, "pristine index");
    const pristine = listing(base, pristineDb).runs;
    expect(pristine.size).toBeGreaterThan(10);

    let mutations = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = SEED + round;
      const rng = mulberry32(seed);
      const runsDir = join(root, `round-${round}`, "runs");
      const db = join(root, `round-${round}`, "catalog.sqlite");
      cpSync(base, runsDir, { recursive: true });
      const at = ["--runs-dir", runsDir, "--db", db];
      const touched = new Set<string>();
      const created = new Set<string>();
      const steps: Step[] = [];
      for (let step = 0; step < STEPS; step++) {
        const where = `seed ${seed} step ${step}`;
        const pool = shuffle(listTargets(runsDir).filter((t) => !touched.has(t.unit)), rng);
        const picked: Target[] = [];
        const want = 2 + Math.floor(rng() * 5);
        for (const t of pool) {
          if (picked.length >= want) break;
          // Most of a meta dir is never read (logs, output, manifest): damage it less often.
          if (t.role === "unread" && rng() < 0.75) continue;
          if (picked.some((p) => p.unit === t.unit)) continue;
          picked.push(t);
        }
        const done = picked.map((t) => mutate(runsDir, outside, t, rng, step === 0));
        mutations += done.length;
        for (const m of done) {
          touched.add(m.target.unit);
          if (m.created) created.add(m.created);
        }
        const what = `${where}: ${done.map((m) => `${m.kind} ${m.target.rel}${m.mustReport === null ? "" : " (must report)"}`).join(", ")}`;
        if (process.env["CATALOG_FUZZ_LOG"]) console.log(what);

        const index = catalog(["index", ...at], { timeoutMs: 30_000 });
        expectFinished(index, 0, `catalog index (${what})`);
        expect(index.ms, what).toBeLessThan(20_000);
        const check = catalog(["check", ...at]);
        expect(check.signal, what).toBeNull();
        const errors = checkLines(check.stdout).errors;
        const must = done.flatMap((m) => (m.mustReport === null ? [] : [join(runsDir, m.mustReport)]));
        for (const p of must) expect(errors.some((l) => l.startsWith(`index error: ${p}: `)), `${what}: check does not name ${p}\n${check.stdout}`).toBe(true);
        if (must.length > 0) expect(check.status, what).toBe(1);
        // Nothing untouched is reported: every error is inside a damaged entry.
        const allowed = [...[...touched].flatMap((u) => entriesOf(u)), ...created].map((e) => join(runsDir, e));
        for (const l of errors) expect(allowed.some((a) => l.startsWith(`index error: ${a}`)), `${what}: unexpected ${l}`).toBe(true);

        const now = listing(runsDir, db);
        for (const [id, row] of pristine) {
          if ([`run:${id}`, `user:${id}`, `move:${id}`].some((u) => touched.has(u))) continue;
          expect(now.runs.get(id)?.label, `${what}: untouched run ${id}`).toBe(row.label);
          expect(now.runs.has(id), `${what}: untouched run ${id} not listed`).toBe(true);
        }
        steps.push({ mutations: done, outputs: [index.stdout, index.stderr, check.stdout, check.stderr, ...now.outputs] });
      }
      expectNoSecret(SECRET, steps.flatMap((s) => s.outputs), db);
    }
    // The figures docs/reliability.md quotes: rounds × steps index passes, this many mutations.
    expect(mutations).toBeGreaterThanOrEqual(ROUNDS * STEPS);
  }, 30_000 + ROUNDS * 15_000);
});

/** The runs-dir entry names of a unit, as `listTargets` names units. */
function entriesOf(unit: string): string[] {
  const i = unit.indexOf(":");
  const kind = i < 0 ? unit : unit.slice(0, i);
  const key = unit.slice(i + 1);
  switch (kind) {
    case "run":
      return [`${key}.meta`, `${key}.meta.zip`];
    case "user":
      return [`${key}.user`];
    case "move":
      return [`${key}.move`];
    case "group":
      return [key];
    default:
      return [".archives"];
  }
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
