#!/usr/bin/env node
// Writes dist/bundle/cli.cjs.cache, the V8 code cache bin/boot.js loads the CLI with. The cache
// is taken after the everyday queries have run once in this process, so it holds the bytecode of
// every function they call and not only of the bundle's top level: a query then compiles almost
// nothing. Only the queries: a cache holding the indexer too is a sixth larger and made neither
// a query nor a no-change index measurably quicker (docs/benchmarks.md, "Start-up").
// Run by `npm run build`, after the bundle; the cache is only valid for the Node that wrote it,
// and a Node that rejects it compiles as if it were not there.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { load, CACHE } = createRequire(import.meta.url)(join(root, "bin", "boot.js"));
rmSync(CACHE, { force: true });
const work = mkdtempSync(join(tmpdir(), "catalog-code-cache-"));
try {
  const loc = ["--runs-dir", join(root, "examples", "runs"), "--db", join(work, "catalog.sqlite")];
  const silent = { out: () => {}, err: () => {}, tty: false, columns: Infinity, color: false };
  execFileSync(process.execPath, [join(root, "bin", "catalog"), "index", ...loc], { stdio: "ignore" });
  const { cli, script } = load();
  const workload = [
    ["query", "--no-refresh", ...loc],
    ["query", "--groups", "--tag", "color=green", "--no-refresh", ...loc],
    ["query", "--where", "metrics.loss < 0.2", "--no-refresh", ...loc],
    ["query", "--where", "tags contains color=green", "--columns", "name,config.lr", "--no-refresh", ...loc],
    ["show", "1", "--no-refresh", ...loc],
    ["query", "--groups", "--format", "json", "--no-refresh", ...loc],
    ["query", "2:4", "--format", "csv", "--no-refresh", ...loc],
  ];
  for (const argv of workload) {
    const code = await cli.run(argv, silent);
    if (code !== 0) throw new Error(`code cache: catalog ${argv.join(" ")} exited ${code}`);
  }
  writeFileSync(CACHE, script.createCachedData());
} finally {
  rmSync(work, { recursive: true, force: true });
}
