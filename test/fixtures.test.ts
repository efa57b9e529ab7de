import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import yauzl from "yauzl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { writeCorpus } from "../src/fixtures/corpus.js";
import { addRunningRun, EXAMPLE_MARKER, writeExamples } from "../src/fixtures/examples.js";
import {
  addComment,
  attrLogText,
  commentId,
  deleteArchive,
  deleteComment,
  editComment,
  encodeOpref,
  legacyDeleteRun,
  logRunAttrs,
  makeRunId,
  makeUlidUuid,
  mulberry32,
  pyDumps,
  pyFloat,
  pyFloatRepr,
  ulidUuidMs,
  userDir,
  writeArchive,
  writeAttrLog,
  writeGroup,
  writeLegacyDeletedRun,
  writeMove,
  writeProject,
  writeRun,
  type RunSpec,
} from "../src/fixtures/gage-writer.js";
import { prepareOutputDir } from "../src/fixtures/output-dir.js";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MS = 1720209618123; // 0x190847bb4cb (docs/format.md, "Ids, names and ULID-uuids")

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-fixtures-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
let seq = 0;
function freshDir(): string {
  const d = path.join(tmp, `d${seq++}`);
  fs.mkdirSync(d);
  return d;
}

interface ZipEntryInfo {
  name: string;
  method: number;
  external: number;
  data: Buffer;
}

function readZip(file: string): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zf) => {
      if (err || !zf) return reject(err);
      const out: ZipEntryInfo[] = [];
      zf.on("error", reject);
      zf.on("end", () => resolve(out));
      zf.on("entry", (e: yauzl.Entry) => {
        zf.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out.push({
              name: e.fileName,
              method: e.compressionMethod,
              external: e.externalFileAttributes,
              data: Buffer.concat(chunks),
            });
            zf.readEntry();
          });
        });
      });
      zf.readEntry();
    });
  });
}

/** All files under `root` (relative paths, sorted) with their bytes. */
function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const ent of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        out.set(`${r}/`, Buffer.alloc(0));
        walk(r);
      } else out.set(r, fs.readFileSync(path.join(root, r)));
    }
  };
  walk("");
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const finished = (id: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  id,
  opref: { ns: "examples", name: "train" },
  initialized: 1718841600000000,
  staged: 1718841601000000,
  started: 1718841602000000,
  stopped: 1718841612000000,
  exit: 0,
  config: { lr: 0.001 },
  summary: { metrics: { loss: 0.5 } },
  ...extra,
});

describe("identifiers", () => {
  it("makes uuid4 run ids, deterministic with a seeded rng", () => {
    const a = makeRunId(mulberry32(1));
    expect(a).toMatch(UUID4);
    expect(makeRunId(mulberry32(1))).toBe(a);
    expect(makeRunId(mulberry32(2))).not.toBe(a);
    expect(makeRunId()).toMatch(UUID4);
  });

  it("makes ULID-uuids whose first 12 hex digits are the ms timestamp", () => {
    const u = makeUlidUuid(MS, mulberry32(3));
    expect(u).toMatch(UUID4);
    expect(u.startsWith("0190847b-b4cb-4")).toBe(true);
    expect(u.replace("-", "").slice(0, 12)).toBe(MS.toString(16).padStart(12, "0"));
    expect(ulidUuidMs(u)).toBe(MS);
    expect(makeUlidUuid(1).startsWith("00000000-0001-4")).toBe(true);
    expect(commentId(MS)).toBe("0190847b-b4cb");
  });

  it("orders ULID-uuids by time", () => {
    const rng = mulberry32(4);
    const xs = [MS, MS + 1, MS + 1000, MS + 86_400_000].map((ms) => makeUlidUuid(ms, rng));
    expect([...xs].sort()).toEqual(xs);
  });
});

describe("Python JSON", () => {
  it("formats floats like Python repr", () => {
    expect(pyFloatRepr(1)).toBe("1.0");
    expect(pyFloatRepr(1e-4)).toBe("0.0001");
    expect(pyFloatRepr(1e-5)).toBe("1e-05");
    expect(pyFloatRepr(1e16)).toBe("1e+16");
    expect(pyFloatRepr(1e15)).toBe("1000000000000000.0");
    expect(pyFloatRepr(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(pyFloatRepr(NaN)).toBe("NaN");
    expect(pyFloatRepr(-Infinity)).toBe("-Infinity");
  });

  it("writes indent-2 sorted JSON and escapes non-ASCII", () => {
    expect(pyDumps({ b: [1, pyFloat(2)], a: {}, "é": NaN }, { indent: 2, sortKeys: true })).toBe(
      '{\n  "a": {},\n  "b": [\n    1,\n    2.0\n  ],\n  "\\u00e9": NaN\n}',
    );
    expect(pyDumps(["python", "train.py"])).toBe('["python", "train.py"]');
    expect(pyDumps("✓ \u{1F600}\n")).toBe('"\\u2713 \\ud83d\\ude00\\n"');
  });
});

describe("attr logs", () => {
  it("writes the exact text of a log entry, read-only, named by a ULID-uuid", () => {
    const dir = path.join(freshDir(), "x.user");
    const name = writeAttrLog(dir, { author: "alice", set: { label: "x" }, delete: [] }, MS, mulberry32(5));
    expect(name).toMatch(/^0190847b-b4cb-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json$/);
    const file = path.join(dir, name);
    expect(fs.readFileSync(file, "utf8")).toBe('{"author": "alice", "set": {"label": "x"}, "delete": []}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
  });

  it("keeps key order author, set, delete and escapes non-ASCII", () => {
    expect(attrLogText({ author: "bob", delete: ["label"] })).toBe('{"author": "bob", "set": {}, "delete": ["label"]}');
    expect(attrLogText({ author: "bob", set: { label: "résumé" } })).toBe(
      '{"author": "bob", "set": {"label": "r\\u00e9sum\\u00e9"}, "delete": []}',
    );
  });

  it("writes run attrs, comments, edits and deletes", () => {
    const runs = freshDir();
    const rng = mulberry32(6);
    logRunAttrs(runs, "r1", "alice", { label: "a", "tag:color=green": "" }, [], MS, rng);
    const dir = userDir(runs, "r1");
    const cid = addComment(dir, "alice", "hi", MS + 1, rng);
    expect(cid).toBe(makeUlidUuid(MS + 1).slice(0, 13));
    const edit = editComment(dir, "bob", cid, "hi!", MS + 2, rng);
    const del = deleteComment(dir, "alice", cid, MS + 3, rng);
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(4);
    expect(files.map(ulidUuidMs)).toEqual([MS, MS + 1, MS + 2, MS + 3]);
    expect(fs.readFileSync(path.join(dir, files[1]!), "utf8")).toBe(
      `{"author": "alice", "set": {"comment:${cid}": {"msg": "hi", "timestamp": ${MS + 1}}}, "delete": []}`,
    );
    expect(fs.readFileSync(path.join(dir, edit), "utf8")).toContain(`"msg": "hi!", "timestamp": ${MS + 2}`);
    expect(fs.readFileSync(path.join(dir, del), "utf8")).toBe(
      `{"author": "alice", "set": {}, "delete": ["comment:${cid}"]}`,
    );
  });
});

describe("runs", () => {
  it("writes the init file set and timestamps without newlines", () => {
    const runs = freshDir();
    writeRun(runs, { ...finished("r1"), zip: false, lockPid: 4242 });
    const meta = path.join(runs, "r1.meta");
    const read = (n: string) => fs.readFileSync(path.join(meta, n), "utf8");
    expect(read("opref")).toBe("2 examples train");
    expect(read("__schema__")).toBe("1");
    expect(read("id")).toBe("r1");
    expect(read("initialized")).toBe("1718841600000000");
    expect(read("staged")).toBe("1718841601000000");
    expect(read("started")).toBe("1718841602000000");
    expect(read("stopped")).toBe("1718841612000000");
    expect(read("proc/exit")).toBe("0");
    expect(read("proc/lock")).toBe("4242");
    expect(read("proc/env.json")).toBe("{}");
    expect(read("config.json")).toBe('{\n  "lr": 0.001\n}');
    expect(read("summary.json")).toBe('{\n  "metrics": {\n    "loss": 0.5\n  }\n}');
    expect(read("sys/platform.json")).toMatch(/^"[^"\n]+"$/);
    expect(read("manifest")).toMatch(/^s [0-9a-f]{64} train\.py\n$/);
    expect(read("log/files")).toBe("a s 1718841600000000 train.py\n");
    expect(read("log/runner")).toMatch(/^2024-06-20T00:00:00\+0000 /);
    const index = fs.readFileSync(path.join(meta, "output/40_run.index"));
    const lines = read("output/40_run").split("\n").filter(Boolean);
    expect(index.length).toBe(9 * lines.length);
    expect(Number(index.readBigUInt64BE(0))).toBe(1718841602000);
    expect(index[8]).toBe(0);
    expect(fs.readFileSync(path.join(runs, "r1", "train.py"), "utf8")).toContain("train");
  });

  it("writes empty timestamps, odd exit codes, id files and raw members", () => {
    const runs = freshDir();
    writeRun(runs, {
      id: "r2",
      opref: { ns: "n", name: "op", version: "2" },
      initialized: 1,
      staged: "",
      started: "",
      exit: "oops",
      idFile: "other",
      config: { x: NaN, y: pyFloat(1), z: true, w: null, s: "é" },
      rawMeta: { "summary.json": "{not json" },
      omitMeta: ["stopped"],
    });
    const meta = path.join(runs, "r2.meta");
    const read = (n: string) => fs.readFileSync(path.join(meta, n), "utf8");
    expect(read("opref")).toBe("2 n op 2");
    expect(read("staged")).toBe("");
    expect(read("started")).toBe("");
    expect(read("proc/exit")).toBe("oops");
    expect(read("id")).toBe("other");
    expect(read("summary.json")).toBe("{not json");
    expect(read("config.json")).toBe('{\n  "s": "\\u00e9",\n  "w": null,\n  "x": NaN,\n  "y": 1.0,\n  "z": true\n}');
    expect(JSON.parse(read("opdef.json"))).toEqual({ exec: "python op.py", version: 2 });

    writeRun(runs, { id: "r3", opref: { ns: "n", name: "op" }, initialized: 5, idFile: false });
    expect(fs.existsSync(path.join(runs, "r3.meta", "id"))).toBe(false);
    expect(fs.existsSync(path.join(runs, "r3"))).toBe(false); // not staged: no run dir
  });

  it("writes opref only for a minimal run, and legacy schema 1", () => {
    const runs = freshDir();
    writeRun(runs, { id: "m1", opref: { ns: "test", name: "test" }, minimal: true });
    expect(fs.readdirSync(path.join(runs, "m1.meta"))).toEqual(["opref"]);
    expect(fs.readFileSync(path.join(runs, "m1.meta", "opref"), "utf8")).toBe("2 test test");
    expect(encodeOpref({ ns: "a", name: "b", schema: 1 })).toBe("1 a b");
    expect(() => encodeOpref({ ns: "a b", name: "c" })).toThrow();
  });

  it("zips finalized meta: STORED, with directory members, no meta dir left", async () => {
    const runs = freshDir();
    writeRun(runs, finished("z1", { zip: true }));
    expect(fs.existsSync(path.join(runs, "z1.meta"))).toBe(false);
    const entries = await readZip(path.join(runs, "z1.meta.zip"));
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    for (const d of ["log/", "output/", "proc/", "sys/"]) expect(names).toContain(d);
    for (const f of ["__schema__", "id", "opref", "proc/exit", "summary.json", "output/40_run.index", "sys/platform.json"]) {
      expect(names).toContain(f);
    }
    expect(names.every((n) => !n.startsWith("/") && !n.includes("\\"))).toBe(true);
    expect(entries.every((e) => e.method === 0)).toBe(true);
    const dir = entries.find((e) => e.name === "log/")!;
    expect(dir.data.length).toBe(0);
    expect(dir.external & 0x10).toBe(0x10);
    expect(entries.find((e) => e.name === "opref")!.data.toString()).toBe("2 examples train");
    expect(entries.find((e) => e.name === "stopped")!.data.toString()).toBe("1718841612000000");

    writeRun(runs, finished("z2", { zip: true, alsoDir: true }));
    expect(fs.existsSync(path.join(runs, "z2.meta.zip"))).toBe(true);
    expect(fs.readFileSync(path.join(runs, "z2.meta", "opref"), "utf8")).toBe("2 examples train");
  });

  it("makes byte-identical zips for identical specs", () => {
    const a = freshDir();
    const b = freshDir();
    writeRun(a, finished("z", { zip: true }));
    writeRun(b, finished("z", { zip: true }));
    expect(fs.readFileSync(path.join(a, "z.meta.zip")).equals(fs.readFileSync(path.join(b, "z.meta.zip")))).toBe(true);
  });

  it("renames every entry of a legacy-deleted run", () => {
    const runs = freshDir();
    writeRun(runs, finished("l1", { opref: { ns: "e", name: "t", schema: 1 } }));
    logRunAttrs(runs, "l1", "alice", { label: "x" }, [], MS);
    writeProject(runs, "l1", "..");
    expect(legacyDeleteRun(runs, "l1").sort()).toEqual(
      ["l1.deleted", "l1.meta.deleted", "l1.project.deleted", "l1.user.deleted"].sort(),
    );
    writeLegacyDeletedRun(runs, finished("l2", { zip: true }));
    expect(fs.readdirSync(runs).sort()).toEqual(
      ["l1.deleted", "l1.meta.deleted", "l1.project.deleted", "l1.user.deleted", "l2.deleted", "l2.meta.zip.deleted"],
    );
  });
});

describe("containers, archives, groups, projects", () => {
  it("touches move markers named <ULID-uuid>-<container>", () => {
    const runs = freshDir();
    const rng = mulberry32(7);
    const trash = writeMove(runs, "r1", "trash", MS, rng);
    const archiveId = makeRunId(rng);
    const arch = writeMove(runs, "r1", archiveId, MS + 1, rng);
    expect(trash).toHaveLength(36 + 1 + "trash".length);
    expect(arch).toHaveLength(36 + 1 + 36);
    expect(trash.slice(0, 36)).toMatch(UUID4);
    expect(trash.slice(36)).toBe("-trash");
    expect(ulidUuidMs(arch)).toBe(MS + 1);
    expect(fs.statSync(path.join(runs, "r1.move", trash)).size).toBe(0);
  });

  it("writes archive revisions and delete markers", () => {
    const runs = freshDir();
    const rev = writeArchive(runs, "aid", "best", 1718841600, MS);
    const del = deleteArchive(runs, "aid", MS + 1);
    const dir = path.join(runs, ".archives", "aid");
    expect(fs.readFileSync(path.join(dir, rev), "utf8")).toBe('{"id": "aid", "name": "best", "date": 1718841600}');
    expect(del).toMatch(/^0190847b-b4cc-.*\.deleted$/);
    expect(fs.statSync(path.join(dir, del)).size).toBe(0);
  });

  it("makes group dirs with an id file and project references", () => {
    const runs = freshDir();
    const dir = writeGroup(runs, "g1");
    expect(dir).toBe(path.join(runs, "g1.group"));
    expect(fs.readFileSync(path.join(dir, "id"), "utf8")).toBe("g1");
    writeProject(runs, "r1", "../..");
    expect(fs.readFileSync(path.join(runs, "r1.project"), "utf8")).toBe("file:../..");
  });
});

describe("examples", () => {
  it("is deterministic and self-consistent", () => {
    const a = freshDir();
    const b = freshDir();
    const ex = writeExamples(a);
    writeExamples(b);
    const sa = snapshot(a);
    const sb = snapshot(b);
    expect([...sa.keys()]).toEqual([...sb.keys()]);
    for (const [k, v] of sa) expect(v.equals(sb.get(k)!), k).toBe(true);
    expect(sa.has(EXAMPLE_MARKER)).toBe(true);
    expect(ex.runs.length).toBeGreaterThanOrEqual(25);
    const statuses = new Set(ex.runs.map((r) => r.status));
    for (const s of ["completed", "error", "terminated", "staged", "pending", "unknown"]) expect(statuses).toContain(s);
    for (const r of ex.runs) {
      const entry =
        r.meta === "dir.deleted" ? `${r.id}.meta.deleted/` : r.meta === "dir" ? `${r.id}.meta/` : `${r.id}.meta.zip`;
      expect(sa.has(entry), `${r.key} ${entry}`).toBe(true);
    }
    for (const g of ex.groups) expect(sa.get(`${g.id}.group/id`)?.toString()).toBe(g.id);
  });

  it("can add a run locked by a live pid", () => {
    const runs = freshDir();
    const id = addRunningRun(runs, process.pid, { rng: mulberry32(8) });
    expect(fs.readFileSync(path.join(runs, `${id}.meta`, "proc", "lock"), "utf8")).toBe(String(process.pid));
    expect(fs.existsSync(path.join(runs, `${id}.meta`, "proc", "exit"))).toBe(false);
  });

  it("refuses to clear a non-empty dir without --force and the marker", () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "precious"), "x");
    expect(() => prepareOutputDir(d, EXAMPLE_MARKER, false)).toThrow(/not empty/);
    expect(() => prepareOutputDir(d, EXAMPLE_MARKER, true)).toThrow(/marker/);
    fs.writeFileSync(path.join(d, EXAMPLE_MARKER), "");
    prepareOutputDir(d, EXAMPLE_MARKER, true);
    expect(fs.readdirSync(d)).toEqual([]);
  });
});

describe("corpus", () => {
  it("is deterministic from the seed", () => {
    const a = freshDir();
    const b = freshDir();
    const c = freshDir();
    const sumA = writeCorpus(a, { n: 300, seed: 42 });
    writeCorpus(b, { n: 300, seed: 42 });
    writeCorpus(c, { n: 300, seed: 43 });
    const sa = snapshot(a);
    const sb = snapshot(b);
    expect([...sa.keys()]).toEqual([...sb.keys()]);
    const logs = [...sa.keys()].filter((k) => /\.(user|group)\/.+\.json$/.test(k));
    expect(logs.length).toBeGreaterThan(300);
    for (const k of logs) expect(sa.get(k)!.toString(), k).toBe(sb.get(k)!.toString());
    for (const [k, v] of sa) expect(v.equals(sb.get(k)!), k).toBe(true);
    expect([...snapshot(c).keys()]).not.toEqual([...sa.keys()]);

    expect(sumA.runs).toBe(300);
    expect(sumA.groups).toBe(30);
    expect(sumA.statuses.completed).toBeGreaterThan(200);
    const zips = [...sa.keys()].filter((k) => k.endsWith(".meta.zip")).length;
    const dirs = [...sa.keys()].filter((k) => /\.meta\/$/.test(k)).length;
    expect(zips + dirs).toBe(300);
    expect(zips / 300).toBeGreaterThan(0.65);
    expect(zips / 300).toBeLessThan(0.95);
  });
});
