// What a SQLite query loads: its start-up is the benchmark's target (docs/benchmarks.md), and the
// packages only other commands or PostgreSQL need must stay unloaded.
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.js";
import { join } from "node:path";
import { writeExamples } from "../src/fixtures/examples.js";

/** The packages (node_modules/<name>) a command resolved, from Node's module debug log. */
function packagesLoaded(args: readonly string[]): string[] {
  const r = cli(args, { NODE_DEBUG: "module" });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  return [...new Set([...r.stderr.matchAll(/node_modules\/((?:@[^/\s]+\/)?[^/\s"']+)/gu)].map((m) => m[1]!))].sort();
}

describe("a SQLite query's start-up", () => {
  it("loads better-sqlite3 (and its loader) only: no Kysely, pg, yargs or chokidar", () => {
    const dir = tempDir();
    const runsDir = join(dir, "runs");
    writeExamples(runsDir);
    const loc = ["--runs-dir", runsDir, "--db", join(dir, "c.sqlite")];
    expect(cli(["index", ...loc]).status).toBe(0);
    for (const args of [["query", "--no-refresh"], ["query", "--groups", "--tag", "color=green", "--no-refresh"], ["show", "1", "--no-refresh"]]) {
      const loaded = packagesLoaded([...args, ...loc]);
      expect(loaded, args.join(" ")).toContain("better-sqlite3");
      expect(loaded.filter((p) => !["better-sqlite3", "bindings", "file-uri-to-path"].includes(p)), args.join(" ")).toEqual([]);
    }
  });
});
