#!/usr/bin/env node
// Bundles the CLI's own code (packages stay external) into dist/bundle as ONE file, cli.cjs: on
// Node 20 each module costs resolution, a read and a compile at start-up, and a query loading
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

/** `./pg-drivers.js` stays an import of the file built beside cli.cjs (below), not inlined. */
const driversApart = {
  name: "drivers-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/pg-drivers\.js$/ }, () => ({ path: "./pg-drivers.js", external: true }));
  },
};
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
const common = { bundle: true, platform: "node", target: "node20", packages: "external", logLevel: "warning", plugins: [driversApart] };
// The CLI as CommonJS: bin/boot.js compiles it with a V8 code cache (scripts/code-cache.mjs),
// which Node 20 offers for scripts but not for ES modules. import.meta.url is the bundle's own.
// Its on-demand imports of packages become require() calls (Node 20.19+ requires ES modules
// too): an import() in a script compiled by node:vm needs a flag or an experimental loader hook.
await build({
  ...common,
  entryPoints: [join(root, "src", "cli", "entry.ts")],
  outfile: join(outdir, "cli.cjs"),
  format: "cjs",
  // 40% fewer bytes to read and hash at each start (packages stay external, so their names and
  // stack frames do not change)
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  supported: { "dynamic-import": false },
  define: { "import.meta.url": "__catalogBundleUrl" },
  banner: { js: 'const __catalogBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
// The reader thread is started from its own file (src/index/readers.ts).
await build({ ...common, entryPoints: [join(root, "src", "index", "read-worker.ts")], outdir, entryNames: "[name]", format: "esm" });

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
