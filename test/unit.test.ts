import { describe, expect, it } from "vitest";
import { decodeOpRef } from "../src/disk/opref.js";
import { runName } from "../src/disk/proquint.js";
import { parseTolerantJson } from "../src/disk/json.js";
import { parsePythonInt } from "../src/disk/run-reader.js";
import { containerFromMarkers } from "../src/disk/move.js";
import { classifyEntry } from "../src/disk/entries.js";
import { isoFromMicros, isoFromMillis, parseTimeSpan, humanAgo } from "../src/query/time.js";

describe("opref (docs/format.md: Meta files)", () => {
  it("decodes schema 2 with and without version and legacy schema 1", () => {
    expect(decodeOpRef("2 hello hello")).toEqual({ schema: 2, ns: "hello", name: "hello", version: null });
    expect(decodeOpRef("2 my-ns my-op 1")).toEqual({ schema: 2, ns: "my-ns", name: "my-op", version: "1" });
    expect(decodeOpRef("1 my-ns my-op\n")).toEqual({ schema: 1, ns: "my-ns", name: "my-op", version: null });
  });
  it("rejects what Gage rejects", () => {
    for (const bad of ["3 ns op", "1 ns op 1", "2  ns op", " 2 ns op", "2 ns", "2 ns op v extra", "2", ""]) {
      expect(() => decodeOpRef(bad), bad).toThrow();
    }
  });
});

describe("run names (docs/format.md: Ids, names and ULID-uuids)", () => {
  it("matches the spec's examples", () => {
    expect(runName("aaa")).toBe("babab-bopop");
    expect(runName("bbb")).toBe("babab-bovur");
    expect(runName("ccc")).toBe("babab-bugas");
    expect(runName("0190847b-b4cb-4000-8000-000000000000")).toBe("bakib-midur");
  });
  it("is null where Python's int(s, 16) would fail", () => {
    expect(runName("zzzzzzzz-not-hex")).toBeNull();
    expect(runName("")).toBeNull();
  });
});

describe("tolerant JSON (docs/format.md: Robustness)", () => {
  it("maps NaN and Infinity outside strings to null, keeps them inside strings", () => {
    expect(parseTolerantJson('{"a": NaN, "b": -Infinity, "c": "NaN Infinity", "d": [Infinity, 1]}')).toEqual({
      a: null,
      b: null,
      c: "NaN Infinity",
      d: [null, 1],
    });
    expect(() => parseTolerantJson("{bad")).toThrow();
  });
});

describe("Python int parsing", () => {
  it("strips whitespace, accepts sign and underscores", () => {
    expect(parsePythonInt("1718841600000000")).toBe(1718841600000000);
    expect(parsePythonInt(" -2\n")).toBe(-2);
    expect(parsePythonInt("1_000")).toBe(1000);
    expect(parsePythonInt("")).toBeNull();
    expect(parsePythonInt("1.5")).toBeNull();
    expect(parsePythonInt("abc")).toBeNull();
  });
});

describe("move markers (docs/format.md: Containers)", () => {
  const id = "0190847b-b4cb-4aaa-8aaa-aaaaaaaaaaaa";
  it("takes the newest marker at least 37 chars long", () => {
    expect(containerFromMarkers([])).toBe("active");
    expect(containerFromMarkers([`${id}-trash`])).toBe("trash");
    expect(containerFromMarkers([`${id}-trash`, `0190847c-0000-4aaa-8aaa-aaaaaaaaaaaa-active`])).toBe("active");
    expect(containerFromMarkers(["short", `${id}-x`])).toBe("x");
    expect(containerFromMarkers([`${id}-`])).toBe("");
  });
});

describe("entry names (docs/format.md: Entries)", () => {
  it("classifies by case-sensitive suffix, longest first", () => {
    expect(classifyEntry("abc.meta.zip.deleted")).toMatchObject({ kind: "legacy-meta-zip", key: "abc" });
    expect(classifyEntry("abc.meta.zip")).toMatchObject({ kind: "meta-zip", key: "abc" });
    expect(classifyEntry("abc.meta")).toMatchObject({ kind: "meta-dir", key: "abc" });
    expect(classifyEntry("abc.META")).toMatchObject({ kind: "other" });
    expect(classifyEntry("g.group")).toMatchObject({ kind: "group", key: "g" });
    expect(classifyEntry(".archives")).toMatchObject({ kind: "archives" });
  });
});

describe("times", () => {
  it("formats µs and ms as ISO-8601 UTC with microseconds", () => {
    expect(isoFromMicros(1715349802123456)).toBe("2024-05-10T14:03:22.123456Z");
    expect(isoFromMicros(null)).toBeNull();
    expect(isoFromMillis(1715349802123)).toBe("2024-05-10T14:03:22.123000Z");
  });
  it("parses relative and absolute --since/--until values as spans", () => {
    const now = Date.parse("2024-06-20T12:00:00Z");
    const instant = (us: number) => ({ start: us, end: us + 1 });
    expect(parseTimeSpan("2d", now)).toEqual(instant((now - 2 * 86400e3) * 1000));
    expect(parseTimeSpan("3h", now)).toEqual(instant((now - 3 * 3600e3) * 1000));
    expect(parseTimeSpan("2024-06-01T00:00:00Z", now)).toEqual(instant(Date.parse("2024-06-01T00:00:00Z") * 1000));
    expect(parseTimeSpan("2024-06-01T10:00:00.5+02:00", now)).toEqual(instant(Date.parse("2024-06-01T08:00:00.500Z") * 1000));
    // a date, today and yesterday are whole local days
    const day = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime() * 1000;
    expect(parseTimeSpan("2024-06-03", now)).toEqual({ start: day(2024, 6, 3), end: day(2024, 6, 4) });
    const local = new Date(now);
    const today = day(local.getFullYear(), local.getMonth() + 1, local.getDate());
    expect(parseTimeSpan("today", now)).toEqual({ start: today, end: day(local.getFullYear(), local.getMonth() + 1, local.getDate() + 1) });
    expect(parseTimeSpan("yesterday", now).end).toBe(today);
  });
  it("refuses times that do not exist", () => {
    for (const bad of ["2024-13-45", "2024-02-30", "2023-02-29", "2024-06-01T24:00", "2024-06-01T10:60", "June 3", "1", "", "2x"]) {
      expect(() => parseTimeSpan(bad), bad).toThrow(/is not a time/);
    }
    expect(parseTimeSpan("2024-02-29").end - parseTimeSpan("2024-02-29").start).toBeGreaterThan(0);
  });
  it("humanises ages", () => {
    const now = Date.parse("2024-06-20T12:00:00Z");
    expect(humanAgo((now - 2 * 3600e3) * 1000, now)).toBe("2 hours ago");
    expect(humanAgo((now - 60e3) * 1000, now)).toBe("1 minute ago");
    expect(humanAgo(null, now)).toBe("");
  });
});
