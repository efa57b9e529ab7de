// A team database on PostgreSQL (docs/team.md): several runs dirs, as several hosts, in one
// database. Runs against the server CATALOG_TEST_PG_URL names (see test/global-setup.ts).
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { groupAttrs, writeAttrLog, writeGroup, writeRun } from "../src/fixtures/gage-writer.js";
import { newPgDatabase, PG_URL } from "./backends.js";
import { cli, cliAsync, finishedRun, tempDir, us } from "./helpers.js";

async function waitFor(what: string, ms: number, test: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const gid = (n: number) => `11111111-0000-4000-8000-${String(n).padStart(12, "0")}`;

interface Team {
  readonly url: string;
  readonly alpha: string;
  readonly beta: string;
}

async function team(): Promise<Team> {
  const dir = tempDir();
  return { url: await newPgDatabase(), alpha: join(dir, "alpha-runs"), beta: join(dir, "beta-runs") };
}

const on = (t: Team, host: "alpha" | "beta") => ["--db", t.url, "--runs-dir", host === "alpha" ? t.alpha : t.beta, "--host", host];

function ok(args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  const r = cli(args, env);
  if (r.status !== 0) throw new Error(`catalog ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function json<T>(args: readonly string[]): T {
  return JSON.parse(ok([...args, "--format", "json"])) as T;
}

interface RunJson {
  id: string;
  status: string;
  label: string | null;
  tags: string[];
  groups: string[];
  source: { host: string; runs_dir: string };
  copies?: { host: string; runs_dir: string }[];
}
interface GroupJson {
  id: string;
  label: string | null;
  status: string;
  members: string[];
  missing_members: string[];
  source: { host: string; runs_dir: string };
}

/** Sets a meta dir's times (and its proc/'s), as a sync with preserved times leaves them. */
function age(runsDir: string, runId: string, iso: string): void {
  const t = new Date(iso);
  for (const p of [join(runsDir, `${runId}.meta`, "proc"), join(runsDir, `${runId}.meta`)]) utimesSync(p, t, t);
}

/**
 * alpha: runs 1, 2 and a copy of 9 taken while it was still running; group 1 (green) lists 1,
 * 3 (beta's) and 9. beta: runs 3, 9 (finished, newer files) and group 2 (green) listing 3.
 */
function writeTeam(t: Team): void {
  writeRun(t.alpha, finishedRun(id(1)));
  writeRun(t.alpha, finishedRun(id(2), { exit: 1 }));
  writeRun(t.alpha, { id: id(9), opref: { ns: "p", name: "train" }, staged: us("2024-06-20T10:00:00Z"), started: us("2024-06-20T10:00:01Z") });
  age(t.alpha, id(9), "2024-06-20T10:00:01Z");
  writeAttrLog(writeGroup(t.alpha, gid(1)), { author: "ann", set: groupAttrs({ label: "sweep", tags: ["color=green"], runs: [id(1), id(3), id(9)] }), delete: [] }, Date.parse("2024-06-21T00:00:00Z"));
  writeRun(t.beta, finishedRun(id(3), { summary: { run: { label: "from beta" } } }));
  writeRun(t.beta, finishedRun(id(9)));
  age(t.beta, id(9), "2024-06-20T11:00:00Z");
  writeAttrLog(writeGroup(t.beta, gid(2)), { author: "bob", set: groupAttrs({ tags: ["color=green"], runs: [id(3)] }), delete: [] }, Date.parse("2024-06-22T00:00:00Z"));
}

describe.skipIf(PG_URL === undefined)("a team database: two runs dirs as two hosts", () => {
  it("answers query --groups --tag color=green with rows from both; a synced run is listed once", async () => {
    const t = await team();
    writeTeam(t);
    ok(["index", ...on(t, "alpha")]);
    ok(["index", ...on(t, "beta")]);

    // no --runs-dir: every source, and nothing is indexed first
    const groups = json<GroupJson[]>(["query", "--groups", "--tag", "color=green", "--db", t.url]);
    expect(groups.map((g) => [g.id, g.source.host]).sort()).toEqual([
      [gid(1), "alpha"],
      [gid(2), "beta"],
    ]);
    // group 1's members live on both hosts: all found, none missing; 9 counts as finished (beta's copy)
    const g1 = groups.find((g) => g.id === gid(1))!;
    expect([...g1.members].sort()).toEqual([id(1), id(3), id(9)]);
    expect(g1.missing_members).toEqual([]);
    expect(g1.status).toBe("completed");

    const runs = json<RunJson[]>(["query", "--all", "--db", t.url]);
    expect(runs.map((r) => r.id).sort()).toEqual([id(1), id(2), id(3), id(9)]);
    const nine = runs.find((r) => r.id === id(9))!;
    expect(nine.status).toBe("completed");
    expect(nine.source).toEqual({ host: "beta", runs_dir: t.beta });
    expect(runs.find((r) => r.id === id(3))!.groups.sort()).toEqual([gid(1), gid(2)]);

    // show names every copy, the one shown first
    const shown = json<RunJson>(["show", id(9), "--db", t.url]);
    expect(shown.copies).toEqual([
      { host: "beta", runs_dir: t.beta },
      { host: "alpha", runs_dir: t.alpha },
    ]);
    expect(ok(["show", id(9), "--db", t.url])).toMatch(/beta:.*beta-runs \(shown: newest files\), alpha:.*alpha-runs/u);

    // --runs-dir narrows to runs with a copy there (and indexes it first, being local)
    expect(json<RunJson[]>(["query", "--all", ...on(t, "alpha")]).map((r) => r.id).sort()).toEqual([id(1), id(2), id(9)]);
    expect(json<GroupJson[]>(["query", "-g", ...on(t, "beta")]).map((g) => g.id)).toEqual([gid(2)]);
  });

  it("indexing one source never touches another's rows; reindex replaces its own only", async () => {
    const t = await team();
    writeTeam(t);
    ok(["index", ...on(t, "alpha")]);
    ok(["index", ...on(t, "beta")]);
    const rowsOf = async (host: string) => {
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      try {
        const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM runs r JOIN sources s ON s.id = r.source_id WHERE s.host = $1", [host]);
        return Number(r.rows[0]!.n);
      } finally {
        await c.end();
      }
    };
    expect([await rowsOf("alpha"), await rowsOf("beta")]).toEqual([3, 2]);
    // alpha loses run 2 and run 9's copy; beta is not touched
    for (const name of readdirSync(t.alpha).filter((n) => n.startsWith(id(2)) || n.startsWith(id(9)))) rmSync(join(t.alpha, name), { recursive: true });
    ok(["reindex", ...on(t, "alpha")]);
    expect([await rowsOf("alpha"), await rowsOf("beta")]).toEqual([1, 2]);
    // run 9 is still listed, from beta; run 2 is gone
    expect(json<RunJson[]>(["query", "--all", "--db", t.url]).map((r) => r.id).sort()).toEqual([id(1), id(3), id(9)]);
    ok(["index", ...on(t, "alpha")]);
    expect([await rowsOf("alpha"), await rowsOf("beta")]).toEqual([1, 2]);
    ok(["check", ...on(t, "alpha")]);
    ok(["check", ...on(t, "beta")]);
  });

  it("indexers on different machines run at once; one source takes one indexer at a time", async () => {
    const t = await team();
    writeCorpus(t.alpha, { n: 600, seed: 1 });
    writeCorpus(t.beta, { n: 600, seed: 2 });
    // a third of beta's runs are synced copies of alpha's
    for (const name of readdirSync(t.alpha).filter((n) => n.endsWith(".meta.zip")).slice(0, 200)) cpSync(join(t.alpha, name), join(t.beta, name), { preserveTimestamps: true });
    const [a, b] = await Promise.all([cliAsync(["index", ...on(t, "alpha")]), cliAsync(["index", ...on(t, "beta")])]);
    expect([a.status, a.stderr, b.status, b.stderr]).toEqual([0, "", 0, ""]);
    const alphaIds = json<RunJson[]>(["query", "--all", "--no-refresh", ...on(t, "alpha")]).map((r) => r.id);
    const betaIds = json<RunJson[]>(["query", "--all", "--no-refresh", ...on(t, "beta")]).map((r) => r.id);
    const both = new Set([...alphaIds, ...betaIds]);
    expect(both.size).toBeLessThan(alphaIds.length + betaIds.length); // the synced copies
    // every run once, across both sources
    const everyone = json<RunJson[]>(["query", "--all", "--db", t.url]).map((r) => r.id);
    expect(everyone.length).toBe(both.size);
    expect(new Set(everyone)).toEqual(both);
    ok(["check", ...on(t, "alpha")]);
    ok(["check", ...on(t, "beta")]);

    // the same source twice at once: the second waits for the first, or says who holds it
    const same = await Promise.all([cliAsync(["reindex", ...on(t, "alpha")]), cliAsync(["reindex", ...on(t, "alpha")])]);
    for (const r of same) {
      if (r.status !== 0) expect(r.stderr).toMatch(/^catalog: the runs dir .*alpha-runs of alpha in postgres:\/\/.* is being written by catalog reindex \(pid \d+\) right now; try again when it is done\n$/u);
    }
    expect(same.some((r) => r.status === 0)).toBe(true);
    ok(["check", ...on(t, "alpha")]);
  });

  it("queries answer while an indexer writes", async () => {
    const t = await team();
    writeCorpus(t.alpha, { n: 2000, seed: 4 });
    mkdirSync(t.beta);
    ok(["index", ...on(t, "beta")]); // an empty runs dir: the schema is made
    const indexing = cliAsync(["index", ...on(t, "alpha")]);
    let answered = 0;
    let done = false;
    void indexing.then(() => (done = true));
    while (!done) {
      const r = await cliAsync(["query", "--db", t.url, "--format", "json"]);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      answered += 1;
    }
    expect((await indexing).status).toBe(0);
    expect(answered).toBeGreaterThan(0);
  });

  it("writes go to this host's files; another host's run is refused with where it lives", async () => {
    const t = await team();
    writeTeam(t);
    ok(["index", ...on(t, "alpha")]);
    ok(["index", ...on(t, "beta")]);
    const refused = cli(["tag", id(3), "--add", "x", "-y", ...on(t, "alpha")]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`catalog: run ${id(3)} is not in ${t.alpha} (its files are on beta:${t.beta}); write to it there, or pass the --runs-dir and --host that hold it\n`);
    // a run with a copy here: logged in alpha's files, seen by every query at once
    ok(["tag", id(9), "--add", "reviewed", "-y", ...on(t, "alpha")]);
    expect(readdirSync(join(t.alpha, `${id(9)}.user`))).toHaveLength(1);
    expect(json<RunJson>(["show", id(9), "--db", t.url]).tags).toEqual(["reviewed"]);
    // a group made here lists members of both hosts
    ok(["group", "create", id(1), id(3), "--label", "mixed", ...on(t, "alpha")]);
    const mixed = json<GroupJson[]>(["query", "-g", "--label", "mixed", "--db", t.url]);
    expect(mixed.map((g) => [g.members.sort(), g.source.host])).toEqual([[[id(1), id(3)], "alpha"]]);
  });

  it("a daemon keeps one source fresh; the password never shows", async () => {
    const t = await team();
    writeTeam(t);
    const u = new URL(t.url);
    u.password = "s3cret-pw"; // the test server trusts local connections: accepted, unused
    const url = u.toString();
    const loc = ["--db", url, "--runs-dir", t.alpha, "--host", "alpha"];
    const home = tempDir();
    const env = { XDG_CACHE_HOME: home };
    const started = ok(["daemon", "start", ...loc], env);
    try {
      expect(started).not.toContain("s3cret");
      writeRun(t.alpha, finishedRun(id(5)));
      await waitFor("the daemon indexes a new run", 20_000, () => json<RunJson[]>(["query", "--all", "--db", t.url]).some((r) => r.id === id(5)));
      const status = ok(["daemon", "status", ...loc], env);
      expect(status).toMatch(/db: +postgres:\/\/postgres:\*\*\*@/u);
      expect(status).not.toContain("s3cret");
      const files = readdirSync(join(home, "gage-catalog"));
      for (const f of files) expect(readFileSync(join(home, "gage-catalog", f), "utf8")).not.toContain("s3cret");
      const pid = Number(readFileSync(join(home, "gage-catalog", files.find((f) => f.endsWith(".daemon.pid"))!), "utf8"));
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).not.toContain("s3cret");
    } finally {
      ok(["daemon", "stop", ...loc], env);
    }
  });

  it("bad URLs and host names are one line naming what to fix", async () => {
    const refused = cli(["query", "--db", "postgres://nobody@127.0.0.1:1/none"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^catalog: cannot reach the team database postgres:\/\/nobody@127\.0\.0\.1:1\/none \(.*\); check the host and port in the URL and that the server is running\n$/u);
    const u = new URL(PG_URL!);
    u.pathname = "/catalog_no_such_db";
    const missing = cli(["query", "--db", u.toString()]);
    expect(missing.stderr).toMatch(/^catalog: the team database .*catalog_no_such_db does not exist .*; create it \(createdb\) or fix the URL\n$/u);
    const empty = await newPgDatabase();
    const fresh = cli(["query", "--db", empty]);
    expect(fresh.stderr).toMatch(/holds no catalog of this version; `catalog index --db …` on a machine with runs creates or upgrades it\n$/u);
    expect(cli(["query", "--db", empty, "--host", ""]).stderr).toBe("catalog: --host needs a non-empty value (--host NAME)\n");
    expect(cli(["query", "--db", empty, "--host", "a\tb"]).stderr).toBe('catalog: --host: "a\\tb" is not a host name; give a name such as gpu-box-1\n');
  });
});
