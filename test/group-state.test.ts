import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupAttrs, writeAttrLog, writeGroup, writeMove, writeRun, type RunSpec } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace, loc, withStore, type Ws } from "./backends.js";
import { cli, cliJson, us } from "./helpers.js";

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

function group(ws: Ws) {
  return cliJson<{ operation: string | null; status: string; members: string[] }>(ws, ["query", "--groups"])[0]!;
}
/** The materialised table and the view it caches must agree after every incremental change. */
async function expectStateMatchesView(ws: Ws) {
  const rows = (from: string) => ({ sql: `SELECT id, operation, started, status FROM ${from} ORDER BY id`, params: [] });
  const [table, view] = await withStore(ws, async (store) => [await store.all(rows("group_state")), await store.all(rows("group_summary"))]);
  expect(table).toHaveLength(1);
  expect(table).toEqual(view);
}

describe.each(BACKENDS)("%s", (backend) => {
  describe("group summaries follow their members through incremental indexes", () => {
    it("member finalized, trashed, removed, added; group log changed", async () => {
      const ws = await backendWorkspace(backend);
      writeRun(ws.runsDir, staged(runId(1)));
      writeRun(ws.runsDir, done(runId(2), 0, 5, "eval"));
      const dir = writeGroup(ws.runsDir, GID);
      writeAttrLog(dir, { author: "alice", set: groupAttrs({ tags: ["t"], runs: [runId(1), runId(2)] }) }, MS);
      expect(group(ws)).toMatchObject({ status: "staged", operation: "eval...train" });
      await expectStateMatchesView(ws);

      // run 1 finishes (its meta dir becomes a zip): the group's status and operation follow
      rmSync(join(ws.runsDir, `${runId(1)}.meta`), { recursive: true });
      writeRun(ws.runsDir, done(runId(1), 0, 1));
      expect(group(ws)).toMatchObject({ status: "completed", operation: "train...eval" });
      await expectStateMatchesView(ws);

      // run 2 to the trash: inactive, ignored by the rules
      writeMove(ws.runsDir, runId(2), "trash", MS);
      expect(group(ws)).toMatchObject({ status: "completed", operation: "train", members: [runId(1)] });
      await expectStateMatchesView(ws);

      // an error run joins through a new log entry
      writeRun(ws.runsDir, done(runId(3), 1, 2));
      writeAttrLog(dir, { author: "bob", set: groupAttrs({ runs: [runId(3)] }) }, MS + 1);
      expect(group(ws)).toMatchObject({ status: "error", members: [runId(1), runId(3)] });
      await expectStateMatchesView(ws);

      // the error run's files vanish: it becomes a missing member
      rmSync(join(ws.runsDir, `${runId(3)}.meta.zip`));
      expect(group(ws)).toMatchObject({ status: "completed", members: [runId(1)] });
      await expectStateMatchesView(ws);
      const check = cli(["check", ...loc(ws)]);
      expect(check.status).toBe(0);
    });
  });
});
