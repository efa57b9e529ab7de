import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAttrLog } from "../src/disk/attr-log.js";
import { readGroup } from "../src/disk/group-reader.js";
import { attrLogText, writeAttrLogEntry } from "../src/write/attr-log-write.js";
import { osUser } from "../src/write/author.js";
import { createGroupDir, newGroupId } from "../src/write/group-write.js";
import { nowMs, ulidMs, ulidUuid } from "../src/write/ulid.js";
import { writeRun } from "../src/fixtures/gage-writer.js";
import { BACKENDS, backendWorkspace, countRows, indexWs, withStore, type Backend, type Ws } from "./backends.js";
import { finishedRun, ROOT } from "./helpers.js";

const RUN = "0190847b-b4cb-4000-8000-000000000001";

/** A runs dir with one finished run and its empty `.user` dir, which the tests write to, and a database of the backend. */
async function runWs(backend: Backend): Promise<Ws> {
  const ws = await backendWorkspace(backend);
  writeRun(ws.runsDir, finishedRun(RUN));
  mkdirSync(join(ws.runsDir, `${RUN}.user`));
  return ws;
}

const entry = (set: [string, string | Record<string, string | number>][], del: string[] = []) => ({ author: "alice", set: new Map(set), delete: del });

// The format, the ids and the author are computed without a database: one suite, no backend.
describe("attr-log entries as Gage writes them (docs/format.md: Attr logs)", () => {
  it("is Python's json.dump of {author, set, delete}: default separators, ASCII escapes, no newline", () => {
    expect(attrLogText(entry([["label", "Sample group"], ["tag:color=green", ""], ["run:abc", ""]]))).toBe(
      '{"author": "alice", "set": {"label": "Sample group", "tag:color=green": "", "run:abc": ""}, "delete": []}',
    );
    expect(attrLogText(entry([["label", "café ☕ \"q\"\n"]]))).toBe('{"author": "alice", "set": {"label": "caf\\u00e9 \\u2615 \\"q\\"\\n"}, "delete": []}');
    expect(attrLogText(entry([["comment:0190847b-b4cb", { msg: "hi", timestamp: 1720209618123 }]], ["label"]))).toBe(
      '{"author": "alice", "set": {"comment:0190847b-b4cb": {"msg": "hi", "timestamp": 1720209618123}}, "delete": ["label"]}',
    );
  });

  it("ids carry their millisecond, strictly increasing within a process", () => {
    const a = nowMs();
    const b = nowMs();
    expect(b).toBeGreaterThan(a);
    const id = ulidUuid(1720209618123, Buffer.alloc(10, 0xff));
    expect(id).toBe("0190847b-b4cb-4fff-bfff-ffffffffffff");
    expect(ulidMs(id)).toBe(1720209618123);
    expect(ulidMs(id.slice(0, 13))).toBe(1720209618123);
  });
  it("the author is the OS user as getpass finds it", () => {
    expect(osUser({ LOGNAME: "l", USER: "u" })).toBe("l");
    expect(osUser({ USER: "u", USERNAME: "n" })).toBe("u");
    expect(osUser({ USERNAME: "n" })).toBe("n");
    expect(osUser({})).toMatch(/^\S+$/u);
  });
});

// What the writers put on disk, read back by the project's reader and indexed into each backend.
describe.each(BACKENDS)("%s", (backend) => {
  describe("attr-log entries as Gage writes them, read back", () => {
    it("names files by ULID-uuids in write order, read-only, and the project's reader and the index replay them", async () => {
      const ws = await runWs(backend);
      const dir = join(ws.runsDir, `${RUN}.user`);
      const names: string[] = [];
      for (let i = 0; i < 50; i++) names.push(writeAttrLogEntry(dir, entry([[`k${i}`, String(i)]], i > 0 ? [`k${i - 1}`] : [])));
      expect([...names].sort()).toEqual(names);
      for (const n of names) {
        expect(n).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json$/u);
        expect(statSync(join(dir, n)).mode & 0o777).toBe(0o444);
      }
      expect(readdirSync(dir).sort()).toEqual([...names].sort()); // no temporary file left behind
      const log = readAttrLog(dir);
      expect(log.issues).toEqual([]);
      expect(log.entries.map((e) => e.name)).toEqual(names);
      expect(log.entries[49]).toEqual({ name: names[49], author: "alice", set: { k49: "49" }, delete: ["k48"] });
      // indexed: every entry, and the replay leaves the last key alone
      await indexWs(ws);
      await withStore(ws, async (store) => {
        expect((await store.all<{ log_name: string }>({ sql: "SELECT log_name FROM attr_log WHERE owner_kind = 'run' AND owner_id = ? ORDER BY log_name", params: [RUN] })).map((r) => r.log_name)).toEqual(names);
        expect(await store.all({ sql: "SELECT key, value_json FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? ORDER BY key", params: [RUN] })).toEqual([{ key: "k49", value_json: '"49"' }]);
      });
    });

    it("two processes writing to the same dir at once both land, every entry whole, all indexed", async () => {
      const ws = await runWs(backend);
      const dir = join(ws.runsDir, `${RUN}.user`);
      const writer = (tag: string) =>
        new Promise<number | null>((resolve) => {
          const code = `import { writeAttrLogEntry } from ${JSON.stringify(join(ROOT, "dist", "src", "write", "attr-log-write.js"))};
            for (let i = 0; i < 200; i++) writeAttrLogEntry(${JSON.stringify(dir)}, { author: "${tag}", set: new Map([["k", "${tag}" + i]]), delete: [] });`;
          spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "inherit" }).on("close", resolve);
        });
      expect(await Promise.all([writer("p1"), writer("p2")])).toEqual([0, 0]);
      const log = readAttrLog(dir);
      expect(log.issues).toEqual([]);
      expect(log.entries).toHaveLength(400);
      expect(log.entries.filter((e) => e.author === "p1")).toHaveLength(200);
      // each process's own entries sort in the order it wrote them
      for (const p of ["p1", "p2"]) expect(log.entries.filter((e) => e.author === p).map((e) => e.set["k"])).toEqual(Array.from({ length: 200 }, (_, i) => `${p}${i}`));
      // indexed: all 400, the value of "k" from the entry named last
      await indexWs(ws);
      expect(await countRows(ws, "attr_log")).toBe(400);
      await withStore(ws, async (store) => {
        expect(await store.get({ sql: "SELECT value_json FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? AND key = 'k'", params: [RUN] })).toEqual({
          value_json: JSON.stringify(log.entries[399]!.set["k"]),
        });
      });
    });
  });

  describe("group dirs (the run-groups design)", () => {
    it("a new <gid>.group with its id file and first entry, read back by the project's reader and the index", async () => {
      const ws = await backendWorkspace(backend);
      const runsDir = ws.runsDir;
      mkdirSync(runsDir);
      const gid = newGroupId();
      expect(ulidMs(gid)).toBeLessThanOrEqual(Date.now());
      const dir = createGroupDir(runsDir, gid, entry([["label", "Sample group"], ["run:r1", ""]]));
      expect(dir).toBe(join(runsDir, `${gid}.group`));
      expect(readFileSync(join(dir, "id"), "utf8")).toBe(gid);
      expect(readdirSync(runsDir)).toEqual([`${gid}.group`]);
      const g = readGroup(runsDir, `${gid}.group`);
      expect(g.issues).toEqual([]);
      expect(g.value).toMatchObject({ id: gid, dirName: `${gid}.group` });
      expect(readAttrLog(dir).entries.map((e) => e.set)).toEqual([{ label: "Sample group", "run:r1": "" }]);
      expect(() => createGroupDir(runsDir, gid, entry([]))).toThrow(/already exists/u);
      // indexed: the group, its label, and its member (a run on no disk: missing)
      await indexWs(ws);
      await withStore(ws, async (store) => {
        expect(await store.all({ sql: "SELECT id, name, label, status FROM group_list", params: [] })).toEqual([{ id: gid, name: expect.any(String), label: "Sample group", status: "unknown" }]);
        expect(await store.all({ sql: "SELECT group_id, run_id, state FROM group_members", params: [] })).toEqual([{ group_id: gid, run_id: "r1", state: "missing" }]);
      });
    });
  });
});
