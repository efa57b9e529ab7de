#!/usr/bin/env node
// Bundles the CLI's own code (packages stay external) into dist/bundle with lazy chunks, so a
// `catalog query` process loads a handful of files instead of dozens of modules: on Node 20 each
// ESM module costs resolution, a read and a compile at start-up.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  // The reader thread is its own entry: a Worker is started from a file.
  entryPoints: [join(root, "src", "cli", "entry.ts"), join(root, "src", "index", "read-worker.ts")],
  outdir,
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
