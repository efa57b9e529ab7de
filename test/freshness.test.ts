import { spawn, spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { groupAttrs, logRunAttrs, userDir, writeAttrLog, writeGroup, writeMove, writeRun } from "../src/fixtures/gage-writer.js";
import { openDb } from "../src/index/db.js";
import { BACKENDS, backendWorkspace, countRows, freshDb, indexWs, loc, type Ws } from "./backends.js";
import { BIN, cli, cliAsync, cliJson, finishedRun, tempDir } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
const finished = (id: string, exit = 0, zip = true) => finishedRun(id, { exit, zip });
const OLD = new Date("2001-01-01T00:00:00Z");

const ids = (ws: Ws, args: string[] = []) => cliJson<{ id: string }>(ws, ["query", "--all", ...args]).map((r) => r.id).sort();
const index = (ws: Ws) => {
  const r = cli(["index", ...loc(ws)]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
};

/** What a second indexer of the same index says when it gives up: the SQLite file, or the team database's source. */
const BUSY: Record<Ws["backend"], RegExp> = {
  sqlite: /^catalog: the index .* is being written by catalog index \(pid \d+\) right now; try again when it is done\n$/u,
  postgres: /^catalog: the runs dir .* of .* in .* is being written by catalog index \(pid \d+\) right now; try again when it is done\n$/u,
};

/** A reader in the middle of a query: a read transaction opened on the index, counting its runs. */
interface OpenReader {
  runs(): Promise<number>;
  close(): Promise<void>;
}

async function openReader(ws: Ws): Promise<OpenReader> {
  if (ws.backend === "sqlite") {
    const db = openDb(ws.dbPath, { readonly: true });
    db.exec("BEGIN");
    const count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM runs");
    return {
      runs: async () => count.get()!.n,
      close: async () => {
        db.exec("COMMIT");
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: ws.dbPath });
  await client.connect();
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
  return {
    runs: async () => (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM runs")).rows[0]!.n,
    close: async () => {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

describe.each(BACKENDS)("%s", (backend) => {
  const workspace = () => backendWorkspace(backend);

  describe("incremental index", () => {
    it("sees runs copied in with cp -a and with old mtimes, and re-reads only what changed", async () => {
      const ws = await workspace();
      const elsewhere = tempDir();
      writeRun(ws.runsDir, finished(runId(1)));
      expect(index(ws)).toMatch(/1 entries, 1 read/u);

      writeRun(elsewhere, finished(runId(2)));
      writeRun(elsewhere, finished(runId(3), 1, false));
      expect(spawnSync("cp", ["-a", join(elsewhere, `${runId(2)}.meta.zip`), ws.runsDir]).status).toBe(0);
      cpSync(join(elsewhere, `${runId(3)}.meta`), join(ws.runsDir, `${runId(3)}.meta`), { recursive: true });
      for (const p of [join(ws.runsDir, `${runId(3)}.meta`), join(ws.runsDir, `${runId(3)}.meta`, "proc")]) utimesSync(p, OLD, OLD);
      expect(index(ws)).toMatch(/3 entries, 2 read, 0 removed/u);
      expect(ids(ws)).toEqual([1, 2, 3].map(runId));
      expect(index(ws)).toMatch(/3 entries, 0 read, 0 removed/u);
    });

    it("keeps the listing's totals as runs come, move to the trash and back, and go", async () => {
      const ws = await workspace();
      for (const n of [11, 12, 13]) writeRun(ws.runsDir, finished(runId(n)));
      index(ws);
      // the table's footer: "Showing N of TOTAL" is what the page totals are for
      const total = (args: string[] = []) => {
        const r = cli(["query", "--limit", "1", "--no-refresh", ...args, ...loc(ws)], { COLUMNS: "200" });
        expect(r.status, r.stderr).toBe(0);
        return /of (\d+)/u.exec(r.stdout)?.[1];
      };
      expect([total(), total(["--deleted"])]).toEqual(["3", undefined]);
      writeMove(ws.runsDir, runId(12), "trash", MS);
      index(ws);
      expect([total(), total(["--deleted"])]).toEqual(["2", undefined]);
      expect(ids(ws, ["--deleted"])).toEqual([runId(12)]);
      writeMove(ws.runsDir, runId(12), "active", MS + 1000);
      writeRun(ws.runsDir, finished(runId(14)));
      rmSync(join(ws.runsDir, `${runId(11)}.meta.zip`));
      index(ws);
      expect(total()).toBe("3");
      expect(ids(ws)).toEqual([12, 13, 14].map(runId));
    });

    it("sees a file replaced by a sync that sets an older mtime", async () => {
      const ws = await workspace();
      const elsewhere = tempDir();
      writeRun(ws.runsDir, finished(runId(4), 0));
      const zip = join(ws.runsDir, `${runId(4)}.meta.zip`);
      index(ws);
      expect(cliJson<{ status: string }>(ws, ["query"])[0]!.status).toBe("completed");
      // the same run finalized differently elsewhere, copied over with an old mtime (rsync -a)
      writeRun(elsewhere, finished(runId(4), 3));
      writeFileSync(`${zip}.tmp`, readFileSync(join(elsewhere, `${runId(4)}.meta.zip`)));
      renameSync(`${zip}.tmp`, zip);
      utimesSync(zip, OLD, OLD);
      expect(cliJson<{ status: string; exit_code: number }>(ws, ["query"])[0]).toMatchObject({ status: "error", exit_code: 3 });
    });

    it("sees a label logged into <id>.user, also when the dir's mtime is set back", async () => {
      const ws = await workspace();
      writeRun(ws.runsDir, finished(runId(5)));
      logRunAttrs(ws.runsDir, runId(5), "alice", { label: "before" }, [], MS);
      index(ws);
      const dir = userDir(ws.runsDir, runId(5));
      const before = statSync(dir);
      logRunAttrs(ws.runsDir, runId(5), "bob", { label: "after", "tag:synced": "" }, [], MS + 1000);
      utimesSync(dir, before.atime, before.mtime);
      expect(cliJson<{ label: string; tags: string[] }>(ws, ["query"])[0]).toMatchObject({ label: "after", tags: ["synced"] });
    });

    it("drops a deleted .group dir, a vanished run and a removed log file", async () => {
      const ws = await workspace();
      writeRun(ws.runsDir, finished(runId(6)));
      writeRun(ws.runsDir, finished(runId(7)));
      const g = writeGroup(ws.runsDir, "0190847b-0000-4000-8000-00000000000a");
      writeAttrLog(g, { author: "alice", set: groupAttrs({ label: "doomed", runs: [runId(6)] }) }, MS);
      const tagFile = logRunAttrs(ws.runsDir, runId(6), "alice", { "tag:temp": "" }, [], MS);
      expect(cliJson(ws, ["query", "--groups"])).toHaveLength(1);
      expect(ids(ws, ["--tag", "temp"])).toEqual([runId(6)]);
      rmSync(g, { recursive: true, force: true });
      rmSync(join(ws.runsDir, `${runId(7)}.meta.zip`));
      rmSync(join(userDir(ws.runsDir, runId(6)), tagFile), { force: true });
      expect(cliJson(ws, ["query", "--groups"])).toEqual([]);
      expect(ids(ws)).toEqual([runId(6)]);
      expect(ids(ws, ["--tag", "temp"])).toEqual([]);
      expect(await countRows(ws, "attr_log")).toBe(0);
      expect(await countRows(ws, "groups")).toBe(0);
    });

    it("two concurrent index processes: one waits or fails clearly, nothing is corrupted", async () => {
      const ws = await workspace();
      for (let n = 1; n <= 400; n++) {
        writeRun(ws.runsDir, finished(runId(n), n % 7 === 0 ? 1 : 0, n % 3 !== 0));
        logRunAttrs(ws.runsDir, runId(n), "alice", { label: `run ${n}`, [`tag:m${n % 5}`]: "" }, [], MS + n);
      }
      const runIndex = () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [BIN, "index", ...loc(ws)]);
          let stderr = "";
          p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          p.on("close", (code) => resolve({ code, stderr }));
        });
      const results = await Promise.all([runIndex(), runIndex(), runIndex()]);
      expect(results.some((r) => r.code === 0)).toBe(true);
      for (const r of results) {
        if (r.code !== 0) expect(r.stderr).toMatch(BUSY[backend]);
      }
      const check = cli(["check", ...loc(ws)]);
      expect(check.stdout).toMatch(/^ok: the index matches/mu);
      expect(check.status).toBe(0);
      const fresh = await freshDb(ws);
      expect(cliJson(ws, ["query", "--all", "--no-refresh"])).toEqual(cliJson(fresh, ["query", "--all"]));
    });
  });

  describe("catalog reindex", () => {
    it("gives output identical to a first-time index, while an open read transaction keeps seeing the old rows", async () => {
      const ws = await workspace();
      for (let n = 1; n <= 30; n++) writeRun(ws.runsDir, finished(runId(n), n % 4 === 0 ? 2 : 0, n % 2 === 0));
      index(ws);
      const reader = await openReader(ws);
      try {
        expect(await reader.runs()).toBe(30);
        for (let n = 31; n <= 40; n++) writeRun(ws.runsDir, finished(runId(n)));
        const r = cli(["reindex", ...loc(ws)]);
        expect(r.stderr).toBe("");
        expect(r.stdout).toMatch(/^reindexed .*: 40 entries, 40 read/u);
        expect(await reader.runs()).toBe(30);
      } finally {
        await reader.close();
      }
      expect(await countRows(ws, "runs")).toBe(40);
      const fresh = await freshDb(ws);
      for (const args of [["query", "--all"], ["query", "--groups", "--all"]]) {
        expect(cliJson(ws, [...args, "--no-refresh"])).toEqual(cliJson(fresh, args));
      }
    });

    it("queries running in a loop during a reindex all answer", async () => {
      const ws = await workspace();
      for (let n = 1; n <= 300; n++) writeRun(ws.runsDir, finished(runId(n), 0, n % 2 === 0));
      index(ws);
      const reindex = new Promise<number | null>((resolve) => {
        spawn(process.execPath, [BIN, "reindex", ...loc(ws)], { stdio: "ignore" }).on("close", resolve);
      });
      let done = false;
      void reindex.then(() => (done = true));
      let queries = 0;
      while (!done || queries < 3) {
        const r = await cliAsync(["query", "--no-refresh", "--all", "--format", "json", ...loc(ws)]);
        expect(r.stderr).toBe("");
        expect((JSON.parse(r.stdout) as unknown[]).length).toBe(300);
        queries += 1;
      }
      expect(await reindex).toBe(0);
    });
  });

  describe("catalog check", () => {
    it("reports a stale index and a bad file, and exits 1", async () => {
      const ws = await workspace();
      writeRun(ws.runsDir, finished(runId(1)));
      writeRun(ws.runsDir, finished(runId(2)));
      index(ws);
      expect(cli(["check", ...loc(ws)]).status).toBe(0);
      writeRun(ws.runsDir, finished(runId(3)));
      logRunAttrs(ws.runsDir, runId(1), "alice", { label: "new" }, [], MS);
      writeFileSync(join(userDir(ws.runsDir, runId(1)), "0190847b-b4cb-4000-8000-00000000000b.json"), "{oops");
      rmSync(join(ws.runsDir, `${runId(2)}.meta.zip`));
      const before = cli(["check", ...loc(ws)]);
      expect(before.status).toBe(1);
      expect(before.stdout).toContain(`not indexed: run:${runId(3)}`);
      expect(before.stdout).toContain(`not indexed: user:${runId(1)}`);
      expect(before.stdout).toContain(`gone from disk: run:${runId(2)}`);
      index(ws);
      const after = cli(["check", ...loc(ws)]);
      expect(after.status).toBe(1);
      expect(after.stdout).toMatch(/^index error: .*0190847b-b4cb-4000-8000-00000000000b\.json: malformed attr-log JSON/mu);
      expect(after.stdout).toMatch(/^the index matches the disk; 1 index errors$/mu);
      const zip = join(ws.runsDir, `${runId(3)}.meta.zip`);
      utimesSync(zip, OLD, OLD);
      const stale = cli(["check", ...loc(ws)]);
      expect(stale.stdout).toContain(`stale: run:${runId(3)} changed on disk since it was indexed`);
      expect(stale.status).toBe(1);
    });
  });

  describe("reader threads", () => {
    it("a large index read by worker threads equals one read on the main thread", async () => {
      const ws = await workspace();
      const { writeCorpus } = await import("../src/fixtures/corpus.js");
      writeCorpus(ws.runsDir, { n: 1000, seed: 7 }); // > 2000 units: the CLI reads them in threads
      const inProcess = await freshDb(ws);
      await indexWs(inProcess);
      for (const args of [["query", "--all"], ["query", "--groups", "--all"], ["query", "--all", "--deleted"]]) {
        expect(cliJson(ws, args)).toEqual(cliJson(inProcess, [...args, "--no-refresh"]));
      }
    });
  });
});

// The SQLite index is a file: a reindex builds a new one beside it and renames it over the old.
describe("catalog reindex of a SQLite file", () => {
  it("swaps in a new file, and an open reader keeps its old file; nothing is left beside it", async () => {
    const ws = await backendWorkspace("sqlite");
    for (let n = 1; n <= 30; n++) writeRun(ws.runsDir, finished(runId(n), n % 4 === 0 ? 2 : 0, n % 2 === 0));
    index(ws);
    const reader = openDb(ws.dbPath, { readonly: true });
    reader.exec("BEGIN");
    const count = reader.prepare("SELECT count(*) AS n FROM runs");
    expect(count.get()).toEqual({ n: 30 });
    for (let n = 31; n <= 40; n++) writeRun(ws.runsDir, finished(runId(n)));
    const inode = statSync(ws.dbPath).ino;
    const r = cli(["reindex", ...loc(ws)]);
    expect(r.stderr).toBe("");
    expect(statSync(ws.dbPath).ino).not.toBe(inode);
    expect(count.get()).toEqual({ n: 30 });
    reader.exec("COMMIT");
    reader.close();
    expect(readdirSync(join(ws.dbPath, "..")).filter((n) => n.includes("reindex"))).toEqual([]);
  });
});
