import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeRun, type RunSpec } from "../src/fixtures/gage-writer.js";
import { cliJson, indexed, us, workspace } from "./helpers.js";

const spec = (id: string, zip: boolean): RunSpec => ({
  id,
  opref: { ns: "examples", name: "train", version: "2" },
  initialized: us("2024-06-20T10:00:00.000001Z"),
  staged: us("2024-06-20T10:00:01.5Z"),
  started: us("2024-06-20T10:00:02.123456Z"),
  stopped: us("2024-06-20T10:05:00Z"),
  exit: 0,
  config: { lr: 0.001, epochs: 10, name: "x", flag: true, none: null },
  summary: { metrics: { loss: 0.25, acc: { value: 0.9, label: "Accuracy" } }, attributes: { seed: 7 }, run: { label: "zipped?" } },
  zip,
});

describe("zipped and unzipped meta", () => {
  it("give identical rows", async () => {
    const ws = workspace();
    writeRun(ws.runsDir, spec("aaaaaaaa-0000-4000-8000-000000000000", false));
    writeRun(ws.runsDir, spec("bbbbbbbb-0000-4000-8000-000000000000", true));
    expect(existsSync(join(ws.runsDir, "aaaaaaaa-0000-4000-8000-000000000000.meta"))).toBe(true);
    expect(existsSync(join(ws.runsDir, "bbbbbbbb-0000-4000-8000-000000000000.meta.zip"))).toBe(true);
    expect(existsSync(join(ws.runsDir, "bbbbbbbb-0000-4000-8000-000000000000.meta"))).toBe(false);

    const { db } = await indexed(ws.runsDir, ws.dbPath);
    const rows = db.prepare("SELECT * FROM runs ORDER BY id").all() as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    const strip = (r: Record<string, unknown>) => {
      const { id: _id, name: _name, meta_entry: _e, meta_kind: _k, ...rest } = r;
      return rest;
    };
    expect(rows[0]!.meta_kind).toBe("dir");
    expect(rows[1]!.meta_kind).toBe("zip");
    expect(strip(rows[1]!)).toEqual(strip(rows[0]!));
    expect(db.prepare("SELECT count(*) AS n FROM index_errors").get()).toEqual({ n: 0 });
    db.close();

    const runs = cliJson<Record<string, unknown>>(ws, ["query", "--all", "--sort", "id"]);
    const { id: _a, name: _b, ...dirJson } = runs[0]!;
    const { id: _c, name: _d, ...zipJson } = runs[1]!;
    expect(zipJson).toEqual(dirJson);
    expect(dirJson).toMatchObject({
      status: "completed",
      started: "2024-06-20T10:00:02.123456Z",
      initialized: "2024-06-20T10:00:00.000001Z",
      label: "zipped?",
      metrics: { loss: 0.25, acc: { value: 0.9, label: "Accuracy" } },
      op: { ns: "examples", name: "train", version: "2" },
    });
  });

  it("a zip beside a meta dir of the same id is one run, read from the zip", async () => {
    const ws = workspace();
    const id = "cccccccc-0000-4000-8000-000000000000";
    writeRun(ws.runsDir, { ...spec(id, true), alsoDir: true });
    const { db } = await indexed(ws.runsDir, ws.dbPath);
    expect(db.prepare("SELECT id, meta_kind FROM runs").all()).toEqual([{ id, meta_kind: "zip" }]);
    db.close();
  });
});
