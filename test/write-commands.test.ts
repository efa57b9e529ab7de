/**
 * The write commands (issue 9) as a user runs them: every change is a new attr-log file in
 * Gage's format, read back through `query`/`show` and through the project's own reader.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAttrLog } from "../src/disk/attr-log.js";
import { logRunAttrs, writeMove, writeRun } from "../src/fixtures/gage-writer.js";
import { osUser } from "../src/write/author.js";
import { ulidMs } from "../src/write/ulid.js";
import { BACKENDS, backendWorkspace, loc, type Backend, type Ws } from "./backends.js";
import { BIN, cli, cliAsync, finishedRun, us, type CliResult } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${(n * 0x1111).toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

/** Five finished runs an hour apart (run 5 the newest, #1 in the listing), and a database of the backend. */
async function fiveRuns(backend: Backend): Promise<Ws> {
  const ws = await backendWorkspace(backend);
  for (let n = 1; n <= 5; n++) {
    const started = us("2024-06-01T00:00:00Z") + n * 3600e6;
    writeRun(ws.runsDir, finishedRun(runId(n), { started, staged: started - 1e6, stopped: started + 1e6, opref: { ns: "p", name: n % 2 ? "train" : "eval" } }));
  }
  return ws;
}

const run = (ws: Ws, args: readonly string[], env: NodeJS.ProcessEnv = {}) => cli([...args, ...loc(ws)], env);
function ok(r: CliResult): string {
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}
const json = <T>(ws: Ws, args: readonly string[], env: NodeJS.ProcessEnv = {}): T => JSON.parse(ok(run(ws, [...args, "--format", "json", "--no-refresh"], env))) as T;

interface RunJson {
  id: string;
  label: string | null;
  tags: string[];
  comments: { id: string; author: string; timestamp: string; msg: string }[];
  groups: string[];
}
interface GroupJson {
  id: string;
  name: string;
  label: string | null;
  tags: string[];
  members: string[];
  status: string;
}

/** Every file in the runs dir, with its size: what a command must leave alone. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => `${f} ${statSync(join(dir, f)).size}`)
    .sort();
}

/**
 * Lets another OS user index into the workspace's database. A SQLite index is written by its
 * owner only (a refresh would fail first, naming the database): open up the file, its -wal and
 * -shm, and its dir. A PostgreSQL database's access goes by its role, not by the OS user.
 */
function letOthersIndex(ws: Ws): void {
  if (ws.backend === "postgres") return;
  chmodSync(ws.dbPath, 0o666);
  for (const s of ["-wal", "-shm"]) {
    try {
      chmodSync(`${ws.dbPath}${s}`, 0o666);
    } catch {
      // not there
    }
  }
  chmodSync(ws.dir, 0o777);
}

/** Every attr-log file written under an entry: parses, replays, is read-only, sorts in write order. */
function logOf(dir: string) {
  const log = readAttrLog(dir);
  expect(log.issues).toEqual([]);
  for (const n of log.names) expect(statSync(join(dir, n)).mode & 0o777).toBe(0o444);
  expect(readdirSync(dir).filter((n) => !n.endsWith(".json") && n !== "id")).toEqual([]); // no temporary files left
  return log;
}

describe.each(BACKENDS)("%s", (backend) => {
  describe("the run-groups design's example, with catalog commands alone", () => {
    it("three runs, a group 'Sample group' tagged color=green, read back with query --groups --tag color=green", async () => {
      const ws = await backendWorkspace(backend);
      // as the design makes them: three runs of op `test`, meta with only an opref
      for (const n of [2, 3, 4]) writeRun(ws.runsDir, { id: runId(n), opref: { ns: "test", name: "test" }, minimal: true });
      const out = ok(run(ws, ["group", "create", "1:3", "--label", "Sample group", "--tag", "color=green"]));
      const [n, gid, name] = out.trim().split(/ {2}/u);
      expect(n).toBe("1");
      expect(gid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
      expect(Math.abs(ulidMs(gid!) - Date.now())).toBeLessThan(60_000); // time-ordered, as make_run_id(ms)
      const groups = json<GroupJson[]>(ws, ["query", "--groups", "--tag", "color=green"]);
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ id: gid, name, label: "Sample group", tags: ["color=green"], status: "unknown" });
      expect([...groups[0]!.members].sort()).toEqual([2, 3, 4].map(runId).sort());
      // the files: `id` and one entry whose replay is the design's get_attrs
      const dir = join(ws.runsDir, `${gid}.group`);
      expect(readFileSync(join(dir, "id"), "utf8")).toBe(gid);
      const log = logOf(dir);
      expect(log.entries).toHaveLength(1);
      expect(log.entries[0]!.set).toEqual({ label: "Sample group", "tag:color=green": "", ...Object.fromEntries([2, 3, 4].map((k) => [`run:${runId(k)}`, ""])) });
      expect(log.entries[0]!.author).toBe(osUser());
      const text = readFileSync(join(dir, log.names[0]!), "utf8");
      expect(text).toMatch(/^\{"author": "[^"]+", "set": \{"label": "Sample group", "tag:color=green": "", "run:[^"]+": "", "run:[^"]+": "", "run:[^"]+": ""\}, "delete": \[\]\}$/u);
    });
  });

  describe("tag, label, comment: write, then read back", () => {
    it("tags and labels runs and groups; files parse, replay, are 0444 and sort in write order", async () => {
      const ws = await fiveRuns(backend);
      ok(run(ws, ["tag", "1", "--add", "color=green", "--add", "best"]));
      ok(run(ws, ["tag", "1", "--remove", "best", "--author", "bob"]));
      ok(run(ws, ["label", "1", "--set", "winner"]));
      ok(run(ws, ["label", "2:3", "--set", "ok", "-y"]));
      ok(run(ws, ["label", "3", "--clear"]));
      const [r1] = json<RunJson[]>(ws, ["query", "1"]);
      expect(r1).toMatchObject({ id: runId(5), label: "winner", tags: ["color=green"] });
      expect(json<RunJson[]>(ws, ["query", "2:3"]).map((r) => r.label)).toEqual(["ok", null]);
      const log = logOf(join(ws.runsDir, `${runId(5)}.user`));
      expect(log.entries.map((e) => [e.author, e.set, e.delete])).toEqual([
        [expect.any(String), { "tag:color=green": "", "tag:best": "" }, []],
        ["bob", {}, ["tag:best"]],
        [expect.any(String), { label: "winner" }, []],
      ]);
      expect([...log.names].sort()).toEqual(log.names);
      // clearing or untagging a run that has no attr log writes nothing, as Gage
      ok(run(ws, ["label", "4", "--clear"]));
      ok(run(ws, ["tag", "4", "--remove", "x"]));
      expect(readdirSync(ws.runsDir).filter((n) => n === `${runId(2)}.user`)).toEqual([]);
    });

    it("comments as Gage's run_comment: add, list, edit, delete, on runs and groups", async () => {
      const ws = await fiveRuns(backend);
      const before = Date.now();
      const added = ok(run(ws, ["comment", "1", "-m", "diverged after epoch 3"]));
      const cid = /^added comment ([0-9a-f]{8}-[0-9a-f]{4}) to run /u.exec(added)![1]!;
      let [r] = json<RunJson[]>(ws, ["query", "1"]);
      expect(r!.comments).toEqual([{ id: cid, author: expect.any(String), timestamp: expect.any(String), msg: "diverged after epoch 3" }]);
      // the id is the comment's ms (as a ULID-uuid prefix) and the timestamp is that ms
      const ms = ulidMs(cid);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(Date.parse(r!.comments[0]!.timestamp)).toBe(ms);
      const entry = logOf(join(ws.runsDir, `${runId(5)}.user`)).entries[0]!;
      expect(ulidMs(entry.name)).toBeGreaterThan(ms); // the file's ms comes after the comment's, as in Gage
      expect(entry.set).toEqual({ [`comment:${cid}`]: { msg: "diverged after epoch 3", timestamp: ms } });
      expect(ok(run(ws, ["comment", "--list"]))).toMatch(new RegExp(`^1  babab-\\w{5}  ${runId(5)}\\n  ${cid}  \\S+  \\S+  diverged after epoch 3\\n$`, "u"));
      ok(run(ws, ["comment", "1", "--edit", cid, "-m", "diverged after epoch 4"]));
      [r] = json<RunJson[]>(ws, ["query", "1"]);
      expect(r!.comments.map((c) => [c.id, c.msg])).toEqual([[cid, "diverged after epoch 4"]]);
      ok(run(ws, ["comment", "--delete", cid]));
      expect(json<RunJson[]>(ws, ["query", "1"])[0]!.comments).toEqual([]);
      const missing = run(ws, ["comment", "--delete", cid]);
      expect([missing.status, missing.stderr]).toEqual([1, `catalog: run babab-${/babab-(\w{5})/u.exec(ok(run(ws, ["show", "1", "--no-refresh"])))![1]} has no comment "${cid}"; \`catalog comment --list ${runId(5).slice(0, 8)}\` lists them\n`]);
      // and on a group, in its own dir
      const gid = ok(run(ws, ["group", "create", "1:2", "--label", "pair"])).trim().split(/ {2}/u)[1]!;
      ok(run(ws, ["comment", "-g", "1", "-m", "a group note"]));
      ok(run(ws, ["tag", "-g", "1", "--add", "color=green"]));
      ok(run(ws, ["label", "-g", "1", "--set", "pair of runs"]));
      const g = json<GroupJson & { comments: RunJson["comments"] }>(ws, ["show", "-g", gid]);
      expect(g).toMatchObject({ label: "pair of runs", tags: ["color=green"], comments: [expect.objectContaining({ msg: "a group note" })] });
      expect(logOf(join(ws.runsDir, `${gid}.group`)).entries).toHaveLength(4);
    });

    it("a group made, extended, shrunk and relabelled; removing a member gone from disk by its id", async () => {
      const ws = await fiveRuns(backend);
      const gid = ok(run(ws, ["group", "create", "4:5", "--label", "sweep"])).trim().split(/ {2}/u)[1]!;
      const members = () => [...json<GroupJson>(ws, ["show", "-g", gid]).members].sort();
      expect(members()).toEqual([runId(1), runId(2)]);
      expect(ok(run(ws, ["group", "add", gid.slice(0, 12), "1", "2"]))).toBe("added 2 runs to group " + json<GroupJson>(ws, ["show", "-g", gid]).name + "\n");
      expect(members()).toEqual([1, 2, 4, 5].map(runId).sort());
      expect(ok(run(ws, ["group", "add", "1", "1"]))).toMatch(/^every run named is already a member/u);
      ok(run(ws, ["group", "remove", "1", "5"]));
      expect(members()).toEqual([2, 4, 5].map(runId).sort());
      // a member in the trash is in no listing; its id still names it
      writeMove(ws.runsDir, runId(2), "trash", MS);
      ok(run(ws, ["group", "remove", "1", runId(2).slice(0, 8)]));
      expect(members()).toEqual([4, 5].map(runId).sort());
      ok(run(ws, ["label", "-g", "1", "--set", "sweep v2"]));
      expect(json<GroupJson>(ws, ["show", "-g", gid]).label).toBe("sweep v2");
      const log = logOf(join(ws.runsDir, `${gid}.group`));
      expect(log.entries.map((e) => [Object.keys(e.set).length, e.delete.length])).toEqual([
        [3, 0],
        [2, 0],
        [0, 1],
        [0, 1],
        [1, 0],
      ]);
      // runs show the groups that list them
      expect(json<RunJson[]>(ws, ["query", "1"])[0]!.groups).toEqual([gid]);
    });

    it("group create with filters selects its members; no SPEC and no filter is an empty group", async () => {
      const ws = await fiveRuns(backend);
      const train = ok(run(ws, ["group", "create", "--op", "train", "--tag", "kind=train"])).trim().split(/ {2}/u)[1]!;
      expect([...json<GroupJson>(ws, ["show", "-g", train]).members].sort()).toEqual([1, 3, 5].map(runId).sort());
      const empty = ok(run(ws, ["group", "create", "--label", "to fill"])).trim().split(/ {2}/u)[1]!;
      expect(json<GroupJson>(ws, ["show", "-g", empty])).toMatchObject({ members: [], label: "to fill", status: "unknown" });
    });

    it("two processes writing to the same run at once both land", async () => {
      const ws = await fiveRuns(backend);
      ok(run(ws, ["index"]));
      const results = await Promise.all(
        ["a", "b", "c"].map((t) => cliAsync(["tag", "1", "--add", `from-${t}`, ...loc(ws)])),
      );
      for (const r of results) expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(json<RunJson[]>(ws, ["query", "1"])[0]!.tags).toEqual(["from-a", "from-b", "from-c"]);
      expect(logOf(join(ws.runsDir, `${runId(5)}.user`)).entries).toHaveLength(3);
    });

    it("--dry-run prints the entries and writes nothing", async () => {
      const ws = await fiveRuns(backend);
      ok(run(ws, ["index"]));
      const before = snapshot(ws.runsDir);
      const out = ok(run(ws, ["tag", "1:2", "--add", "x", "--dry-run", "--author", "carol"]));
      expect(out.trimEnd().split("\n")).toEqual(
        [5, 4].map((n) => `would write ${join(ws.runsDir, `${runId(n)}.user`, "<new ULID-uuid>.json")}: {"author": "carol", "set": {"tag:x": ""}, "delete": []}`),
      );
      expect(ok(run(ws, ["group", "create", "1", "--dry-run", "--author", "carol"]))).toMatch(/^would create .*\.group\/ with id [0-9a-f-]{36}\nwould write .*: \{"author": "carol", "set": \{"run:[^"]+": ""\}, "delete": \[\]\}\n$/u);
      expect(snapshot(ws.runsDir)).toEqual(before);
    });
  });

  describe("bad targets write nothing", () => {
    it("no match, an ambiguous group, a path in an id, no operation, several without -y off a terminal", async () => {
      const ws = await fiveRuns(backend);
      ok(run(ws, ["group", "create", "1", "--label", "g1"]));
      ok(run(ws, ["group", "create", "2", "--label", "g2"]));
      const before = snapshot(ws.runsDir);
      const cases: [string[], number, RegExp][] = [
        [["tag", "zzz", "--add", "x"], 1, /^catalog: no runs match zzz; nothing was written\n$/u],
        [["tag", "../x", "--add", "x"], 1, /^catalog: no runs match \.\.\/x; nothing was written\n$/u],
        [["label", `../../${runId(1)}`, "--set", "x"], 1, /^catalog: no runs match .*; nothing was written\n$/u],
        [["group", "add", "0", "1"], 1, /^catalog: "0" matches 2 groups; give its number or more of its id\n {2}#/u],
        [["group", "add", "9", "1"], 1, /^catalog: no group matches "9"/u],
        [["tag", "1"], 2, /^catalog: give --add TAG or --remove TAG \(or both\)\n$/u],
        [["tag", "--add", "x"], 2, /^catalog: name the runs to change .* or give --all\n$/u],
        [["label", "1", "--set", "a", "--clear"], 2, /^catalog: give either --set LABEL or --clear\n$/u],
        [["comment", "1"], 2, /^catalog: give the comment with -m MSG/u],
        [["tag", "1:3", "--add", "x"], 1, /^catalog: this would tag x 3 runs; add -y to go ahead \(there is no terminal to ask\)\n$/u],
        [["comment", "1:2", "--delete", "0190847b-b4cb"], 1, /^catalog: "1:2" selects 2 runs; name one\n$/u],
        [["comment", "1", "2", "--edit", "0190847b-b4cb", "-m", "x"], 2, /^catalog: --edit changes one comment of one run or group; name one\n$/u],
      ];
      for (const [args, status, err] of cases) {
        const r = run(ws, args);
        expect(r.status, args.join(" ")).toBe(status);
        expect(r.stderr, args.join(" ")).toMatch(err);
      }
      expect(snapshot(ws.runsDir)).toEqual(before);
    });

    it("an attr-log dir that is a symlink out of the runs dir is never written through", async () => {
      const ws = await fiveRuns(backend);
      const outside = join(ws.dir, "outside");
      mkdirSync(outside);
      symlinkSync(outside, join(ws.runsDir, `${runId(5)}.user`));
      ok(run(ws, ["index"]));
      const r = run(ws, ["tag", "1", "--add", "x"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^catalog: ${join(ws.runsDir, `${runId(5)}.user`)}: symlink to .* leads out of the runs dir; not followed; nothing was written\n$`, "u"));
      expect(readdirSync(outside)).toEqual([]);
    });

    it("a read-only runs dir: one line, nothing written", async () => {
      const ws = await fiveRuns(backend);
      logRunAttrs(ws.runsDir, runId(5), "alice", { label: "x" }, [], MS);
      ok(run(ws, ["index"]));
      chmodSync(ws.dir, 0o755);
      const before = snapshot(ws.runsDir);
      const asOther = (args: string[]) => {
        const root = process.getuid?.() === 0;
        const cmd = root ? ["runuser", "-u", "nobody", "--", process.execPath, BIN, ...args, ...loc(ws)] : [process.execPath, BIN, ...args, ...loc(ws)];
        const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8" });
        return { status: r.status, stderr: r.stderr };
      };
      if (process.getuid?.() !== 0) chmodSync(ws.runsDir, 0o555);
      try {
        letOthersIndex(ws);
        for (const [args, dir] of [
          [["label", "1", "--set", "y"], join(ws.runsDir, `${runId(5)}.user`)],
          [["tag", "2", "--add", "y"], ws.runsDir],
          [["group", "create", "1"], ws.runsDir],
        ] as const) {
          const r = asOther([...args]);
          expect([r.status, r.stderr], args.join(" ")).toEqual([1, `catalog: cannot write to ${dir}: permission denied (or a read-only file system); nothing was written\n`]);
        }
      } finally {
        chmodSync(ws.dir, 0o755);
        chmodSync(ws.runsDir, 0o755);
      }
      expect(snapshot(ws.runsDir)).toEqual(before);
    });

    it("on a terminal, several targets are listed and asked about: n writes nothing, y writes", async () => {
      const ws = await fiveRuns(backend);
      ok(run(ws, ["index"]));
      const before = snapshot(ws.runsDir);
      const onTty = (answer: string) =>
        spawnSync("script", ["-qec", `${process.execPath} ${BIN} tag 1:2 --add t ${loc(ws).join(" ")}`, "/dev/null"], { input: `${answer}\n`, encoding: "utf8" });
      const no = onTty("n");
      expect(no.stdout).toMatch(/#\s+name\s+operation[\s\S]*You are about to tag t 2 runs\. Continue\? \[y\/N\]/u);
      expect(no.stdout).toContain("nothing was written");
      expect(snapshot(ws.runsDir)).toEqual(before);
      const yes = onTty("y");
      expect(yes.stdout).toContain("tag t: 2 runs");
      expect(json<RunJson[]>(ws, ["query", "1:2"]).map((r) => r.tags)).toEqual([["t"], ["t"]]);
    });
  });

  describe("the index and the daemon see a write when the command returns", () => {
    it("a query without refresh shows it at once; a running daemon serves it", async () => {
      const ws = await fiveRuns(backend);
      // a team database's daemon keeps its files in the user's cache: this test's own
      const env = { XDG_CACHE_HOME: join(ws.dir, "cache") };
      ok(run(ws, ["daemon", "start"], env));
      try {
        ok(run(ws, ["tag", "1", "--add", "seen"], env));
        // the daemon serves the database: query does not index first, and sees the tag
        expect(json<RunJson[]>(ws, ["query", "--tag", "seen"], env).map((r) => r.id)).toEqual([runId(5)]);
        const gid = ok(run(ws, ["group", "create", "1:2"], env)).trim().split(/ {2}/u)[1]!;
        expect(json<GroupJson[]>(ws, ["query", "-g"], env).map((g) => g.id)).toEqual([gid]);
      } finally {
        run(ws, ["daemon", "stop"], env);
      }
    });
  });
});
