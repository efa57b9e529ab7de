import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { writeExamples, type Examples } from "../src/fixtures/examples.js";
import { isoFromMicros } from "../src/query/time.js";
import type { GroupJson } from "../src/query/export.js";
import { BACKENDS, backendWorkspace } from "./backends.js";
import { ROOT, cliJson, workspace } from "./helpers.js";

interface RunJson {
  id: string;
  operation: string;
  op: { ns: string; name: string; version: string | null };
  status: string;
  container: string;
  label: string | null;
  tags: string[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe.each(BACKENDS)("%s", (backend) => {
  describe("the example runs dir", () => {
    it("reads back as the generator says, in every container", async () => {
      const ws = await backendWorkspace(backend);
      const ex: Examples = writeExamples(ws.runsDir);
      const seen = new Map<string, RunJson>();
      const lists = [["query", "--all"], ["query", "--all", "--deleted"], ...ex.archives.filter((a) => !a.deleted).map((a) => ["query", "--all", "--archive", a.id])];
      for (const args of lists) for (const r of cliJson<RunJson>(ws, args)) seen.set(r.id, r);
      expect([...seen.keys()].sort()).toEqual(ex.runs.map((r) => r.id).sort());
      for (const want of ex.runs) {
        const got = seen.get(want.id)!;
        expect({ key: want.key, op: `${got.op.ns}:${got.op.name}`, version: got.op.version, status: got.status, container: got.container, label: got.label, tags: got.tags }).toEqual({
          key: want.key,
          op: want.op,
          version: want.version,
          status: want.status,
          container: want.container,
          label: want.label,
          tags: [...want.tags].sort(),
        });
      }
      const groups = new Map(cliJson<GroupJson>(ws, ["query", "--groups", "--all"]).map((g) => [g.id, g]));
      expect([...groups.keys()].sort()).toEqual(ex.groups.map((g) => g.id).sort());
      for (const want of ex.groups) {
        const got = groups.get(want.id)!;
        expect({ key: want.key, ...got }).toMatchObject({
          key: want.key,
          operation: want.operation,
          status: want.status,
          started: isoFromMicros(want.started),
          label: want.label,
          tags: [...want.tags].sort(),
          members: want.members,
          inactive_members: [...want.inactive].sort(),
          missing_members: [...want.missing].sort(),
        });
      }
      const green = cliJson<GroupJson>(ws, ["query", "--groups", "--tag", "color=green"]).map((g) => g.id).sort();
      expect(green).toEqual(ex.groups.filter((g) => g.tags.includes("color=green")).map((g) => g.id).sort());
      expect(green.length).toBeGreaterThanOrEqual(3);
    });
  });
});

// No database: the committed examples are the generator's output.
describe("the example runs dir on disk", () => {
  it("is what the generator writes, byte for byte", () => {
    const ws = workspace();
    writeExamples(ws.runsDir);
    const committed = join(ROOT, "examples", "runs");
    const files = listFiles(committed);
    expect(files).toEqual(listFiles(ws.runsDir));
    for (const f of files) {
      expect(readFileSync(join(committed, f)).equals(readFileSync(join(ws.runsDir, f))), f).toBe(true);
    }
  });
});
