// Loads the CLI's bundle (dist/bundle/cli.cjs) with the V8 code cache built beside it
// (cli.cjs.cache, written by scripts/code-cache.mjs at build time). Node 20 has no compile cache
// of its own, and compiling the bundle was a third of a query's start-up (docs/benchmarks.md,
// "Start-up"). A cache V8 rejects (another Node, other flags) or a missing one costs nothing but
// the compile it would have saved. CommonJS, like the bundle: an ES module entry point loads
// Node's ES module loader, which a query does not otherwise need.
"use strict";
const { readFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "bundle", "cli.cjs");
const CACHE = `${BUNDLE}.cache`;

/** The bundle's exports, and the script it was compiled as (for a new cache). */
function load() {
  let cachedData;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(readFileSync(BUNDLE, "utf8")), {
    filename: BUNDLE,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { cli: module.exports, script };
}

module.exports = { load, CACHE };
