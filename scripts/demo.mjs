#!/usr/bin/env node
// Indexes the bundled example runs dir into a temp database and lists the green groups.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "catalog");
const dir = mkdtempSync(join(tmpdir(), "catalog-demo-"));
const common = ["--runs-dir", join(root, "examples", "runs"), "--db", join(dir, "catalog.sqlite")];

function run(args) {
  console.log(`$ catalog ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [bin, ...args, ...common], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log();
}

try {
  run(["index"]);
  run(["query", "--groups", "--tag", "color=green"]);
  run(["query", "--groups", "--tag", "color=green", "--format", "json", "--limit", "1"]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
