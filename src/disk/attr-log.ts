import { dirname, join } from "node:path";
import { isPlainObject, parseTolerantJson } from "./json.js";
import type { AttrLogEntry, ReadIssue } from "./records.js";
import { BAD_NAME_MESSAGE, codeOf, errorMessage, listDir, readFileAt, type Listed } from "./safe-fs.js";

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
  return listLog(dir).map((l) => l.name);
}

/** The `*.json` entries of an attr-log dir with their types, sorted like Python. */
export function listLog(dir: string): Listed[] {
  return logEntries(listDir(dir, isLogName));
}

/** The log entries of a dir's listing, in replay order. */
export function logEntries(listing: readonly Listed[]): Listed[] {
  return listing.filter((l) => isLogName(l.name)).sort((a, b) => compareCodePoints(a.name, b.name));
}

const isLogName = (n: string): boolean => n.endsWith(".json");

/**
 * Reads an attr-log dir (docs/decisions.md, "Attr logs"). A file Gage would crash on — bad
 * JSON, not an object, `set` not an object, `delete` not a list of strings — is skipped and
 * reported instead, and so is one that is not a regular file (never opened), too large, or a
 * symlink leaving the runs dir (`runsDir`, by default the dir's parent: attr-log dirs sit
 * directly in it).
 */
export function readAttrLog(dir: string, skip?: ReadonlySet<string>, runsDir: string = dirname(dir)): AttrLogRead {
  let listed: Listed[];
  try {
    listed = listLog(dir);
  } catch (err) {
    const code = codeOf(err);
    if (code === "ENOENT") return { names: [], entries: [], issues: [] };
    if (code === "ENOTDIR") return { names: [], entries: [], issues: [{ path: dir, message: "not a directory; not read" }] };
    return { names: [], entries: [], issues: [{ path: dir, message: `cannot list: ${errorMessage(err)}` }] };
  }
  return readListedLog(dir, listed, skip, runsDir);
}

/** The same from a listing already made (a group dir is listed once for its `id` and its log). */
export function readListedLog(dir: string, listed: readonly Listed[], skip: ReadonlySet<string> | undefined, runsDir: string): AttrLogRead {
  const names: string[] = [];
  const entries: AttrLogEntry[] = [];
  const issues: ReadIssue[] = [];
  for (const l of listed) {
    const { name } = l;
    const path = join(dir, name);
    if (l.badName) {
      issues.push({ path, message: BAD_NAME_MESSAGE });
      continue;
    }
    if (skip?.has(name)) {
      names.push(name);
      continue;
    }
    const r = readFileAt(runsDir, path, l.type);
    // Removed since the listing: it is simply not there (the dir's fingerprint changed with it).
    if (r.state === "absent") continue;
    names.push(name);
    if (r.state === "error") {
      issues.push({ path, message: r.message });
      continue;
    }
    try {
      entries.push(parseLogEntry(name, r.data.toString("utf8")));
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
