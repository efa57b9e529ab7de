#!/usr/bin/env node
// Bundles the CLI's own code (packages stay external) into dist/bundle as ONE file, entry.js: on
// Node 20 each ESM module costs resolution, a read and a compile at start-up, and a query loading
// twenty chunks paid for each. Commands' handlers are still imported on demand — esbuild inlines
// each `import()` as a lazily initialised module — and packages only some commands need (kysely,
// chokidar, yargs, fflate, yauzl) are imported dynamically where they are used, so they never
// load at start-up. The reader thread is its own file: a Worker is started from a file.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "src", "cli", "entry.ts"), join(root, "src", "index", "read-worker.ts")],
  outdir,
  entryNames: "[name]",
  bundle: true,
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
