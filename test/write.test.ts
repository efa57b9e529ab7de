import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAttrLog } from "../src/disk/attr-log.js";
import { readGroup } from "../src/disk/group-reader.js";
import { attrLogText, writeAttrLogEntry } from "../src/write/attr-log-write.js";
import { osUser } from "../src/write/author.js";
import { createGroupDir, newGroupId } from "../src/write/group-write.js";
import { nowMs, ulidMs, ulidUuid } from "../src/write/ulid.js";
import { ROOT, tempDir } from "./helpers.js";

const entry = (set: [string, string | Record<string, string | number>][], del: string[] = []) => ({ author: "alice", set: new Map(set), delete: del });

describe("attr-log entries as Gage writes them (gage-format §9.1)", () => {
  it("is Python's json.dump of {author, set, delete}: default separators, ASCII escapes, no newline", () => {
    expect(attrLogText(entry([["label", "Sample group"], ["tag:color=green", ""], ["run:abc", ""]]))).toBe(
      '{"author": "alice", "set": {"label": "Sample group", "tag:color=green": "", "run:abc": ""}, "delete": []}',
    );
    expect(attrLogText(entry([["label", "café ☕ \"q\"\n"]]))).toBe('{"author": "alice", "set": {"label": "caf\\u00e9 \\u2615 \\"q\\"\\n"}, "delete": []}');
    expect(attrLogText(entry([["comment:0190847b-b4cb", { msg: "hi", timestamp: 1720209618123 }]], ["label"]))).toBe(
      '{"author": "alice", "set": {"comment:0190847b-b4cb": {"msg": "hi", "timestamp": 1720209618123}}, "delete": ["label"]}',
    );
  });

  it("names files by ULID-uuids in write order, read-only, and the project's reader replays them", () => {
    const dir = tempDir();
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

  it("two processes writing to the same dir at once both land, every entry whole", async () => {
    const dir = tempDir();
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
  });

  it("the author is the OS user as getpass finds it", () => {
    expect(osUser({ LOGNAME: "l", USER: "u" })).toBe("l");
    expect(osUser({ USER: "u", USERNAME: "n" })).toBe("u");
    expect(osUser({ USERNAME: "n" })).toBe("n");
    expect(osUser({})).toMatch(/^\S+$/u);
  });
});

describe("group dirs (the run-groups design)", () => {
  it("a new <gid>.group with its id file and first entry, read back by the project's reader", () => {
    const runsDir = tempDir();
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
  });
});
