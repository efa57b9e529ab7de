/**
 * node dist/scripts/make-corpus.js <dir> [--n 10000] [--seed 1] [--zip-fraction 0.8] [--start-ms MS] [--force]
 *
 * Writes a scale corpus (src/fixtures/corpus.ts) into <dir> and prints a summary with the time
 * taken. Refuses a non-empty <dir> unless --force, and then only if it holds the corpus marker.
 */
import { CORPUS_MARKER, writeCorpus } from "../src/fixtures/corpus.js";
import { prepareOutputDir } from "../src/fixtures/output-dir.js";

function main(argv: string[]): number {
  const args: string[] = [];
  const opts: Record<string, string> = {};
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--force") force = true;
    else if (["--n", "--seed", "--zip-fraction", "--start-ms"].includes(a) && i + 1 < argv.length) opts[a] = argv[++i]!;
    else if (a.startsWith("--")) return usage();
    else args.push(a);
  }
  if (args.length !== 1) return usage();
  const numOpt = (k: string, dflt: number) => {
    const v = opts[k] === undefined ? dflt : Number(opts[k]);
    if (!Number.isFinite(v)) throw new Error(`bad value for ${k}: ${opts[k]}`);
    return v;
  };
  const dir = args[0]!;
  try {
    const n = numOpt("--n", 10000);
    prepareOutputDir(dir, CORPUS_MARKER, force);
    const t = process.hrtime.bigint();
    const s = writeCorpus(dir, {
      n,
      seed: numOpt("--seed", 1),
      zipFraction: numOpt("--zip-fraction", 0.8),
      startMs: numOpt("--start-ms", Date.UTC(2024, 0, 1)),
      progress: (done) => {
        if (done % 10000 === 0) process.stderr.write(`${done} runs\n`);
      },
    });
    const secs = Number(process.hrtime.bigint() - t) / 1e9;
    process.stdout.write(JSON.stringify({ ...s, seconds: Math.round(secs * 100) / 100 }) + "\n");
    return 0;
  } catch (err) {
    process.stderr.write(`make-corpus: ${(err as Error).message}\n`);
    return 1;
  }
}

function usage(): number {
  process.stderr.write(
    "usage: make-corpus <dir> [--n 10000] [--seed 1] [--zip-fraction 0.8] [--start-ms MS] [--force]\n",
  );
  return 2;
}

process.exitCode = main(process.argv.slice(2));
