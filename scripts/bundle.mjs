#!/usr/bin/env node
// Bundles the CLI's own code (packages stay external) into dist/bundle as ONE file, entry.js: on
// Node 20 each ESM module costs resolution, a read and a compile at start-up, and a query loading
// twenty chunks paid for each. Commands' handlers are still imported on demand — esbuild inlines
// each `import()` as a lazily initialised module — and packages only some commands need (kysely,
// chokidar, yargs, fflate, yauzl) are imported dynamically where they are used, so they never
// load at start-up. The reader thread is its own file: a Worker is started from a file, and so are
// the PostgreSQL drivers (below).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `./pg-drivers.js` stays an import of the file built beside entry.js (below), not inlined. */
const driversApart = {
  name: "drivers-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/pg-drivers\.js$/ }, () => ({ path: "./pg-drivers.js", external: true }));
  },
};
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
  plugins: [driversApart],
});

// Kysely and pg, both inside: Kysely's ESM build is ~400 modules, ~0.7 s of resolving and
// compiling at each start of a PostgreSQL command; one file of it costs a fraction. pg is
// CommonJS and requires Node's built-ins, which an ESM bundle reaches through createRequire.
await build({
  entryPoints: [join(root, "src", "store", "pg-drivers.ts")],
  outdir,
  entryNames: "[name]",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["pg-native"],
  banner: { js: 'import { createRequire as __catalogRequire } from "node:module"; const require = __catalogRequire(import.meta.url);' },
  logLevel: "warning",
});
