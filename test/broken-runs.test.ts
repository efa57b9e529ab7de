import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CASES, UNREADABLE_CASES, writeBrokenRunsDir, writeUnreadableCases } from "../src/fixtures/broken.js";
import { logRunAttrs, makeUlidUuid, userDir } from "../src/fixtures/gage-writer.js";
import { makeFifo } from "../src/fixtures/special-files.js";
import { catalog, checkLines, expectCasesListed, expectCasesReported, expectFinished, expectNoSecret, listing } from "./bad-input-helpers.js";
import { BIN, ROOT, tempDir } from "./helpers.js";

const MS = Date.UTC(2024, 5, 21);

describe("a runs dir full of broken input", () => {
  it("indexes the rest, names every problem by path in `catalog check`, never hangs, never reads outside", () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir);
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    // Only device nodes need a right (CAP_MKNOD) a test machine may lack; say so when it does.
    if (b.notMade.length > 0) console.warn(`not made here: ${b.notMade.join("; ")}`);
    expect(b.notMade.filter((n) => !n.includes("device"))).toEqual([]);
    expect(b.cases.length).toBeGreaterThanOrEqual(70);

    const index = catalog(["index", ...at], { timeoutMs: 30_000 });
    expectFinished(index, 0, "catalog index");
    const errorCount = b.cases.reduce((n, c) => n + c.errors.length, 0);

    const check = catalog(["check", ...at]);
    expectFinished(check, 1, "catalog check");
    const lines = checkLines(check.stdout);
    expectCasesReported(b.runsDir, b.cases, lines);
    expect(lines.errors).toHaveLength(errorCount);
    expect(index.stdout).toContain(`${errorCount} index errors`);
    // Quoted file content is clipped: junk of any size makes one short line.
    for (const l of check.stdout.split("\n")) expect(l.length).toBeLessThan(1000);

    const l = listing(b.runsDir, db);
    expectCasesListed(b.cases, l);
    b.goodRuns.forEach((id, i) => expect(l.runs.get(id)?.label).toBe(`good ${i}`));
    expect(l.groups.get(b.goodGroups[0]!)?.label).toBe("good group");
    for (const id of l.runs.keys()) expect(id).not.toContain("\uFFFD");

    // A query refreshes first, and a second pass re-reads every unit with errors: both finish.
    const query = catalog(["query", "--all", "--format", "json", ...at], { timeoutMs: 30_000 });
    expectFinished(query, 0, "catalog query");
    const again = catalog(["index", ...at], { timeoutMs: 30_000 });
    expectFinished(again, 0, "catalog index (again)");
    expect(again.stdout).toContain(`${errorCount} index errors`);

    expectNoSecret(b.secret, [index.stdout, index.stderr, check.stdout, check.stderr, query.stdout, query.stderr, again.stdout, again.stderr, ...l.outputs], db);
  });

  it("every case in the generator has its own name, listed in docs/reliability.md", () => {
    const names = [...CASES, ...UNREADABLE_CASES].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const doc = readFileSync(join(ROOT, "docs", "reliability.md"), "utf8");
    for (const n of names) expect(doc, n).toContain(`\`${n}\``);
    const b = writeBrokenRunsDir(tempDir(), { only: ["attr-fifo", "meta-link-root"] });
    expect(b.cases.map((c) => c.name)).toEqual(["attr-fifo", "meta-link-root"]);
  });

  it("a 200 MB summary.json and a 20 MB zip member are not read: bounded memory and time", () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir, { only: ["summary-200mb", "zip-large", "summary-too-large", "zip-member-too-large"] });
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    // GNU time reports the peak RSS of the process it runs (kB).
    expect(existsSync("/usr/bin/time"), "GNU time (/usr/bin/time) measures the peak RSS").toBe(true);
    const index = catalog(["index", ...at], { prefix: ["/usr/bin/time", "-f", "maxrss_kb=%M"], timeoutMs: 60_000 });
    expectFinished(index, 0, "catalog index");
    const rssMb = Number(/maxrss_kb=(\d+)/u.exec(index.stderr)![1]) / 1024;
    // Reading the 200 MB file alone would take 200 MB as a Buffer and as much again as a string.
    expect(rssMb).toBeLessThan(180);
    expect(index.ms).toBeLessThan(15_000);
    const check = catalog(["check", ...at]);
    expectFinished(check, 1, "catalog check");
    expectCasesReported(b.runsDir, b.cases, checkLines(check.stdout));
    expectCasesListed(b.cases, listing(b.runsDir, db));
  });

  it("unreadable files and dirs, read by a user without root's rights", () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const b = writeBrokenRunsDir(dir, { only: ["attr-fifo"] });
    const cases = [...b.cases, ...writeUnreadableCases(b.runsDir, join(dir, "outside2"))];
    const dbDir = join(dir, "db");
    mkdirSync(dbDir);
    chmodSync(dbDir, 0o777);
    const db = join(dbDir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    const asRoot = process.getuid?.() === 0;
    if (asRoot) expect(spawnSync("runuser", ["--version"]).status, "runuser is needed to test as another user").toBe(0);
    const prefix = asRoot ? ["runuser", "-u", "nobody", "--"] : [];
    if (asRoot) expect(spawnSync("runuser", ["-u", "nobody", "--", process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(BIN)}, 4)`]).status, `nobody must be able to read ${BIN}`).toBe(0);

    const index = catalog(["index", ...at], { prefix, timeoutMs: 30_000 });
    expectFinished(index, 0, "catalog index");
    const check = catalog(["check", ...at], { prefix });
    expectFinished(check, 1, "catalog check");
    expectCasesReported(b.runsDir, cases, checkLines(check.stdout));
    const l = listing(b.runsDir, db, { prefix });
    expectCasesListed(cases, l);
    b.goodRuns.forEach((id) => expect(l.runs.has(id)).toBe(true));
  });

  it("a runs dir that is itself a symlink: containment is checked against its real path", () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir, { only: ["meta-link-inside", "zip-link-inside", "meta-link-out", "attr-link-inside"] });
    const linked = join(dir, "runs-link");
    symlinkSync(b.runsDir, linked);
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", linked, "--db", db];
    expectFinished(catalog(["index", ...at]), 0, "catalog index");
    const check = catalog(["check", ...at]);
    expectFinished(check, 1, "catalog check");
    expectCasesReported(linked, b.cases, checkLines(check.stdout));
    expectCasesListed(b.cases, listing(linked, db));
  });

  it("a FIFO that appears in an indexed attr log, and a malformed entry fixed later", () => {
    const dir = tempDir();
    const b = writeBrokenRunsDir(dir, { only: [] });
    const db = join(dir, "catalog.sqlite");
    const at = ["--runs-dir", b.runsDir, "--db", db];
    expectFinished(catalog(["index", ...at]), 0, "first index");

    const [one, two] = b.goodRuns as [string, string];
    const fifo = join(userDir(b.runsDir, one), `${makeUlidUuid(MS, () => 0.5)}.json`);
    makeFifo(fifo);
    logRunAttrs(b.runsDir, one, "bob", { label: "after the fifo" }, [], MS + 1000);
    const bad = join(userDir(b.runsDir, two), `${makeUlidUuid(MS + 2000, () => 0.5)}.json`);
    writeFileSync(bad, '{"author": "bob", "set": {"label": "fixed"}');

    const query = catalog(["query", "--all", "--format", "json", ...at], { timeoutMs: 30_000 });
    expectFinished(query, 0, "catalog query (refreshing)");
    const labels = new Map((JSON.parse(query.stdout) as { id: string; label: string }[]).map((r) => [r.id, r.label]));
    expect(labels.get(one)).toBe("after the fifo");
    expect(labels.get(two)).toBe("good 1");
    const check = catalog(["check", ...at]);
    expectFinished(check, 1, "catalog check");
    const errors = checkLines(check.stdout).errors;
    expect(errors).toHaveLength(2);
    expect(errors).toContain(`index error: ${fifo}: is a FIFO, not a file; not opened`);
    expect(errors.find((e) => e.startsWith(`index error: ${bad}: `))).toMatch(/: malformed attr-log JSON: /u);

    // Gage writes entries in place: one seen half-written is read again until it is whole.
    writeFileSync(bad, '{"author": "bob", "set": {"label": "fixed"}}');
    const fixed = catalog(["query", "--all", "--format", "json", ...at]);
    expectFinished(fixed, 0, "catalog query");
    expect((JSON.parse(fixed.stdout) as { id: string; label: string }[]).find((r) => r.id === two)?.label).toBe("fixed");
    expect(checkLines(catalog(["check", ...at]).stdout).errors).toEqual([`index error: ${fifo}: is a FIFO, not a file; not opened`]);
  });
});
