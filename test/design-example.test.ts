import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { writeRun, writeGroup, writeAttrLog, makeUlidUuid } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace } from "./backends.js";
import { cliJson } from "./helpers.js";

// The example of Gage's run-groups design (docs/groups.md): three runs made with `make_run` (opref only), a group dir
// with its `id` file and one attr-log entry naming label, tag and the three members.
describe.each(BACKENDS)("%s", (backend) => {
  describe("the example of Gage's run-groups design (docs/groups.md)", () => {
    it("reads the group back through `catalog query --groups --tag color=green --format json`", async () => {
      const ws = await backendWorkspace(backend);
      const ids = [makeUlidUuid(2), makeUlidUuid(3), makeUlidUuid(4)];
      for (const id of ids) writeRun(ws.runsDir, { id, opref: { ns: "test", name: "test" }, minimal: true });
      const gid = makeUlidUuid(1);
      const dir = writeGroup(ws.runsDir, gid);
      writeAttrLog(
        dir,
        {
          author: "test",
          set: { label: "Sample group", "tag:color=green": "", [`run:${ids[0]}`]: "", [`run:${ids[1]}`]: "", [`run:${ids[2]}`]: "" },
        },
        Date.parse("2024-06-20T00:00:00Z"),
      );

      const groups = cliJson(ws, ["query", "--groups", "--tag", "color=green"]);
      expect(groups).toEqual([
        {
          type: "group",
          id: gid,
          name: expect.stringMatching(/^[a-z]{5}-[a-z]{5}$/u),
          operation: "test",
          started: null,
          status: "unknown",
          label: "Sample group",
          tags: ["color=green"],
          members: [...ids].sort(),
          inactive_members: [],
          missing_members: [],
          comments: [],
          source: { host: hostname(), runs_dir: ws.runsDir },
        },
      ]);
      expect(cliJson(ws, ["query", "--groups", "--tag", "color=red"])).toEqual([]);

      const runs = cliJson<{ id: string; status: string; groups: string[]; operation: string }>(ws, ["query", "--all"]);
      expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
      for (const r of runs) {
        expect(r.status).toBe("unknown");
        expect(r.operation).toBe("test");
        expect(r.groups).toEqual([gid]);
      }
    });
  });
});
