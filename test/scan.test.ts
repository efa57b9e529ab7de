// The listing pass of an incremental index (src/index/units.ts scanRunsDir) against the stored
// fingerprints (src/index/fingerprint-table.ts): which units it hands on to be read, which it
// finds gone, and how many it counts, checked against the runs dir the test writes.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logRunAttrs, writeRun } from "../src/fixtures/gage-writer.js";
import { openDb } from "../src/index/db.js";
import { FingerprintTable } from "../src/index/fingerprint-table.js";
import { indexRunsDir } from "../src/index/indexer.js";
import { ensureSchema } from "../src/index/schema.js";
import { SqliteSink } from "../src/index/sqlite-sink.js";
import { scanRunsDir } from "../src/index/units.js";
import { unitKeyHash } from "../src/disk/fingerprint.js";
import { finishedRun, tempDir } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

describe("the fingerprint table", () => {
  it("looks keys up in any order given, a repeated key keeping its last fingerprint", () => {
    const t = FingerprintTable.fromPairs([
      [30, 3],
      [10, 1],
      [2 ** 52 + 1, 5],
      [20, 2],
      [10, 7],
    ]);
    expect(t.size).toBe(4);
    expect([t.get(10), t.get(20), t.get(30), t.get(2 ** 52 + 1)]).toEqual([7, 2, 3, 5]);
    expect([t.get(0), t.get(15), t.get(31), t.get(2 ** 53)]).toEqual([undefined, undefined, undefined, undefined]);
    expect([0, 1, 2, 3].map((i) => t.keyAt(i))).toEqual([10, 20, 30, 2 ** 52 + 1]);
    expect(FingerprintTable.fromPairs([]).get(1)).toBeUndefined();
  });
});

describe("a listing pass against the stored fingerprints", () => {
  it("hands on changed, new and several-entry units, finds vanished ones, and nothing when nothing changed", async () => {
    const runsDir = join(tempDir(), "runs");
    for (let n = 1; n <= 6; n++) writeRun(runsDir, finishedRun(runId(n), { zip: n % 2 === 0 }));
    logRunAttrs(runsDir, runId(1), "alice", { label: "one" }, [], MS);
    const db = openDb(join(tempDir(), "c.sqlite"));
    await ensureSchema(db);
    const sink = new SqliteSink(db, runsDir);
    await indexRunsDir(sink, { runsDir });
    const stored = await sink.storedFingerprints();
    // six runs and one attr log
    expect(stored.size).toBe(7);

    const quiet = scanRunsDir(runsDir, true, stored, new Set());
    expect(quiet).toEqual({ units: [], vanished: [], count: 7 });

    // run 2 gone, run 7 new, run 3 with a zip beside its meta dir, run 1's attr log written to
    rmSync(join(runsDir, `${runId(2)}.meta.zip`));
    writeRun(runsDir, finishedRun(runId(7)));
    writeRun(runsDir, finishedRun(runId(3), { zip: true }));
    logRunAttrs(runsDir, runId(1), "bob", { label: "uno" }, [], MS + 1000);
    const scan = scanRunsDir(runsDir, true, stored, new Set());
    expect(scan.units.map((u) => u.unit).sort()).toEqual([`run:${runId(3)}`, `run:${runId(7)}`, `user:${runId(1)}`].sort());
    expect(scan.units.find((u) => u.unit === `run:${runId(3)}`)!.entries.map((e) => e.name)).toEqual([`${runId(3)}.meta.zip`, `${runId(3)}.meta`]);
    expect(scan.vanished).toEqual([unitKeyHash("run", runId(2))]);
    expect(scan.count).toBe(7);

    // a unit asked for again is handed on though unchanged
    const again = scanRunsDir(runsDir, true, stored, new Set([unitKeyHash("run", runId(4))]));
    expect(again.units.map((u) => u.unit)).toContain(`run:${runId(4)}`);

    // and the index, brought up to date, lists exactly what is there
    await indexRunsDir(sink, { runsDir });
    expect(scanRunsDir(runsDir, true, await sink.storedFingerprints(), new Set())).toEqual({ units: [], vanished: [], count: 7 });
    const ids = db.prepare("SELECT id FROM runs ORDER BY id").pluck().all();
    expect(ids).toEqual([1, 3, 4, 5, 6, 7].map(runId));
    db.close();
  });
});
