import { createRequire } from "node:module";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { isPostgresUrl } from "./store/pg-url.js";

/** Names whose presence makes a dir a Gage project (docs/format.md, "Locating the runs dir"; Gage's `project_util.PROJECT_MARKERS`). */
const PROJECT_MARKERS = [
  ".gage",
  "gage.json",
  "gage.toml",
  "gage.yaml",
  "gageconfig.json",
  "gageconfig.toml",
  "gageconfig.yaml",
  "pyproject.toml",
  ".vscode",
  ".git",
];
const GAGE_FILES = [".gage/gage.toml", ".gage/gage.yaml", ".gage/gage.json", "gage.toml", "gage.yaml", "gage.json"];

export interface LocateEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly home: string;
}

const processEnv = (): LocateEnv => ({ env: process.env, cwd: process.cwd(), home: homedir() });

/** A runs dir and where it came from, for messages that must say which setting to change. */
export interface Located {
  readonly path: string;
  /** `--runs-dir`, `GAGE_RUNS`, `RUNS_DIR`, `$runs-dir in <file>`, `project <dir>`, `default` */
  readonly from: string;
}

/**
 * The runs dir, in the order Gage resolves it (docs/format.md, "Locating the runs dir"): the option, then
 * GAGE_RUNS, RUNS_DIR, the project's `$runs-dir` or `.gage/runs`, else `~/.gage/runs`.
 */
export function locateRunsDir(option: string | undefined, le: LocateEnv = processEnv()): Located {
  const expand = (p: string) => (p === "~" || p.startsWith("~/") ? join(le.home, p.slice(1)) : p);
  if (option) return { path: resolve(le.cwd, expand(option)), from: "--runs-dir" };
  for (const name of ["GAGE_RUNS", "RUNS_DIR"]) {
    const v = le.env[name];
    if (v) return { path: resolve(le.cwd, expand(v)), from: name };
  }
  const project = le.env["PROJECT_DIR"] || findProjectDir(le.cwd);
  if (project) {
    const configured = gageFileRunsDir(project);
    if (configured) {
      return { path: isAbsolute(configured.value) ? configured.value : resolve(le.cwd, project, configured.value), from: `$runs-dir in ${configured.file}` };
    }
    return { path: resolve(le.cwd, project, ".gage", "runs"), from: `project ${resolve(le.cwd, project)}` };
  }
  return { path: join(le.home, ".gage", "runs"), from: "default" };
}

export function resolveRunsDir(option: string | undefined, le: LocateEnv = processEnv()): string {
  return locateRunsDir(option, le).path;
}

function findProjectDir(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (PROJECT_MARKERS.some((m) => existsSync(join(dir, m)))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The top-level `$runs-dir` of the project's Gage file, if any. Only that one key is needed, so
 * TOML and YAML are read for a top-level `$runs-dir` line rather than parsed in full; an absolute
 * value replaces the project dir, as in Gage.
 */
function gageFileRunsDir(project: string): { value: string; file: string } | null {
  for (const name of GAGE_FILES) {
    const path = join(project, name);
    if (!existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return null;
    }
    const value = name.endsWith(".json") ? jsonRunsDir(text) : lineRunsDir(text, name.endsWith(".toml"));
    return value && value !== "" ? { value, file: path } : null;
  }
  return null;
}

function jsonRunsDir(text: string): string | null {
  try {
    const data: unknown = JSON.parse(text.split("\n").filter((l) => !l.trimStart().startsWith("//")).join("\n"));
    const v = typeof data === "object" && data !== null ? (data as Record<string, unknown>)["$runs-dir"] : undefined;
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

function lineRunsDir(text: string, toml: boolean): string | null {
  for (const line of text.split(/\r?\n/u)) {
    if (toml && /^\s*\[/u.test(line)) return null; // past the top-level table
    const m = toml
      ? /^\s*["']\$runs-dir["']\s*=\s*(["'])(.*)\1\s*(#.*)?$/u.exec(line)
      : /^(["']?)\$runs-dir\1\s*:\s*(?:(["'])(.*)\2|([^#]*?))\s*(#.*)?$/u.exec(line);
    if (!m) continue;
    return toml ? (m[2] ?? null) : (m[3] ?? m[4] ?? null);
  }
  return null;
}

/** The host name rows are indexed under: the option, then CATALOG_HOST, else this machine's. */
export function locateHost(option: string | undefined, le: LocateEnv = processEnv()): Located {
  if (option !== undefined) return { path: option, from: "--host" };
  const fromEnv = le.env["CATALOG_HOST"];
  if (fromEnv) return { path: fromEnv, from: "CATALOG_HOST" };
  return { path: hostname(), from: "default" };
}

/**
 * The database: the option, then CATALOG_DB, else a file in the user's cache named for the real
 * path of the runs dir — never inside the runs dir, which gets synced (docs/cli.md, "Runs dir and database").
 */
export function resolveDbPath(option: string | undefined, runsDir: string, le: LocateEnv = processEnv()): string {
  return locateDb(option, runsDir, le).path;
}

/** The database and where its path came from: `--db`, `CATALOG_DB` or `default`. */
export function locateDb(option: string | undefined, runsDir: string, le: LocateEnv = processEnv()): Located {
  // a postgres:// URL names a team database (docs/team.md), not a path
  const place = (v: string) => (isPostgresUrl(v) ? v : resolve(le.cwd, v));
  if (option) return { path: place(option), from: "--db" };
  const fromEnv = le.env["CATALOG_DB"];
  if (fromEnv) return { path: place(fromEnv), from: "CATALOG_DB" };
  const cache = le.env["XDG_CACHE_HOME"] && isAbsolute(le.env["XDG_CACHE_HOME"]) ? le.env["XDG_CACHE_HOME"] : join(le.home, ".cache");
  let real = runsDir;
  try {
    real = realpathSync(runsDir);
  } catch {
    // not there yet: the resolved path stands in
  }
  // node:crypto costs a few ms to load; only a default database path needs it.
  const { createHash } = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  const digest = createHash("sha256").update(real).digest("hex").slice(0, 32);
  return { path: join(cache, "gage-catalog", `${digest}.sqlite`), from: "default" };
}
