import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupAttrs, writeAttrLog, writeGroup, writeMove, writeRun, type RunSpec } from "../src/fixtures/gage-writer.js";
import { openDb } from "../src/index/db.js";
import { cli, cliJson, us, workspace } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
const GID = "0190847b-0000-4000-8000-0000000000aa";
const staged = (id: string, op = "train"): RunSpec => ({ id, opref: { ns: "p", name: op }, staged: us("2024-06-20T10:00:00Z") });
const done = (id: string, exit: number, startMin: number, op = "train"): RunSpec => ({
  id,
  opref: { ns: "p", name: op },
  staged: us("2024-06-20T10:00:00Z"),
  started: us("2024-06-20T10:00:00Z") + startMin * 60e6,
  stopped: us("2024-06-20T11:00:00Z"),
  exit,
  zip: true,
});

type Ws = { runsDir: string; dbPath: string };
function group(ws: Ws) {
  return cliJson<{ operation: string | null; status: string; members: string[] }>(ws, ["query", "--groups"])[0]!;
}
/** The materialised table and the view it caches must agree after every incremental change. */
function expectStateMatchesView(ws: Ws) {
  const db = openDb(ws.dbPath, { readonly: true });
  const table = db.prepare("SELECT id, operation, started, status FROM group_state ORDER BY id").all();
  const view = db.prepare("SELECT id, operation, started, status FROM group_summary ORDER BY id").all();
  db.close();
  expect(table).toEqual(view);
}

describe("group summaries follow their members through incremental indexes", () => {
  it("member finalized, trashed, removed, added; group log changed", () => {
    const ws = workspace();
    writeRun(ws.runsDir, staged(runId(1)));
    writeRun(ws.runsDir, done(runId(2), 0, 5, "eval"));
    const dir = writeGroup(ws.runsDir, GID);
    writeAttrLog(dir, { author: "alice", set: groupAttrs({ tags: ["t"], runs: [runId(1), runId(2)] }) }, MS);
    expect(group(ws)).toMatchObject({ status: "staged", operation: "eval...train" });
    expectStateMatchesView(ws);

    // run 1 finishes (its meta dir becomes a zip): the group's status and operation follow
    rmSync(join(ws.runsDir, `${runId(1)}.meta`), { recursive: true });
    writeRun(ws.runsDir, done(runId(1), 0, 1));
    expect(group(ws)).toMatchObject({ status: "completed", operation: "train...eval" });
    expectStateMatchesView(ws);

    // run 2 to the trash: inactive, ignored by the rules
    writeMove(ws.runsDir, runId(2), "trash", MS);
    expect(group(ws)).toMatchObject({ status: "completed", operation: "train", members: [runId(1)] });
    expectStateMatchesView(ws);

    // an error run joins through a new log entry
    writeRun(ws.runsDir, done(runId(3), 1, 2));
    writeAttrLog(dir, { author: "bob", set: groupAttrs({ runs: [runId(3)] }) }, MS + 1);
    expect(group(ws)).toMatchObject({ status: "error", members: [runId(1), runId(3)] });
    expectStateMatchesView(ws);

    // the error run's files vanish: it becomes a missing member
    rmSync(join(ws.runsDir, `${runId(3)}.meta.zip`));
    expect(group(ws)).toMatchObject({ status: "completed", members: [runId(1)] });
    expectStateMatchesView(ws);
    const check = cli(["check", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect(check.status).toBe(0);
  });
});
