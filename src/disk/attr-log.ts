import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isPlainObject, parseTolerantJson } from "./json.js";
import { errorMessage } from "./meta-files.js";
import type { AttrLogEntry, ReadIssue } from "./records.js";

/** Gage's `attr_log.UNKNOWN_AUTHOR`, used when an entry has no author. */
export const UNKNOWN_AUTHOR = "__unknown__";

export interface AttrLogRead {
  /** every `*.json` name in the dir, sorted (entries that failed to parse included) */
  readonly names: string[];
  /** the entries read, in name order; names listed in `skip` are not read again */
  readonly entries: AttrLogEntry[];
  readonly issues: ReadIssue[];
}

/** Lists the log file names of an attr-log dir: `*.json` (case-sensitive), sorted like Python. */
export function listLogNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort(compareCodePoints);
}

/**
 * Reads an attr-log dir (gage-format §9.1). A file Gage would crash on — bad JSON, not an object,
 * `set` not an object, `delete` not a list of strings — is skipped and reported instead.
 */
export function readAttrLog(dir: string, skip?: ReadonlySet<string>): AttrLogRead {
  let names: string[];
  try {
    names = listLogNames(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { names: [], entries: [], issues: [] };
    return { names: [], entries: [], issues: [{ path: dir, message: `cannot list: ${errorMessage(err)}` }] };
  }
  const entries: AttrLogEntry[] = [];
  const issues: ReadIssue[] = [];
  for (const name of names) {
    if (skip?.has(name)) continue;
    const path = join(dir, name);
    try {
      entries.push(parseLogEntry(name, readFileSync(path, "utf8")));
    } catch (err) {
      issues.push({ path, message: errorMessage(err) });
    }
  }
  return { names, entries, issues };
}

export function parseLogEntry(name: string, text: string): AttrLogEntry {
  let data: unknown;
  try {
    data = parseTolerantJson(text);
  } catch (err) {
    throw new Error(`malformed attr-log JSON: ${errorMessage(err)}`);
  }
  if (!isPlainObject(data)) throw new Error("attr-log entry is not a JSON object");
  const author = data["author"] ?? UNKNOWN_AUTHOR;
  const set = data["set"] ?? {};
  const del = data["delete"] ?? [];
  if (typeof author !== "string") throw new Error("attr-log author is not a string");
  if (!isPlainObject(set)) throw new Error("attr-log `set` is not an object");
  if (!Array.isArray(del) || !del.every((k): k is string => typeof k === "string")) {
    throw new Error("attr-log `delete` is not a list of strings");
  }
  return { name, author, set, delete: del };
}

/** Python sorts str by code point; JS sorts by UTF-16 unit. They differ only above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
