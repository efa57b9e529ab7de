import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDbPath, resolveRunsDir, type LocateEnv } from "../src/locate.js";
import { tempDir } from "./helpers.js";

function env(cwd: string, home: string, vars: Record<string, string> = {}): LocateEnv {
  return { cwd, home, env: vars };
}

describe("runs dir resolution (docs/format.md: Locating the runs dir)", () => {
  it("takes the option, then GAGE_RUNS, then RUNS_DIR", () => {
    const home = tempDir();
    const cwd = tempDir();
    expect(resolveRunsDir("rel/runs", env(cwd, home, { GAGE_RUNS: "/g" }))).toBe(join(cwd, "rel/runs"));
    expect(resolveRunsDir(undefined, env(cwd, home, { GAGE_RUNS: "/g", RUNS_DIR: "/r" }))).toBe("/g");
    expect(resolveRunsDir(undefined, env(cwd, home, { RUNS_DIR: "/r" }))).toBe("/r");
    expect(resolveRunsDir(undefined, env(cwd, home, { GAGE_RUNS: "~/runs" }))).toBe(join(home, "runs"));
  });

  it("uses the nearest project's .gage/runs, or its Gage file's $runs-dir", () => {
    const home = tempDir();
    const project = tempDir();
    const sub = join(project, "src", "deep");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(project, "pyproject.toml"), "");
    expect(resolveRunsDir(undefined, env(sub, home))).toBe(join(project, ".gage", "runs"));
    writeFileSync(join(project, "gage.toml"), '"$runs-dir" = "my-runs"\n\n[train]\nexec = "python train.py"\n');
    expect(resolveRunsDir(undefined, env(sub, home))).toBe(join(project, "my-runs"));
    writeFileSync(join(project, "gage.toml"), '[train]\n"$runs-dir" = "not-top-level"\n');
    expect(resolveRunsDir(undefined, env(sub, home))).toBe(join(project, ".gage", "runs"));
  });

  it("reads $runs-dir from JSON (with // comment lines) and YAML Gage files; an absolute value replaces the project", () => {
    const home = tempDir();
    const a = tempDir();
    writeFileSync(join(a, "gage.json"), '// runs live elsewhere\n{"$runs-dir": "/abs/runs", "train": {}}\n');
    expect(resolveRunsDir(undefined, env(a, home))).toBe("/abs/runs");
    const b = tempDir();
    writeFileSync(join(b, "gage.yaml"), "$runs-dir: yaml-runs  # comment\ntrain:\n  exec: x\n");
    expect(resolveRunsDir(undefined, env(b, home))).toBe(join(b, "yaml-runs"));
  });

  it("honours PROJECT_DIR and falls back to ~/.gage/runs outside any project", () => {
    const home = tempDir();
    const project = tempDir();
    expect(resolveRunsDir(undefined, env("/", home, { PROJECT_DIR: project }))).toBe(join(project, ".gage", "runs"));
    expect(resolveRunsDir(undefined, env("/", home))).toBe(join(home, ".gage", "runs"));
  });
});

describe("database resolution", () => {
  it("takes --db, then CATALOG_DB, else the cache named for the runs dir's real path", () => {
    const home = tempDir();
    const cwd = tempDir();
    const runs = join(cwd, "runs");
    mkdirSync(runs);
    symlinkSync(runs, join(cwd, "link"));
    expect(resolveDbPath("x.sqlite", runs, env(cwd, home, { CATALOG_DB: "/y.sqlite" }))).toBe(join(cwd, "x.sqlite"));
    expect(resolveDbPath(undefined, runs, env(cwd, home, { CATALOG_DB: "/y.sqlite" }))).toBe("/y.sqlite");
    const byRuns = resolveDbPath(undefined, runs, env(cwd, home));
    expect(byRuns).toMatch(new RegExp(`^${home}/\\.cache/gage-catalog/[0-9a-f]{32}\\.sqlite$`, "u"));
    // a symlinked runs dir shares its index; XDG_CACHE_HOME moves it
    expect(resolveDbPath(undefined, join(cwd, "link"), env(cwd, home))).toBe(byRuns);
    expect(resolveDbPath(undefined, runs, env(cwd, home, { XDG_CACHE_HOME: "/xdg" }))).toMatch(/^\/xdg\/gage-catalog\//u);
  });
});
