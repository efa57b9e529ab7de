/**
 * The CLI as a new user meets it (issue 7): help and version never run anything, Gage's run
 * selection, strict input, a runs dir and its database belong together, errors a person can act
 * on, a table for people, and `check` telling notes from errors. Every test runs `bin/catalog` as
 * a process on real files and a real SQLite database.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runName } from "../src/disk/proquint.js";
import { groupAttrs, logRunAttrs, writeArchive, writeAttrLog, writeGroup, writeMove, writeRun } from "../src/fixtures/gage-writer.js";
import { BIN, cli, finishedRun, tempDir, us, workspace, type CliResult } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const hex = (n: number) => n.toString(16).padStart(8, "0");
/** Ids whose names all start `babab-` (the high 16 bits are 0), as ULID-style ids collide in Gage. */
const runId = (n: number) => `${hex(n * 0x1111)}-0000-4000-8000-000000000000`;
/** A run whose id starts with digits only: `14` is an index while there are 14 runs. */
const DIGITS = "14000000-0000-4000-8000-000000000000";
const GROUPS = ["0190847b-0000-4000-8000-0000000000a1", "0190847b-0000-4000-8000-0000000000b2", "0190847c-0000-4000-8000-0000000000c3"];
const ARCHIVE = "9e5a7c1e-0000-4000-8000-00000000a4c1";
const started = (n: number) => us("2024-06-01T00:00:00Z") + n * 3600e6;

type Ws = { runsDir: string; dbPath: string; dir: string };
let ws: Ws;
/** The listing `catalog query` must number, computed from the fixture: newest start first. */
let listing: string[];
let odd: string[];

const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => cli([...args, "--runs-dir", ws.runsDir, "--db", ws.dbPath], env);

/** `#` and id of each row of `query ... --format csv`: what a spec selected, with its numbers. */
function selected(args: readonly string[]): [number, string][] {
  const r = run(["query", ...args, "--format", "csv", "--no-refresh"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout
    .trimEnd()
    .split("\r\n")
    .slice(1)
    .filter((l) => l !== "")
    .map((l) => {
      const cells = l.split(",");
      return [Number(cells[0]), cells[cells.length - 1]!];
    });
}

const numbered = (ns: readonly number[], list: readonly string[] = listing): [number, string][] => ns.map((n) => [n, list[n - 1]!]);

const lasting: string[] = [];
afterAll(() => {
  for (const d of lasting) rmSync(d, { recursive: true, force: true });
});

/** A workspace that lasts the whole file (workspace() dirs are removed after each test). */
function lastingWorkspace(): Ws {
  const dir = mkdtempSync(join(tmpdir(), "catalog-strict-"));
  lasting.push(dir);
  return { dir, runsDir: join(dir, "runs"), dbPath: join(dir, "catalog.sqlite") };
}

beforeAll(() => {
  ws = lastingWorkspace();
  // 13 finished runs an hour apart, run 13 the newest; odd ones tagged `odd`; one run in the
  // trash and one archived (not in the listing); a run whose id starts with digits, the oldest.
  for (let n = 1; n <= 13; n++) {
    writeRun(ws.runsDir, finishedRun(runId(n), { started: started(n), staged: started(n) - 1e6, stopped: started(n) + 60e6, zip: n % 3 === 0 }));
    logRunAttrs(ws.runsDir, runId(n), "alice", { label: `run ${n}`, ...(n % 2 === 1 ? { "tag:odd": "" } : {}) }, [], MS);
  }
  writeRun(ws.runsDir, finishedRun(DIGITS, { started: started(0), staged: started(0) - 1e6, stopped: started(0) + 1e6 }));
  writeRun(ws.runsDir, finishedRun(runId(20), { started: started(20) }));
  writeMove(ws.runsDir, runId(20), "trash", MS);
  writeRun(ws.runsDir, finishedRun(runId(21), { started: started(21) }));
  writeArchive(ws.runsDir, ARCHIVE, "old-stuff", 1718000000, MS);
  writeMove(ws.runsDir, runId(21), ARCHIVE, MS);
  // three groups: first starts are runs 1, 5 and 9 (so group 3 is the newest)
  GROUPS.forEach((gid, i) => {
    const members = [1, 2, 3, 4].map((k) => runId(i * 4 + k));
    writeAttrLog(writeGroup(ws.runsDir, gid), { author: "alice", set: groupAttrs({ label: `group ${i + 1}`, tags: i === 1 ? [] : ["color=green"], runs: members }) }, MS);
  });
  listing = [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(runId).concat([DIGITS]);
  odd = [13, 11, 9, 7, 5, 3, 1].map(runId);
  const r = run(["index"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
});

describe("Gage's run selection (docs/format.md: Listing and selection)", () => {
  it("numbers the listing 1..N and selects by index; an index out of range is an id prefix", () => {
    expect(selected([])).toEqual(numbered(listing.map((_, i) => i + 1)).slice(0, 20));
    expect(selected(["1"])).toEqual(numbered([1]));
    expect(selected(["14"])).toEqual(numbered([14]));
    // 15 is out of range (14 runs): it falls through to the id prefix "15" — nothing
    expect(selected(["15"])).toEqual([]);
    // with a filter the listing has 7 runs, so 14 is the prefix of the digits run's id
    expect(selected(["--tag", "odd", "14"])).toEqual([]);
    expect(selected(["--status", "completed", "--sort", "started", "14"])).toEqual([[14, runId(13)]]);
    expect(selected(["+3"])).toEqual(numbered([3]));
  });

  it("selects slices as Gage reads them: 1-based starts, Python ends, trailing junk ignored", () => {
    expect(selected(["2:4"])).toEqual(numbered([2, 3, 4]));
    expect(selected([":3"])).toEqual(numbered([1, 2, 3]));
    expect(selected(["-2:"])).toEqual(numbered([13, 14]));
    expect(selected(["0:2"])).toEqual(numbered([1, 2]));
    expect(selected(["12:"])).toEqual(numbered([12, 13, 14]));
    expect(selected(["3:-9"])).toEqual(numbered([3, 4, 5]));
    expect(selected([":", "--all"])).toEqual(numbered(listing.map((_, i) => i + 1)));
    expect(selected(["2:4junk"])).toEqual(numbered([2, 3, 4]));
    // an empty slice stops the search: no prefix match is tried
    expect(selected(["5:2"])).toEqual([]);
  });

  it("selects id and name prefixes, several specs as a union in listing order, numbers kept", () => {
    expect(selected([runId(7).slice(0, 6)])).toEqual([[7, runId(7)]]);
    const name = runName(runId(4))!;
    expect(selected([name.slice(0, 8)])).toEqual(numbered(listing.flatMap((id, i) => (runName(id)!.startsWith(name.slice(0, 8)) ? [i + 1] : []))));
    expect(selected(["babab", "--all"])).toHaveLength(13);
    expect(selected(["5", "1", "9:10", runId(12).slice(0, 8)])).toEqual(numbered([1, 2, 5, 9, 10]));
    // numbers are those of the filtered listing
    expect(selected(["--tag", "odd", "2:3"])).toEqual(numbered([2, 3], odd));
    // rows in the trash or an archive are not in the listing
    expect(selected([runId(20).slice(0, 8)])).toEqual([]);
    expect(selected(["--deleted", "1"])).toEqual([[1, runId(20)]]);
    expect(selected(["--archive", "old-stuff", "1"])).toEqual([[1, runId(21)]]);
  });

  it("selects groups with --groups the same way", () => {
    const groups = [GROUPS[2]!, GROUPS[1]!, GROUPS[0]!];
    expect(selected(["-g"])).toEqual(numbered([1, 2, 3], groups));
    expect(selected(["-g", "2:3"])).toEqual(numbered([2, 3], groups));
    expect(selected(["-g", "0190847c"])).toEqual(numbered([1], groups));
    expect(selected(["-g", "--tag", "color=green", "2"])).toEqual([[2, GROUPS[0]!]]);
  });

  it("show takes the same numbers, defaults to 1, and reports an ambiguous spec with its candidates", () => {
    const show = (args: string[]) => JSON.parse(run(["show", ...args, "--format", "json", "--no-refresh"]).stdout) as { id: string };
    expect(show([]).id).toBe(listing[0]);
    expect(show(["1"]).id).toBe(listing[0]);
    expect(show(["3"]).id).toBe(listing[2]);
    expect(show(["--tag", "odd", "2"]).id).toBe(odd[1]);
    expect(show(["-g", "1"]).id).toBe(GROUPS[2]);
    // not in the listing: found among every run and group by id or prefix
    expect(show([runId(20)]).id).toBe(runId(20));
    expect(show([GROUPS[1]!.slice(0, 35)]).id).toBe(GROUPS[1]);
    const amb = run(["show", "0000", "--no-refresh"]);
    expect(amb.status).toBe(1);
    const lines = amb.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe('catalog: "0000" matches 13 runs; give its number or more of its id');
    expect(lines[1]).toMatch(/^ {2}#\s+name\s+id\s+operation\s+started$/u);
    expect(lines.slice(2, 12).map((l) => l.trim().split(/\s+/u).slice(0, 3))).toEqual(listing.slice(0, 10).map((id, i) => [String(i + 1), runName(id)!, id]));
    expect(lines[2]).toMatch(/train\s+2024-06-01 \d\d:\d\d$/u);
    expect(lines[12]).toBe("  … and 3 more");
    const none = run(["show", "zzz", "--no-refresh"]);
    expect([none.status, none.stderr]).toEqual([1, 'catalog: no run or group matches "zzz"; `catalog query` lists them with their numbers\n']);
  });

  it("--in-group takes a group's number in the group listing", () => {
    const ids = (args: string[]) => selected(["--all", ...args]).map(([, id]) => id);
    expect(ids(["--in-group", "1"]).sort()).toEqual([9, 10, 11, 12].map(runId).sort());
    expect(ids(["--in-group", GROUPS[0]!.slice(0, 36)]).sort()).toEqual([1, 2, 3, 4].map(runId).sort());
    const amb = run(["query", "--in-group", "0190847b", "--no-refresh"]);
    expect(amb.status).toBe(1);
    expect(amb.stderr.split("\n")[0]).toBe('catalog: "0190847b" matches 2 groups; give its number or more of its id');
  });
});

/** Every file under a dir, to prove a command wrote nothing. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe("help and version never run anything", () => {
  it("-h anywhere, help COMMAND and --version print, exit 0, and touch no database or daemon", () => {
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    const loc = ["--runs-dir", w.runsDir, "--db", w.dbPath];
    const cases: [string[], RegExp][] = [
      [["daemon", "start", "-h", ...loc], /^catalog daemon start\n/u],
      [["reindex", "-h", ...loc], /^catalog reindex\n/u],
      [["-h"], /^catalog <command> \[options\]/u],
      [["query", "-h", ...loc], /^catalog query \[specs\.\.\]/u],
      [["index", "--help", ...loc], /^catalog index\n/u],
      [["check", "-h", ...loc], /^catalog check\n/u],
      [["show", "-h", ...loc], /^catalog show \[spec\]/u],
      [["query", "--tag", "x", "-h", ...loc], /^catalog query/u],
      [["help", "daemon", "start"], /^catalog daemon start\n/u],
      [["help"], /^catalog <command>/u],
      [["query", "--version", ...loc], /^0\.1\.0\n$/u],
      [["--version"], /^0\.1\.0\n$/u],
    ];
    for (const [args, out] of cases) {
      const r = cli(args);
      expect([r.status, r.stderr], args.join(" ")).toEqual([0, ""]);
      expect(r.stdout, args.join(" ")).toMatch(out);
    }
    expect(filesUnder(w.dir)).toEqual(filesUnder(w.dir).filter((f) => !f.startsWith("catalog.sqlite")));
    expect(existsSync(w.dbPath)).toBe(false);
  });

  it("help shows the sort fields, the formats and examples; an unknown command suggests the nearest", () => {
    const h = cli(["help", "query"]).stdout;
    for (const field of ["timestamp", "started", "stopped", "operation", "label"]) expect(h).toContain(field);
    expect(h).toMatch(/choices: "table", "json", "jsonl", "csv"/u);
    expect(h).toMatch(/Examples:\n {2}catalog query /u);
    const top = cli(["help"]).stdout;
    for (const c of ["query", "show", "index", "reindex", "check", "daemon", "watch", "serve", "completion"]) expect(top).toContain(`catalog ${c}`);
    const typo = cli(["shwo", "1"]);
    expect([typo.status, typo.stderr]).toEqual([2, 'catalog: unknown command "shwo" (did you mean show?); choose one of: query, show, group, tag, label, comment, index, reindex, check, daemon, watch, serve, completion, help\n']);
    expect(cli(["ls", "-h"]).stdout).toMatch(/^catalog query/u);
  });

  it("completion prints a bash script that completes commands, subcommands, options and choices", () => {
    const script = cli(["completion"]);
    expect(script.status).toBe(0);
    const dir = tempDir();
    writeFileSync(join(dir, "c.bash"), script.stdout);
    const complete = (line: string) => {
      const words = line.split(" ");
      const r = spawnSync("bash", ["-c", `source ${join(dir, "c.bash")}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _catalog_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      return r.stdout.trim().split("\n").filter((w) => w !== "").sort();
    };
    expect(complete("catalog s")).toEqual(["serve", "show"]);
    expect(complete("catalog serve --p")).toEqual(["--port"]);
    expect(complete("catalog daemon st")).toEqual(["start", "status", "stop"]);
    expect(complete("catalog query --fo")).toEqual(["--format"]);
    expect(complete("catalog query --format j")).toEqual(["json", "jsonl"]);
    expect(complete("catalog ls --status e")).toEqual(["error"]);
    expect(complete("catalog --db x.sqlite query -g --ta")).toEqual(["--tag"]);
    expect(complete("catalog daemon start --sw")).toEqual(["--sweep"]);
    const zsh = cli(["completion", "zsh"]);
    expect(zsh.stdout).toMatch(/^#compdef catalog\n/u);
    expect(zsh.stdout).toContain("bashcompinit");
    expect(cli(["completion", "fish"]).status).toBe(2);
  });
});

describe("strict input: usage errors, exit 2, one line", () => {
  it("an option without its value, at the end of the line or before another option", () => {
    for (const args of [["query", "--tag"], ["query", "--status"], ["query", "--limit"], ["query", "--format"], ["query", "--db"], ["query", "--runs-dir"], ["query", "--tag", "--all"], ["show", "-f"]]) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^catalog: --[a-z-]+ needs a value \(--[a-z-]+ [A-Z]+\); see `catalog (query|show) --help`\n$/u);
    }
  });

  it("impossible dates, limits below 1, bad choices, repeated options, unknown subcommands and arguments", () => {
    const cases: [string[], string][] = [
      [["query", "--since", "2024-13-45"], 'catalog: --since: "2024-13-45" is not a time (there is no day 2024-13-45); use e.g. 2d, 3h, today, yesterday, 2024-06-01 or 2024-06-01T10:00\n'],
      [["query", "--until", "2024-02-30"], 'catalog: --until: "2024-02-30" is not a time (there is no day 2024-02-30); use e.g. 2d, 3h, today, yesterday, 2024-06-01 or 2024-06-01T10:00\n'],
      [["query", "--limit", "0"], 'catalog: --limit takes a whole number of at least 1, not "0"\n'],
      [["query", "-n", "-2"], 'catalog: --limit takes a whole number of at least 1, not "-2"\n'],
      [["query", "--limit", "2.5"], 'catalog: --limit takes a whole number of at least 1, not "2.5"\n'],
      [["query", "--format", "xml"], 'catalog: --format "xml" is not one of: table, json, jsonl, csv\n'],
      [["query", "--status", "done"], 'catalog: --status "done" is not one of: running, completed, error, terminated, staged, pending, unknown\n'],
      [["query", "--limit", "2", "--limit", "3"], "catalog: --limit is given more than once; give it once\n"],
      [["query", "--limit", "2", "--all"], "catalog: --limit and --all cannot be combined\n"],
      [["daemon", "foo"], 'catalog: unknown daemon subcommand "foo"; choose one of: start, stop, status\n'],
      [["daemon", "stat"], 'catalog: unknown daemon subcommand "stat" (did you mean start?); choose one of: start, stop, status\n'],
      [["daemon"], "catalog: catalog daemon needs a subcommand: start, stop, status\n"],
      [["index", "extra"], 'catalog: unexpected argument "extra" for catalog index; see `catalog index --help`\n'],
      [["show", "1", "2"], 'catalog: unexpected argument "2" for catalog show; see `catalog show --help`\n'],
      [["query", "--colr", "x"], "catalog: unknown option --colr for catalog query; see `catalog query --help`\n"],
      [["query", "--stauts", "error"], "catalog: unknown option --stauts for catalog query (did you mean --status?); see `catalog query --help`\n"],
      [["query", "-g", "--deleted"], "catalog: --in-group, --deleted and --archive list runs; they cannot be combined with --groups\n"],
      [["query", "--sort", "colour"], 'catalog: cannot sort by "colour": use one of timestamp, started, initialized, staged, stopped, id, name, operation, status, label, or config.KEY, metrics.KEY, attributes.KEY, attrs.KEY\n'],
    ];
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    for (const [args, err] of cases) {
      const r = cli([...args, "--runs-dir", w.runsDir, "--db", w.dbPath]);
      expect([r.status, r.stderr], args.join(" ")).toEqual([2, err]);
      expect(r.stdout, args.join(" ")).toBe("");
    }
    // daemon foo printed the daemon's status before: nothing is printed, no daemon file exists
    expect(filesUnder(w.dir).filter((f) => f.includes("daemon"))).toEqual([]);
  });

  it("--until DATE includes that whole day; today and yesterday are times", () => {
    const w = workspace();
    // TZ is fixed for the processes so that "that day" is unambiguous
    const env = { TZ: "UTC" };
    writeRun(w.runsDir, finishedRun(runId(1), { started: us("2024-06-03T00:00:00Z") }));
    writeRun(w.runsDir, finishedRun(runId(2), { started: us("2024-06-03T23:59:59.999999Z") }));
    writeRun(w.runsDir, finishedRun(runId(3), { started: us("2024-06-04T00:00:00Z") }));
    const now = Date.now() * 1000;
    writeRun(w.runsDir, finishedRun(runId(4), { started: now - 60e6, staged: now - 61e6, stopped: now - 30e6 }));
    const ids = (args: string[]) => {
      const r = cli(["query", "--all", "--format", "json", ...args, "--runs-dir", w.runsDir, "--db", w.dbPath], env);
      expect(r.stderr).toBe("");
      return (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id).sort();
    };
    expect(ids(["--until", "2024-06-03"])).toEqual([runId(1), runId(2)]);
    expect(ids(["--since", "2024-06-03", "--until", "2024-06-03"])).toEqual([runId(1), runId(2)]);
    expect(ids(["--since", "2024-06-04"])).toEqual([runId(3), runId(4)]);
    expect(ids(["--until", "2024-06-03T23:59:59.999999Z"])).toEqual([runId(1), runId(2)]);
    expect(ids(["--since", "today"])).toEqual([runId(4)]);
    expect(ids(["--until", "yesterday"])).toEqual([runId(1), runId(2), runId(3)]);
  });
});

describe("the runs dir and its database belong together", () => {
  it("a runs dir that does not exist, or is a file, is an error naming it; the index keeps its rows", () => {
    const w = workspace();
    for (let n = 1; n <= 3; n++) writeRun(w.runsDir, finishedRun(runId(n)));
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).status).toBe(0);
    const file = join(w.dir, "a-file");
    writeFileSync(file, "x");
    for (const [dir, why] of [[join(w.dir, "no-such-dir"), `no runs dir at ${join(w.dir, "no-such-dir")} (from --runs-dir)`], [file, `${file} (from --runs-dir) is not a directory`]] as const) {
      for (const cmd of ["index", "reindex", "check", "query"]) {
        const r = cli([cmd, "--runs-dir", dir, "--db", w.dbPath]);
        expect([r.status, r.stderr], `${cmd} ${dir}`).toEqual([1, `catalog: ${why}; check the path\n`]);
      }
    }
    const env = cli(["index", "--db", w.dbPath], { GAGE_RUNS: join(w.dir, "gone") });
    expect(env.stderr).toBe(`catalog: no runs dir at ${join(w.dir, "gone")} (from GAGE_RUNS); fix GAGE_RUNS or pass --runs-dir\n`);
    const rows = cli(["query", "--all", "--format", "json", "--runs-dir", w.runsDir, "--db", w.dbPath]);
    expect(JSON.parse(rows.stdout)).toHaveLength(3);
  });

  it("a database holding another runs dir's index is refused, naming both; the first keeps its rows", () => {
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    const other = join(w.dir, "other-runs");
    writeRun(other, finishedRun(runId(2)));
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).status).toBe(0);
    const want = `catalog: the database ${w.dbPath} is the index of ${w.runsDir}, not of ${other}; pass --runs-dir ${w.runsDir} to use it, or --db to give ${other} a database of its own (by default each runs dir has one)\n`;
    for (const cmd of [["index"], ["reindex"], ["query"], ["query", "--no-refresh"], ["check"], ["daemon", "start"], ["watch"]]) {
      const r = cli([...cmd, "--runs-dir", other, "--db", w.dbPath]);
      expect([r.status, r.stderr], cmd.join(" ")).toEqual([1, want]);
    }
    const rows = JSON.parse(cli(["query", "--format", "json", "--runs-dir", w.runsDir, "--db", w.dbPath]).stdout) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual([runId(1)]);
    // the default database is per runs dir, so both can be indexed side by side
    const home = tempDir();
    const env = { HOME: home, XDG_CACHE_HOME: "" };
    expect(cli(["index", "--runs-dir", w.runsDir], env).status).toBe(0);
    expect(cli(["index", "--runs-dir", other], env).status).toBe(0);
    expect(readdirSync(join(home, ".cache", "gage-catalog")).filter((f) => f.endsWith(".sqlite"))).toHaveLength(2);
  });

  it("with no runs dir found, query says where it looked and creates no database", () => {
    const home = tempDir();
    const cwd = tempDir();
    const r = spawnSync(process.execPath, [BIN, "query"], {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env["PATH"], HOME: home },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`catalog: no runs dir at ${join(home, ".gage", "runs")} (from default); pass --runs-dir or set GAGE_RUNS\n`);
    expect(r.stdout).toBe("");
    expect(filesUnder(home)).toEqual([]);
    // in a project without runs yet, the message names the project
    mkdirSync(join(cwd, ".git"));
    const p = spawnSync(process.execPath, [BIN, "index"], { cwd, encoding: "utf8", env: { PATH: process.env["PATH"], HOME: home } });
    expect(p.stderr).toBe(`catalog: no runs dir at ${join(cwd, ".gage", "runs")} (from project ${cwd}); this project has no Gage runs yet; pass --runs-dir or set GAGE_RUNS for another runs dir\n`);
    expect(filesUnder(home)).toEqual([]);
  });

  it("a database in a directory that does not exist is an error, not a new directory", () => {
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    const db = join(w.dir, "no", "such", "db.sqlite");
    const r = cli(["index", "--runs-dir", w.runsDir, "--db", db]);
    expect([r.status, r.stderr]).toEqual([1, `catalog: no directory ${join(w.dir, "no", "such")} for the database ${db} (from --db); create it first\n`]);
    expect(existsSync(join(w.dir, "no"))).toBe(false);
  });
});

/** Runs `bin/catalog` as a user who is not the owner of the files (root reads and writes everything). */
function asOtherUser(args: readonly string[]): CliResult {
  const root = process.getuid?.() === 0;
  const cmd = root ? ["runuser", "-u", "nobody", "--", process.execPath, BIN, ...args] : [process.execPath, BIN, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", env: { ...process.env, HOME: "/tmp" } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("errors a person can act on", () => {
  it("a database the user cannot write: says so, suggests --no-refresh, which then answers", () => {
    const w = workspace();
    for (let n = 1; n <= 2; n++) writeRun(w.runsDir, finishedRun(runId(n)));
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).status).toBe(0);
    chmodSync(w.dir, 0o755);
    if (process.getuid?.() !== 0) chmodSync(w.dir, 0o555); // not root: take the write permission away from ourselves
    try {
      const r = asOtherUser(["query", "--runs-dir", w.runsDir, "--db", w.dbPath]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `catalog: the index ${w.dbPath} cannot be written by you (cannot open ${w.dbPath}.lock: permission denied); add --no-refresh to query it as it is, or give a --db you can write\n`,
      );
      const ro = asOtherUser(["query", "--no-refresh", "--format", "json", "--runs-dir", w.runsDir, "--db", w.dbPath]);
      expect(ro.stderr).toBe("");
      expect((JSON.parse(ro.stdout) as unknown[]).length).toBe(2);
      const unreadable = join(w.dir, "private-runs");
      writeRun(unreadable, finishedRun(runId(3)));
      chmodSync(unreadable, 0o700);
      const u = asOtherUser(["index", "--runs-dir", unreadable, "--db", join("/tmp", `catalog-other-${process.pid}.sqlite`)]);
      expect([u.status, u.stderr]).toEqual([1, `catalog: the runs dir ${unreadable} cannot be read (permission denied); nothing was indexed\n`]);
      expect(existsSync(join("/tmp", `catalog-other-${process.pid}.sqlite`))).toBe(false);
    } finally {
      chmodSync(w.dir, 0o755);
    }
  });

  it("a writer lock held by a live process names the holder", async () => {
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).status).toBe(0);
    writeFileSync(`${w.dbPath}.lock`, `${process.pid} catalog reindex\n`);
    const r = cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]);
    expect([r.status, r.stderr]).toEqual([1, `catalog: the index ${w.dbPath} is being written by catalog reindex (pid ${process.pid}) right now; try again when it is done\n`]);
  });
});

describe("a table for people", () => {
  let t: Ws;
  beforeAll(() => {
    t = lastingWorkspace();
    writeRun(t.runsDir, finishedRun(runId(1), { exit: 3 }));
    logRunAttrs(t.runsDir, runId(1), "alice", { label: "a long label that will not fit a narrow terminal at all" }, [], MS);
    writeRun(t.runsDir, finishedRun(runId(2)));
    logRunAttrs(t.runsDir, runId(2), "alice", { label: "two\nlines\u001b[31m and an escape" }, [], MS);
    writeRun(t.runsDir, finishedRun(runId(3), { started: started(3), zip: true }));
    writeArchive(t.runsDir, ARCHIVE, "old-stuff", 1718000000, MS);
    writeMove(t.runsDir, runId(3), ARCHIVE, MS);
    writeAttrLog(writeGroup(t.runsDir, GROUPS[0]!), { author: "alice", set: groupAttrs({ label: "pair", runs: [runId(1), runId(2)] }) }, MS);
    expect(cli(["index", "--runs-dir", t.runsDir, "--db", t.dbPath]).status).toBe(0);
  });
  const q = (args: string[], env: NodeJS.ProcessEnv = {}) => cli([...args, "--runs-dir", t.runsDir, "--db", t.dbPath, "--no-refresh"], env);

  it("fits the terminal width, cutting labels with … and escaping control characters", () => {
    const wide = q(["query"]).stdout;
    expect(wide).toContain("a long label that will not fit a narrow terminal at all");
    expect(wide).toContain("two\\nlines\\e[31m and an escape");
    expect(wide).not.toContain("\u001b");
    const narrow = q(["query"], { COLUMNS: "70" }).stdout.trimEnd().split("\n");
    for (const l of narrow) expect(l.length, l).toBeLessThanOrEqual(70);
    expect(narrow.some((l) => /a long label that will[^…]*…$/u.test(l) && l.length === 70)).toBe(true);
    // as gage list does, narrow terminals drop columns
    expect(q(["query"], { COLUMNS: "50" }).stdout.split("\n")[0]).toMatch(/^#\s+name\s+operation\s+started\s+status$/u);
    expect(q(["query"], { COLUMNS: "40" }).stdout.split("\n")[0]).toMatch(/^#\s+name\s+operation$/u);
    expect(q(["query"], { COLUMNS: "20" }).stdout.split("\n")[0]).toMatch(/^#\s+name$/u);
  });

  it("says so when nothing matches instead of printing a bare header", () => {
    expect(q(["query", "--status", "running"]).stdout).toBe("no runs match these filters\n");
    expect(q(["query", "--deleted"]).stdout).toBe(`no runs in the trash in ${t.runsDir}\n`);
    expect(q(["query", "7:9"]).stdout).toBe("no runs match 7:9\n");
    expect(q(["query", "-g", "--tag", "nope"]).stdout).toBe("no groups match these filters\n");
    expect(q(["query", "--status", "running", "--format", "json"]).stdout).toBe("[]\n");
  });

  it("colours statuses on a terminal, and not with NO_COLOR or into a pipe", () => {
    const tty = (env: string) => spawnSync("script", ["-qec", `stty cols 120; ${env} ${process.execPath} ${BIN} query --no-refresh --runs-dir ${t.runsDir} --db ${t.dbPath}`, "/dev/null"], { encoding: "utf8" }).stdout;
    const coloured = tty("");
    expect(coloured).toContain("\u001b[31merror");
    expect(coloured).toContain("\u001b[32mcompleted");
    expect(tty("NO_COLOR=1")).not.toContain("\u001b[");
    expect(q(["query"]).stdout).not.toContain("\u001b[");
  });

  it("show prints local times with zone and age, archive names, and a group's members as a numbered table", () => {
    const r = q(["show", runId(1).slice(0, 8)], { TZ: "Europe/Paris" });
    expect(r.stdout).toMatch(/^started: +2024-06-20T12:00:01\+02:00 \(\d+ (year|month)s? ago\)$/mu);
    expect(r.stdout).toMatch(/^status: +error \(exit 3\)$/mu);
    const archived = q(["show", runId(3).slice(0, 8)]);
    expect(archived.stdout).toMatch(new RegExp(`^container: +${ARCHIVE} \\(archive old-stuff\\)$`, "mu"));
    const g = q(["show", "-g", "1"]).stdout;
    expect(g).toMatch(/^members:\n {2}#\s+name\s+operation\s+started\s+status\s+label\n {2}1\s+babab-\w{5}\s+train\s+.+ago\s+error\s+a long label/mu);
    expect(g).toMatch(/^ {2}2\s+babab-\w{5}\s+train\s+.+ago\s+completed\s+two\\nlines/mu);
  });
});

describe("check tells errors from notes", () => {
  it("a .meta dir with an empty opref is a note Gage skips: check exits 0; a real error exits 1", () => {
    const w = workspace();
    writeRun(w.runsDir, finishedRun(runId(1)));
    mkdirSync(join(w.runsDir, `${runId(2)}.meta`));
    writeFileSync(join(w.runsDir, `${runId(2)}.meta`, "opref"), "");
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).stdout).toMatch(/^1 notes: entries Gage itself skips/mu);
    const ok = cli(["check", "--runs-dir", w.runsDir, "--db", w.dbPath]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(
      `note: ${join(w.runsDir, `${runId(2)}.meta`, "opref")}: empty opref: not a run (Gage skips it too)\nok: the index matches ${w.runsDir} (2 entries); 1 notes (entries Gage itself skips)\n`,
    );
    writeFileSync(join(w.runsDir, `${runId(2)}.meta`, "opref"), "9 p train");
    expect(cli(["index", "--runs-dir", w.runsDir, "--db", w.dbPath]).status).toBe(0);
    const bad = cli(["check", "--runs-dir", w.runsDir, "--db", w.dbPath]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^index error: .*opref: unsupported opref: "9 p train"$/mu);
    expect(statSync(w.dbPath).size).toBeGreaterThan(0);
  });
});
