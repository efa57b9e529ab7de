import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupAttrs, logRunAttrs, userDir, writeAttrLog, writeGroup, writeRun } from "../src/fixtures/gage-writer.js";
import { cli, cliJson, finishedRun, indexed, workspace } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const done = finishedRun;

/** Makes a path unreadable even for root: a directory where a file is expected reads as EISDIR. */
function makeUnreadable(path: string): void {
  rmSync(path, { force: true });
  mkdirSync(path);
  if (process.getuid?.() !== 0) chmodSync(path, 0o000);
}

const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

describe("bad input is recorded and the rest is indexed", () => {
  it("malformed JSON, truncated zip, bad opref, unreadable files", async () => {
    const ws = workspace();
    const good = id(1);
    writeRun(ws.runsDir, done(good, { zip: true }));
    logRunAttrs(ws.runsDir, good, "alice", { label: "fine" }, [], MS);

    // malformed config.json and summary.json: the run stays, with empty config/metrics
    writeRun(ws.runsDir, done(id(2), { rawMeta: { "config.json": "{not json", "summary.json": '{"metrics": [1, ' } }));
    // truncated zip: hidden until it can be read
    writeRun(ws.runsDir, done(id(3), { zip: true }));
    const zipPath = join(ws.runsDir, `${id(3)}.meta.zip`);
    truncateSync(zipPath, Math.floor(statSync(zipPath).size / 2));
    // bad opref: Gage hides the run; so does query
    writeRun(ws.runsDir, done(id(4), { rawMeta: { opref: "3 p train" } }));
    // malformed attr-log entries next to a good one
    writeRun(ws.runsDir, done(id(5)));
    logRunAttrs(ws.runsDir, id(5), "alice", { label: "kept", "tag:ok": "" }, [], MS);
    writeFileSync(join(userDir(ws.runsDir, id(5)), "0190847b-b4cb-4000-8000-000000000001.json"), '{"author": "x", "set": {');
    writeFileSync(join(userDir(ws.runsDir, id(5)), "0190847b-b4cb-4000-8000-000000000002.json"), '["not", "an", "object"]');
    writeFileSync(join(userDir(ws.runsDir, id(5)), "0190847b-b4cb-4000-8000-000000000003.json"), '{"set": {"a": 1}, "delete": "a"}');
    // unreadable files: a summary and an attr-log entry
    writeRun(ws.runsDir, done(id(6), { summary: { metrics: { loss: 0.5 } } }));
    makeUnreadable(join(ws.runsDir, `${id(6)}.meta`, "summary.json"));
    logRunAttrs(ws.runsDir, id(6), "alice", { label: "six" }, [], MS);
    makeUnreadable(join(userDir(ws.runsDir, id(6)), "0190847b-b4cb-4000-8000-00000000000f.json"));
    // a group without an id file: named after its dir
    const gdir = writeGroup(ws.runsDir, "0190847b-0000-4000-8000-0000000000aa");
    rmSync(join(gdir, "id"));
    writeAttrLog(gdir, { author: "alice", set: groupAttrs({ label: "no id", runs: [good] }) }, MS);
    // a group whose log has one bad entry
    const g2 = writeGroup(ws.runsDir, "0190847b-0000-4000-8000-0000000000bb");
    writeAttrLog(g2, { author: "alice", set: groupAttrs({ label: "g2", tags: ["color=green"], runs: [good, id(5)] }) }, MS);
    writeFileSync(join(g2, "0190847b-b4cb-4000-8000-000000000009.json"), "");

    const { db, stats } = await indexed(ws.runsDir, ws.dbPath);
    const errors = db.prepare("SELECT unit, path, message FROM index_errors ORDER BY path").all() as {
      unit: string;
      path: string;
      message: string;
    }[];
    const byPath = (suffix: string) => errors.filter((e) => e.path.endsWith(suffix));
    expect(byPath(`${id(2)}.meta/config.json`)[0]?.message).toMatch(/malformed JSON/);
    expect(byPath(`${id(2)}.meta/summary.json`)[0]?.message).toMatch(/malformed JSON/);
    expect(byPath(`${id(3)}.meta.zip`)[0]?.message).toMatch(/cannot read zip/);
    expect(byPath(`${id(4)}.meta/opref`)[0]?.message).toMatch(/unsupported opref/);
    expect(byPath("0190847b-b4cb-4000-8000-000000000001.json")[0]?.message).toMatch(/malformed attr-log JSON/);
    expect(byPath("0190847b-b4cb-4000-8000-000000000002.json")[0]?.message).toMatch(/not a JSON object/);
    expect(byPath("0190847b-b4cb-4000-8000-000000000003.json")[0]?.message).toMatch(/`delete` is not a list/);
    expect(byPath(`${id(6)}.meta/summary.json`)[0]?.message).toMatch(/cannot read/);
    expect(byPath("0190847b-b4cb-4000-8000-00000000000f.json")).toHaveLength(1);
    expect(byPath("0190847b-0000-4000-8000-0000000000aa.group/id")[0]?.message).toMatch(/cannot read group id/);
    expect(byPath("0190847b-b4cb-4000-8000-000000000009.json")[0]?.message).toMatch(/malformed attr-log JSON/);
    expect(stats.errors).toBe(errors.length);
    expect(errors).toHaveLength(11);
    db.close();

    const runs = new Map(cliJson<{ id: string; label: string | null; tags: string[]; config: object; metrics: object }>(ws, ["query", "--all"]).map((r) => [r.id, r]));
    expect([...runs.keys()].sort()).toEqual([id(1), id(2), id(5), id(6)]);
    expect(runs.get(id(1))!.label).toBe("fine");
    expect(runs.get(id(2))).toMatchObject({ config: {}, metrics: {} });
    expect(runs.get(id(5))).toMatchObject({ label: "kept", tags: ["ok"] });
    expect(runs.get(id(6))).toMatchObject({ label: "six", metrics: {} });

    const groups = new Map(cliJson<{ id: string; label: string; members: string[] }>(ws, ["query", "--groups", "--all"]).map((g) => [g.id, g]));
    expect(groups.get("0190847b-0000-4000-8000-0000000000aa")).toMatchObject({ label: "no id", members: [good] });
    expect(groups.get("0190847b-0000-4000-8000-0000000000bb")).toMatchObject({ label: "g2" });
  });

  it("a truncated zip that becomes whole is picked up; a good row survives a transient failure", async () => {
    const ws = workspace();
    writeRun(ws.runsDir, done(id(7), { zip: true }));
    const zipPath = join(ws.runsDir, `${id(7)}.meta.zip`);
    const whole = readFileSync(zipPath);
    expect(cliJson(ws, ["query", "--all"])).toHaveLength(1);
    writeFileSync(zipPath, whole.subarray(0, 40)); // e.g. a sync rewriting it
    expect(cliJson(ws, ["query", "--all"])).toHaveLength(1);
    writeFileSync(zipPath, whole);
    expect(cliJson(ws, ["query", "--all"])).toHaveLength(1);
    const { db } = await indexed(ws.runsDir, ws.dbPath);
    expect(db.prepare("SELECT count(*) AS n FROM index_errors").get()).toEqual({ n: 0 });
    db.close();
  });

  it("a missing runs dir is an error naming it, and creates no database", () => {
    const ws = workspace();
    const r = cli(["query", "--runs-dir", ws.runsDir, "--db", ws.dbPath, "--format", "json"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`catalog: no runs dir at ${ws.runsDir} (from --runs-dir); check the path\n`);
    expect(existsSync(ws.dbPath)).toBe(false);
  });
});
