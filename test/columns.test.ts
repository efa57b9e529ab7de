import { describe, expect, it } from "vitest";
import { groupAttrs, logRunAttrs, writeAttrLog, writeGroup, writeRun, type PyJson } from "../src/fixtures/gage-writer.js";
import { autoColumns, groupColumns, parseColumns, runColumns } from "../src/query/columns.js";
import type { Store } from "../src/store/store.js";
import { WhereSyntaxError } from "../src/query/where/index.js";
import { BACKENDS, backendWorkspace, indexWs, withStore, type Backend } from "./backends.js";
import { finishedRun, us } from "./helpers.js";

const MS = Date.parse("2024-06-20T12:00:00Z");
const runId = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-00000000000${n}`;
const GROUP = "0190847b-0000-4000-8000-000000000001";

/**
 * A sweep of four train runs over lr and optimizer: batch and seed are the same in every run,
 * dropout is null in one, warmup set in one only, shuffle differs; run 4 has an extra metric.
 */
const SWEEP: readonly { config: Record<string, PyJson>; metrics: Record<string, PyJson> }[] = [
  { config: { lr: 0.1, batch: 32, seed: 7, optimizer: "adam", dropout: 0.1, shuffle: true }, metrics: { loss: 0.5, acc: { value: 0.7, label: "Accuracy" } } },
  { config: { lr: 0.01, batch: 32, seed: 7, optimizer: "adam", dropout: 0.1, shuffle: true, warmup: 100 }, metrics: { loss: 0.3, acc: { value: 0.8 } } },
  { config: { lr: 0.001, batch: 32, seed: 7, optimizer: "adam", dropout: null, shuffle: false }, metrics: { loss: 0.2, acc: 0.85 } },
  { config: { lr: 0.001, batch: 32, seed: 7, optimizer: "sgd", dropout: 0.1, shuffle: true }, metrics: { loss: 0.25, acc: 0.9, f1: 0.8 } },
];

/** The sweep indexed into a new database of the backend; `fn` reads it through a Store. */
async function sweep<T>(backend: Backend, fn: (store: Store) => Promise<T>): Promise<T> {
  const ws = await backendWorkspace(backend);
  SWEEP.forEach((s, i) => {
    const n = i + 1;
    writeRun(ws.runsDir, finishedRun(runId(n), { config: s.config, summary: { metrics: s.metrics }, started: us("2024-06-20T10:00:00Z") + n * 1e6 }));
    logRunAttrs(ws.runsDir, runId(n), "alice", { label: `sweep ${n}`, "tag:sweep": "", [`tag:n=${n}`]: "", ...(n === 2 ? { owner: "bob", lr: 9 } : {}) }, [], MS);
  });
  // a run outside the sweep: its keys must not appear in the sweep's auto columns
  writeRun(ws.runsDir, finishedRun(runId(5), { opref: { ns: "p", name: "eval" }, config: { other: 1 }, summary: { metrics: { other_metric: 1 } } }));
  writeAttrLog(writeGroup(ws.runsDir, GROUP), { author: "alice", set: { ...groupAttrs({ label: "the sweep", tags: ["color=green"], runs: [1, 2, 3, 4].map(runId) }), owner: "carol" } }, MS);
  await indexWs(ws);
  return withStore(ws, fn);
}

describe.each(BACKENDS)("%s", (backend) => {
  describe("columns", () => {
    it("auto shows exactly the config keys that vary across the runs, then every metric", async () => {
      await sweep(backend, async (store) => {
        const ids = [1, 2, 3, 4].map(runId);
        expect(await autoColumns(store, ids)).toEqual(["config.dropout", "config.lr", "config.optimizer", "config.shuffle", "config.warmup", "metrics.acc", "metrics.f1", "metrics.loss"]);
        // two runs that differ only in lr, and share their metric keys
        expect(await autoColumns(store, [runId(1), runId(2)])).toEqual(["config.lr", "config.warmup", "metrics.acc", "metrics.loss"]);
        expect(await autoColumns(store, [runId(3), runId(4)])).toEqual(["config.dropout", "config.optimizer", "config.shuffle", "metrics.acc", "metrics.f1", "metrics.loss"]);
        // a single run varies in nothing
        expect(await autoColumns(store, [runId(1)])).toEqual(["metrics.acc", "metrics.loss"]);
      });
    });

    it("gives typed values per run, in the order asked, auto expanded", async () => {
      await sweep(backend, async (store) => {
        const names = parseColumns("operation,label,config.lr,config.shuffle,config.dropout,metrics.acc,tags,groups,exit_code,lr,attrs.owner,auto", "run");
        // runs 2 and 3 share their optimizer, so auto leaves it out
        const t = await runColumns(store, [runId(3), "no-such-run", runId(2)], names);
        expect(t.columns.map((c) => c.name)).toEqual([
          "operation", "label", "config.lr", "config.shuffle", "config.dropout", "metrics.acc", "tags", "groups", "exit_code", "lr", "attrs.owner",
          "config.dropout", "config.lr", "config.shuffle", "config.warmup", "metrics.acc", "metrics.loss",
        ]);
        expect(t.columns.map((c) => c.kind)).toEqual(["text", "text", "value", "value", "value", "value", "list", "list", "number", "value", "value", "value", "value", "value", "value", "value", "value"]);
        expect(t.rows.map((r) => r.id)).toEqual([runId(3), runId(2)]);
        expect(t.rows[0]!.cells).toEqual(["train", "sweep 3", 0.001, false, null, 0.85, ["n=3", "sweep"], [GROUP], 0, 0.001, null, null, 0.001, false, null, 0.85, 0.2]);
        expect(t.rows[1]!.cells).toEqual(["train", "sweep 2", 0.01, true, 0.1, 0.8, ["n=2", "sweep"], [GROUP], 0, 0.01, "bob", 0.1, 0.01, true, 100, 0.8, 0.3]);
        const started = await runColumns(store, [runId(1)], ["started"]);
        expect(started.columns).toEqual([{ name: "started", kind: "time" }]);
        expect(started.rows[0]!.cells).toEqual([us("2024-06-20T10:00:00Z") + 1e6]);
      });
    });

    it("gives group columns", async () => {
      await sweep(backend, async (store) => {
        const t = await groupColumns(store, [GROUP], parseColumns("name,operation,members,tags,ops,attrs.owner,owner,label", "group"));
        expect(t.rows[0]!.cells.slice(1)).toEqual(["train", 4, ["color=green"], ["train"], "carol", "carol", "the sweep"]);
        await expect(groupColumns(store, [GROUP], ["auto"])).rejects.toThrow(/auto columns are for runs/u);
      });
    });
  });
});

describe("column lists", () => {
  it("parses column lists, quoted keys included, with a caret at a bad name", () => {
    expect(parseColumns(`name, metrics."a,b",config.x'y, auto`, "run")).toEqual(["name", `metrics."a,b"`, "config.x'y", "auto"]);
    const bad: readonly (readonly [string, number, RegExp])[] = [
      ["name,,operation", 5, /expected a column name/u],
      ["name operation", 5, /expected , between column names/u],
      ["name,", 5, /expected a column name/u],
      ["name,config.", 5, /config\. needs a key/u],
      ["name,(now)", 5, /expected a column name/u],
    ];
    for (const [text, column, reason] of bad) {
      let error: unknown;
      try {
        parseColumns(text, "run");
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(WhereSyntaxError);
      expect((error as WhereSyntaxError).column, text).toBe(column);
      expect((error as WhereSyntaxError).reason, text).toMatch(reason);
    }
    expect(() => parseColumns("name,config.lr", "group")).toThrow(/groups have no config/u);
  });
});
