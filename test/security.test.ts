/**
 * Security (docs/reliability.md, "Security"): every filter and write input is data, never SQL or
 * a path; the daemon's own files are private and a symlink planted in their place is not followed.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { daemonFiles } from "../src/daemon/state.js";
import { logRunAttrs, writeRun } from "../src/fixtures/gage-writer.js";
import { openDb } from "../src/index/db.js";
import { lockPath } from "../src/index/writer-lock.js";
import type { GroupJson, RunJson } from "../src/query/export.js";
import { cli, cliAsync, finishedRun, tempDir, type CliResult } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

type Ws = { dir: string; runsDir: string; dbPath: string; env: NodeJS.ProcessEnv };
const loc = (ws: Ws) => ["--runs-dir", ws.runsDir, "--db", ws.dbPath];
const run = (ws: Ws, args: readonly string[]): CliResult => cli([...args, ...loc(ws)], ws.env);

/** Three runs with tags and labels, indexed; a cache dir of its own (nothing lands in ~/.cache). */
function workspace(): Ws {
  const dir = tempDir("catalog-security-");
  const runsDir = join(dir, "runs");
  for (let n = 1; n <= 3; n++) {
    writeRun(runsDir, finishedRun(runId(n), { zip: n !== 2 }));
    logRunAttrs(runsDir, runId(n), "alice", { label: `run ${n}`, "tag:color=green": "" }, [], MS + n);
  }
  mkdirSync(join(dir, "cache"));
  const ws = { dir, runsDir, dbPath: join(dir, "catalog.sqlite"), env: { XDG_CACHE_HOME: join(dir, "cache") } };
  expect(run(ws, ["index"]).status).toBe(0);
  return ws;
}

const PAYLOADS = [
  "'; DROP TABLE runs; --",
  "\" OR 1=1 --",
  "x') UNION SELECT id, id, id FROM runs --",
  "1; DELETE FROM attr_log",
  "%' OR '1'='1",
  "*') OR ('1'='1",
  "../../etc/passwd",
  "/etc/passwd",
  "a/b $(touch pwned)",
] as const;
/** The queries take the SQL ones and a path (each is 18 processes). */
const QUERY_PAYLOADS = [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[4], PAYLOADS[6]];

/** Every table and its row count: what an injection would change. */
function tables(dbPath: string): Record<string, number> {
  const db = openDb(dbPath, { readonly: true });
  try {
    const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    return Object.fromEntries(names.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

/** Every path under `dir`, with what it is (a file's size), to see what a command created or changed. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.set(relative(dir, p), "dir");
        walk(p);
      } else out.set(relative(dir, p), e.isSymbolicLink() ? `-> ${readlinkSync(p)}` : `${lstatSync(p).size}`);
    }
  };
  walk(dir);
  return out;
}

/** A refusal is the user's error, said plainly: `catalog: …` (a parse error adds the input and a caret), never SQL's or a stack. */
function expectUserError(r: CliResult, what: string): void {
  expect([1, 2], what).toContain(r.status);
  expect(r.stderr, what).toMatch(/^catalog: /u);
  expect(r.stderr, what).not.toMatch(/SQLITE|SqliteError|syntax error|^\s+at /mu);
  expect(r.stderr.split("\n").length, what).toBeLessThanOrEqual(4);
}

/** The value as the attr log holds it: every string key and value of every entry of a log dir. */
function logStrings(logDir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(logDir)) {
    if (!f.endsWith(".json")) continue;
    const e = JSON.parse(readFileSync(join(logDir, f), "utf8")) as { set?: Record<string, unknown>; delete?: string[] };
    for (const [k, v] of Object.entries(e.set ?? {})) {
      out.push(k);
      if (typeof v === "string") out.push(v);
      else if (v !== null && typeof v === "object") for (const x of Object.values(v as Record<string, unknown>)) if (typeof x === "string") out.push(x);
    }
    out.push(...(e.delete ?? []));
  }
  return out;
}

describe("security: inputs are data", () => {
  it("filters, sorts, columns and specs with SQL in them answer what the literal value means, or refuse plainly; the database is unchanged", async () => {
    const ws = workspace();
    const before = tables(ws.dbPath);
    expect(before["runs"]).toBe(3);
    let tried = 0;
    // three processes at a time: the machine has two cores
    const runAll = async (argss: readonly (readonly string[])[]) => {
      const out: CliResult[] = [];
      for (let i = 0; i < argss.length; i += 3) out.push(...(await Promise.all(argss.slice(i, i + 3).map((a) => cliAsync([...a, ...loc(ws)], ws.env)))));
      tried += argss.length;
      return out;
    };
    for (const p of QUERY_PAYLOADS) {
      // literal filters: no run has such a tag, label, operation or group
      const literal = [["--tag", p], ["--label", p], ["--op", p], ["--where", `label = ${JSON.stringify(p)}`], ["--where", `config.${JSON.stringify(p)} = 1`]];
      const literalResults = await runAll(literal.map((args) => ["query", "--no-refresh", ...args, "--format", "json"]));
      for (const [i, args] of literal.entries()) {
        const r = literalResults[i]!;
        if (r.status === 0) {
          expect(r.stderr, args.join(" ")).toBe("");
          // `%`, `_` and `*` are no wildcards in a label, and a glob `*` tag matches green only when the rest does
          expect(JSON.parse(r.stdout), args.join(" ")).toEqual([]);
        } else expectUserError(r, args.join(" "));
      }
      // inputs that are names or expressions: refused as such, or (a spec) matching nothing
      const named = [["--where", p], ["--sort", p], ["--sort", `-${p}`], ["--columns", `id,${p}`], ["--in-group", p], ["--archive", p], ["--since", p], [p], ["--groups", p]];
      const namedResults = await runAll(named.map((args) => ["query", "--no-refresh", ...args, "--format", "json"]));
      for (const [i, args] of named.entries()) {
        const r = namedResults[i]!;
        if (r.status === 0) {
          expect(r.stderr, args.join(" ")).toBe("");
          const rows = JSON.parse(r.stdout) as unknown[];
          // a sort or a column of a key no run has still lists the three runs (its cells empty)
          if (args[0] === "--sort" || args[0] === "--columns") expect(rows.length, args.join(" ")).toBe(3);
          else expect(rows, args.join(" ")).toEqual([]);
        } else expectUserError(r, args.join(" "));
      }
      const specs = [["show", p], ["group", "add", p, "1"], ["tag", p, "--add", "x"], ["comment", p, "--list"]];
      for (const [i, r] of (await runAll(specs)).entries()) expectUserError(r, specs[i]!.join(" "));
    }
    expect(tables(ws.dbPath)).toEqual(before);
    const all = JSON.parse(run(ws, ["query", "--no-refresh", "--all", "--format", "json"]).stdout) as RunJson[];
    expect(all.map((r) => r.label).sort()).toEqual(["run 1", "run 2", "run 3"]);
    process.stderr.write(`security: ${tried} filter and spec inputs tried\n`);
  }, 180_000);

  it("writes store the value literally in the attr log, and never create a file outside the runs dir", () => {
    const ws = workspace();
    // a decoy beside the runs dir, where `../` in a value would lead
    writeFileSync(join(ws.dir, "decoy"), "untouched\n");
    const outside = () => new Map([...tree(ws.dir)].filter(([p]) => !p.startsWith("runs/") && p !== "runs" && !p.startsWith("catalog.sqlite")));
    const outsideBefore = outside();
    const id = runId(1);
    const userDir = join(ws.runsDir, `${id}.user`);
    let written = 0;
    for (const p of PAYLOADS) {
      for (const args of [["tag", id, "--add", p], ["label", id, "--set", p], ["comment", id, "-m", p], ["group", "create", id, "--label", p, "--tag", p]]) {
        const r = run(ws, args);
        expect(r.stderr, args.join(" ")).toBe("");
        expect(r.status, args.join(" ")).toBe(0);
        written += 1;
      }
      // stored as the literal string, and read back as it
      const stored = logStrings(userDir);
      expect(stored).toContain(`tag:${p}`);
      expect(stored).toContain(p);
      const [shown] = JSON.parse(run(ws, ["query", "--no-refresh", id, "--format", "json"]).stdout) as RunJson[];
      expect(shown!.label).toBe(p);
      expect(shown!.tags).toContain(p);
      expect(shown!.comments.map((c) => c.msg)).toContain(p);
      // a path in a value is no path: nothing appears where it leads
      expect(existsSync(resolve(ws.runsDir, p)), p).toBe(p === "/etc/passwd");
      expect(existsSync(resolve(userDir, p)), p).toBe(p === "/etc/passwd");
    }
    // a tag is removed by its literal name too
    expect(run(ws, ["tag", id, "--remove", PAYLOADS[0]]).status).toBe(0);
    const [after] = JSON.parse(run(ws, ["query", "--no-refresh", id, "--format", "json"]).stdout) as RunJson[];
    expect(after!.tags).not.toContain(PAYLOADS[0]);
    expect(after!.tags).toContain(PAYLOADS[1]);
    const groups = JSON.parse(run(ws, ["query", "--no-refresh", "--groups", "--all", "--format", "json"]).stdout) as GroupJson[];
    expect(groups.map((g) => g.label).sort()).toEqual([...PAYLOADS].sort());
    // every group dir is `<uuid>.group` in the runs dir itself, whatever its label
    for (const name of readdirSync(ws.runsDir).filter((n) => n.endsWith(".group"))) expect(name).toMatch(/^[0-9a-f-]{36}\.group$/u);
    expect(outside()).toEqual(outsideBefore);
    expect(readFileSync(join(ws.dir, "decoy"), "utf8")).toBe("untouched\n");
    expect(run(ws, ["check"]).stdout).toMatch(/^ok: the index matches/mu);
    process.stderr.write(`security: ${written} writes with payloads\n`);
  }, 180_000);
});

describe("security: the daemon's files", () => {
  const start = (ws: Ws) => run(ws, ["daemon", "start", "--lock-check", "1"]);
  const stop = (ws: Ws) => run(ws, ["daemon", "stop"]);

  it("are readable by their owner only", () => {
    const ws = workspace();
    expect(start(ws).status).toBe(0);
    try {
      const f = daemonFiles(ws.dbPath);
      for (const p of [f.pid, f.status, f.log]) expect((statSync(p).mode & 0o777).toString(8), p).toBe("600");
    } finally {
      stop(ws);
    }
    // the log stays (it is appended to); still the owner's only
    expect((statSync(daemonFiles(ws.dbPath).log).mode & 0o777).toString(8)).toBe("600");
  });

  it("a symlink planted where one goes is never followed: the file it points to stays as it was", () => {
    const f = (ws: Ws) => daemonFiles(ws.dbPath);
    const cases: { name: string; path: (ws: Ws) => string; starts: boolean }[] = [
      // the log is opened by `daemon start` itself: it refuses, naming the link
      { name: "log", path: (ws) => f(ws).log, starts: false },
      // the pid file is written by the daemon: it exits at start, and start says why
      { name: "pid", path: (ws) => f(ws).pid, starts: false },
      // the status file is written beside and renamed over: the link is replaced, not followed
      { name: "status", path: (ws) => f(ws).status, starts: true },
      { name: "status temp", path: (ws) => `${f(ws).status}.tmp`, starts: true },
      // the writer lock is created exclusively (O_EXCL): a link there is a lock held by no one
      { name: "writer lock", path: (ws) => lockPath(ws.dbPath), starts: true },
    ];
    for (const c of cases) {
      const ws = workspace();
      const target = join(ws.dir, "victim");
      writeFileSync(target, "precious\n");
      symlinkSync(target, c.path(ws));
      const dangling = join(ws.dir, "not-there");
      const r = start(ws);
      try {
        if (c.starts) {
          expect([r.status, r.stderr], c.name).toEqual([0, ""]);
          expect(run(ws, ["daemon", "status"]).status, c.name).toBe(0);
        } else {
          expect(r.status, c.name).toBe(1);
          expect(r.stderr, c.name).toMatch(/^catalog: .*(symlink|ELOOP|too many symbolic links).*\n$/iu);
          expect(r.stderr.split("\n").length, c.name).toBe(2);
        }
      } finally {
        stop(ws);
      }
      expect(readFileSync(target, "utf8"), c.name).toBe("precious\n");
      expect((statSync(target).mode & 0o777).toString(8), c.name).toBe("644");
      // a dangling link is not created through either
      if (!c.starts) {
        const ws2 = workspace();
        symlinkSync(dangling, c.path(ws2));
        expect(start(ws2).status, c.name).toBe(1);
        stop(ws2);
        expect(existsSync(dangling), c.name).toBe(false);
      }
    }
  }, 120_000);
});
