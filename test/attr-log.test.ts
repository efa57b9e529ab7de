import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logRunAttrs, userDir, writeRun, addComment, editComment, deleteComment } from "../src/fixtures/gage-writer.js";
import { cliJson, indexed, us, workspace } from "./helpers.js";
import type { Db } from "../src/index/db.js";

const ID = "5d3076fc-a44b-4485-8df0-879f85951023";
const MS = Date.parse("2024-06-20T12:00:00Z");

function attrs(db: Db, id = ID): Record<string, unknown> {
  const rows = db
    .prepare("SELECT key, value_json FROM current_attrs WHERE owner_kind = 'run' AND owner_id = ? ORDER BY key")
    .all(id) as { key: string; value_json: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json)]));
}

function viewAttrs(db: Db, id = ID): Record<string, unknown> {
  const rows = db
    .prepare("SELECT key, value_json FROM attr_replay WHERE owner_kind = 'run' AND owner_id = ? ORDER BY key")
    .all(id) as { key: string; value_json: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json)]));
}

function baseRun(runsDir: string) {
  writeRun(runsDir, { id: ID, opref: { ns: "p", name: "train" }, staged: us("2024-06-20T10:00:00Z"), started: us("2024-06-20T10:00:01Z"), stopped: us("2024-06-20T10:00:02Z"), exit: 0, summary: { run: { label: "from summary" } } });
}

describe("attr-log replay (Gage's get_attrs)", () => {
  it("applies files in name order: set, then delete; the newest mention of a key wins", async () => {
    const ws = workspace();
    baseRun(ws.runsDir);
    logRunAttrs(ws.runsDir, ID, "alice", { label: "first", "tag:a": "", "tag:b": "", x: 1 }, [], MS);
    logRunAttrs(ws.runsDir, ID, "bob", { label: "bob's", y: { nested: [1, true, null] } }, ["tag:a"], MS + 1);
    logRunAttrs(ws.runsDir, ID, "alice", { "tag:c": "" }, ["x"], MS + 2);
    // one entry that sets and deletes the same key: the key ends up deleted
    logRunAttrs(ws.runsDir, ID, "bob", { z: "set" }, ["z"], MS + 3);
    const { db } = await indexed(ws.runsDir, ws.dbPath);
    const expected = { label: "bob's", "tag:b": "", "tag:c": "", y: { nested: [1, true, null] } };
    expect(attrs(db)).toEqual(expected);
    expect(viewAttrs(db)).toEqual(expected);
    db.close();
    const [run] = cliJson<{ label: string; tags: string[] }>(ws, ["query", "--all"]);
    expect(run).toMatchObject({ label: "bob's", tags: ["b", "c"] });
  });

  it("a cleared user label falls back to the summary label; an empty one too", async () => {
    const ws = workspace();
    baseRun(ws.runsDir);
    logRunAttrs(ws.runsDir, ID, "alice", { label: "mine" }, [], MS);
    expect(cliJson<{ label: string }>(ws, ["query"])[0]!.label).toBe("mine");
    logRunAttrs(ws.runsDir, ID, "bob", {}, ["label"], MS + 1);
    expect(cliJson<{ label: string }>(ws, ["query"])[0]!.label).toBe("from summary");
    logRunAttrs(ws.runsDir, ID, "bob", { label: "" }, [], MS + 2);
    expect(cliJson<{ label: string }>(ws, ["query"])[0]!.label).toBe("from summary");
  });

  it("merging two machines' logs (union of files) gives the same state on both", async () => {
    const a = workspace();
    const b = workspace();
    baseRun(a.runsDir);
    baseRun(b.runsDir);
    // alice on machine A, bob on machine B, interleaved in time
    logRunAttrs(a.runsDir, ID, "alice", { label: "A1", "tag:x": "" }, [], MS);
    logRunAttrs(b.runsDir, ID, "bob", { label: "B1", "tag:y": "" }, [], MS + 10);
    logRunAttrs(a.runsDir, ID, "alice", { "tag:z": "" }, ["tag:y"], MS + 20);
    logRunAttrs(b.runsDir, ID, "bob", {}, ["tag:x"], MS + 30);
    // merge_attrs both ways: copy every file the other side lacks
    for (const [src, dest] of [[a, b], [b, a]] as const) {
      for (const name of readdirSync(userDir(src.runsDir, ID))) {
        cpSync(join(userDir(src.runsDir, ID), name), join(userDir(dest.runsDir, ID), name), { force: false, errorOnExist: false });
      }
    }
    expect(readdirSync(userDir(a.runsDir, ID)).sort()).toEqual(readdirSync(userDir(b.runsDir, ID)).sort());
    const ra = await indexed(a.runsDir, a.dbPath);
    const rb = await indexed(b.runsDir, b.dbPath);
    // tag:y was set at +10 and deleted at +20 (by alice, before she saw it: the delete still wins in
    // time order); tag:x was deleted at +30
    const expected = { label: "B1", "tag:z": "" };
    expect(attrs(ra.db)).toEqual(expected);
    expect(attrs(rb.db)).toEqual(expected);
    ra.db.close();
    rb.db.close();
  });

  it("comments: per-author replay, edits by another author listed beside the original", () => {
    const ws = workspace();
    baseRun(ws.runsDir);
    const dir = userDir(ws.runsDir, ID);
    const c1 = addComment(dir, "alice", "looks good", MS);
    const c2 = addComment(dir, "alice", "to delete", MS + 100);
    editComment(dir, "bob", c1, "looks good (bob)", MS + 200);
    deleteComment(dir, "alice", c2, MS + 300);
    const [run] = cliJson<{ comments: unknown[] }>(ws, ["query"]);
    expect(run!.comments).toEqual([
      { id: c1, author: "alice", timestamp: "2024-06-20T12:00:00.000000Z", msg: "looks good" },
      { id: c1, author: "bob", timestamp: "2024-06-20T12:00:00.200000Z", msg: "looks good (bob)" },
    ]);
  });

  it("ignores non-.json files and keeps entries whose author is missing as __unknown__", async () => {
    const ws = workspace();
    baseRun(ws.runsDir);
    logRunAttrs(ws.runsDir, ID, "alice", { label: "ok" }, [], MS);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(userDir(ws.runsDir, ID), "notes.txt"), "not an entry");
    writeFileSync(join(userDir(ws.runsDir, ID), "0190847b-b4cb-4000-8000-000000000000.JSON"), "{bad");
    writeFileSync(join(userDir(ws.runsDir, ID), "ffffffff-ffff-4fff-bfff-ffffffffffff.json"), '{"set": {"k": 1}}');
    const { db } = await indexed(ws.runsDir, ws.dbPath);
    expect(attrs(db)).toEqual({ label: "ok", k: 1 });
    expect(db.prepare("SELECT author FROM attr_log WHERE log_name LIKE 'ffff%'").get()).toEqual({ author: "__unknown__" });
    expect(db.prepare("SELECT count(*) AS n FROM index_errors").get()).toEqual({ n: 0 });
    db.close();
  });
});
