import { describe, expect, it } from "vitest";
import { groupAttrs, makeRunId, writeAttrLog, writeGroup, writeMove, writeRun, type RunSpec } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace, type Ws } from "./backends.js";
import { cliJson, us } from "./helpers.js";

type Kind = "completed" | "error" | "terminated" | "running" | "staged" | "pending" | "unknown" | "dead-lock";

interface GroupJson {
  id: string;
  operation: string | null;
  started: string | null;
  status: string;
  members: string[];
  inactive_members: string[];
  missing_members: string[];
}

const T0 = us("2024-06-20T10:00:00Z");
const MS = Date.parse("2024-06-20T12:00:00Z");

/** A run in the given state; `startedAt` in minutes after T0 (null: never started). */
function run(runsDir: string, op: string, kind: Kind, startedAt: number | null, id = makeRunId()): string {
  const started = startedAt === null ? undefined : T0 + startedAt * 60e6;
  const spec: RunSpec = { id, opref: { ns: "proj", name: op } };
  switch (kind) {
    case "completed":
    case "error":
    case "terminated":
      Object.assign(spec, { staged: (started ?? T0) - 1000, started, stopped: (started ?? T0) + 5e6, exit: { completed: 0, error: 1, terminated: -2 }[kind] });
      break;
    case "running":
      Object.assign(spec, { staged: (started ?? T0) - 1000, started, lockPid: process.pid });
      break;
    case "dead-lock":
      Object.assign(spec, { staged: (started ?? T0) - 1000, started, lockPid: 999_999_999 });
      break;
    case "staged":
      Object.assign(spec, { staged: T0 - 1000, started });
      break;
    case "pending":
      Object.assign(spec, { initialized: T0 - 2000 });
      break;
    case "unknown":
      Object.assign(spec, { minimal: true });
      break;
  }
  writeRun(runsDir, spec);
  return id;
}

function group(runsDir: string, members: string[], label?: string): string {
  const gid = makeRunId();
  const dir = writeGroup(runsDir, gid);
  writeAttrLog(dir, { author: "alice", set: groupAttrs({ label, tags: ["rules"], runs: members }) }, MS);
  return gid;
}

function groupsById(ws: Ws): Map<string, GroupJson> {
  return new Map(cliJson<GroupJson>(ws, ["query", "--groups", "--all"]).map((g) => [g.id, g]));
}

describe.each(BACKENDS)("%s", (backend) => {
  describe("group rules (docs/groups.md: What a group shows)", () => {
    it("same op: that op; started: the earliest member start; members by started order", async () => {
      const ws = await backendWorkspace(backend);
      const a = run(ws.runsDir, "train", "completed", 5);
      const b = run(ws.runsDir, "train", "completed", 1);
      const c = run(ws.runsDir, "train", "completed", 3);
      const gId = group(ws.runsDir, [a, b, c]);
      const g = groupsById(ws).get(gId)!;
      expect(g.operation).toBe("train");
      expect(g.started).toBe("2024-06-20T10:01:00.000000Z");
      expect(g.status).toBe("completed");
      expect(g.members).toEqual([b, c, a]);
    });

    it("mixed ops: `op1...op2` of the first two members by started time", async () => {
      const ws = await backendWorkspace(backend);
      const ev = run(ws.runsDir, "eval", "completed", 30);
      const tr = run(ws.runsDir, "train", "completed", 20);
      const pr = run(ws.runsDir, "prepare", "completed", 10);
      const gId = group(ws.runsDir, [ev, tr, pr]);
      const g = groupsById(ws).get(gId)!;
      expect(g.operation).toBe("prepare...train");
      expect(g.members).toEqual([pr, tr, ev]);
    });

    it("a never-started member orders last, ties by id", async () => {
      const ws = await backendWorkspace(backend);
      const never = run(ws.runsDir, "aaa", "pending", null, "00000000-0000-4000-8000-000000000000");
      const late = run(ws.runsDir, "zzz", "completed", 50);
      const early = run(ws.runsDir, "mmm", "completed", 40);
      const gId = group(ws.runsDir, [never, late, early]);
      const g = groupsById(ws).get(gId)!;
      expect(g.operation).toBe("mmm...zzz");
      expect(g.members).toEqual([early, late, never]);
      expect(g.started).toBe("2024-06-20T10:40:00.000000Z");
      expect(g.status).toBe("pending");

      const n1 = run(ws.runsDir, "b-op", "pending", null, "11111111-0000-4000-8000-000000000000");
      const n2 = run(ws.runsDir, "a-op", "pending", null, "22222222-0000-4000-8000-000000000000");
      const tieId = group(ws.runsDir, [n2, n1]);
      const tie = groupsById(ws).get(tieId)!;
      expect(tie.operation).toBe("b-op...a-op");
      expect(tie.started).toBeNull();
    });

    it("an empty group: no operation, no start, status unknown", async () => {
      const ws = await backendWorkspace(backend);
      const gid = makeRunId();
      const dir = writeGroup(ws.runsDir, gid);
      writeAttrLog(dir, { author: "alice", set: { label: "nothing yet" } }, MS);
      const g = groupsById(ws).get(gid)!;
      expect(g).toMatchObject({ operation: null, started: null, status: "unknown", members: [], missing_members: [] });
    });

    it("missing and inactive members are listed apart and ignored by the rules", async () => {
      const ws = await backendWorkspace(backend);
      const ok = run(ws.runsDir, "train", "completed", 10);
      const trashed = run(ws.runsDir, "eval", "error", 5);
      writeMove(ws.runsDir, trashed, "trash", MS);
      const missing = makeRunId();
      const gId = group(ws.runsDir, [ok, trashed, missing]);
      const g = groupsById(ws).get(gId)!;
      expect(g).toMatchObject({
        operation: "train",
        status: "completed",
        started: "2024-06-20T10:10:00.000000Z",
        members: [ok],
        inactive_members: [trashed],
        missing_members: [missing],
      });
    });

    describe("status precedence", () => {
      const cases: ReadonlyArray<readonly [string, Kind[], string]> = [
        ["all completed", ["completed", "completed"], "completed"],
        ["any error beats running", ["completed", "error", "running", "terminated"], "error"],
        ["running beats terminated", ["completed", "running", "terminated", "staged"], "running"],
        ["terminated beats staged", ["completed", "terminated", "staged"], "terminated"],
        ["a dead lock is terminated", ["completed", "dead-lock", "staged"], "terminated"],
        ["staged beats pending", ["completed", "staged", "pending"], "staged"],
        ["pending beats unknown", ["completed", "pending", "unknown"], "pending"],
        ["unknown otherwise", ["completed", "unknown"], "unknown"],
        ["a single running member", ["running"], "running"],
      ];
      it.each(cases)("%s", async (_name, kinds, expected) => {
        const ws = await backendWorkspace(backend);
        const ids = kinds.map((k, i) => run(ws.runsDir, "train", k, i));
        const gid = group(ws.runsDir, ids);
        expect(groupsById(ws).get(gid)!.status).toBe(expected);
      });
    });

    it("group filters: tag, label, status and op", async () => {
      const ws = await backendWorkspace(backend);
      const a = run(ws.runsDir, "prepare", "completed", 1);
      const b = run(ws.runsDir, "train", "error", 2);
      const g1 = group(ws.runsDir, [a, b], "pipeline one");
      const c = run(ws.runsDir, "train", "completed", 3);
      const g2 = group(ws.runsDir, [c], "sweep");
      const ids = (args: string[]) => cliJson<GroupJson>(ws, ["query", "--groups", "--all", ...args]).map((g) => g.id).sort();
      expect(ids(["--label", "pipe"])).toEqual([g1]);
      expect(ids(["--status", "error"])).toEqual([g1]);
      expect(ids(["--op", "train"])).toEqual([g1, g2].sort());
      expect(ids(["--op", "prepare...train"])).toEqual([g1]);
      expect(ids(["--tag", "rules", "--status", "completed"])).toEqual([g2]);
    });
  });
});
