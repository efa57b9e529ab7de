/**
 * A whole run listing sorted by a config or summary value is read from run_values' indexes
 * (src/query/value-sort.ts); its rows must be exactly those of the ORDER BY the query layer
 * writes for any listing (numbers, then texts, then runs without the value; ties by id), at
 * every offset.
 */
import { describe, expect, it } from "vitest";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { writeRun } from "../src/fixtures/gage-writer.js";
import { viewListing } from "../src/query/listing.js";
import { runListing, runOrder, type RunRow } from "../src/query/runs.js";
import { valueSort } from "../src/query/value-sort.js";
import { BACKENDS, backendWorkspace, indexWs, withStore } from "./backends.js";
import { finishedRun } from "./helpers.js";

describe.each(BACKENDS)("%s", (backend) => {
  describe("sorting a whole listing by a value, from run_values' indexes", () => {
    it("gives the rows of the generic ORDER BY at any offset, numbers before texts before missing values, both ways", async () => {
      const ws = await backendWorkspace(backend);
      writeCorpus(ws.runsDir, { n: 240, seed: 9 });
      // lr as text on a few runs, and runs with no config at all: all three parts of the order
      for (let i = 0; i < 6; i++) {
        const id = `fff0000${i}-0000-4000-8000-000000000000`;
        writeRun(ws.runsDir, finishedRun(id, { config: i < 4 ? { lr: i % 2 ? "0.001" : "fast" } : {} }));
      }
      await indexWs(ws);
      await withStore(ws, async (store) => {
        const active = { tags: [], statuses: [], containers: ["active"] } as const;
        const where = store.dialect.containers(["active"]);
        for (const sort of ["-metrics.loss", "metrics.loss", "config.lr", "-config.lr", "config.optimizer", "-config.warmup", "attributes.gpu", "-metrics.acc"]) {
          expect(valueSort(sort), sort).toBeDefined();
          const generic = (await viewListing<RunRow>(store, "run_list", where, runOrder(store, sort)).slice(0, null)).map((r) => r.id);
          const listing = await runListing(store, active, sort, 50);
          expect((await listing.slice(0, null)).map((r) => r.id), sort).toEqual(generic);
          for (const [start, end] of [[0, 50], [37, 90], [150, 200], [generic.length - 8, generic.length], [generic.length + 5, generic.length + 10]] as const) {
            expect((await listing.slice(start, end)).map((r) => r.id), `${sort} ${start}:${end}`).toEqual(generic.slice(start, end));
          }
        }
        // what is not a config or summary value keeps the generic order
        for (const sort of [undefined, "-timestamp", "name", "attrs.label", "exit_code"]) expect(valueSort(sort)).toBeUndefined();
      });
    });
  });
});
