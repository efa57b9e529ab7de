import type { FileType } from "./safe-fs.js";

/**
 * Classifies the names found directly in a runs dir (docs/format.md, "Entries"). Gage decides by
 * case-sensitive suffix tests on names only, and so do we; the kind of file is checked later.
 */
export type EntryKind =
  | "meta-dir"
  | "meta-zip"
  | "legacy-meta-dir"
  | "legacy-meta-zip"
  | "user"
  | "legacy-user"
  | "move"
  | "project"
  | "legacy-project"
  | "group"
  | "archives"
  | "other";

export interface RunsDirEntry {
  readonly name: string;
  readonly kind: EntryKind;
  /** The run id (or, for a group, the dir name without `.group`); "" for `archives` and `other`. */
  readonly key: string;
  /** what the entry is (from lstat), once the lister or the reader has looked */
  readonly type?: FileType;
  /** the name is not valid UTF-8, so it cannot be opened by it (it is only reported) */
  readonly badName?: boolean;
}

// Longest suffixes first so `.meta.zip.deleted` is never read as `.deleted`.
const SUFFIXES: ReadonlyArray<readonly [string, EntryKind]> = [
  [".meta.zip.deleted", "legacy-meta-zip"],
  [".project.deleted", "legacy-project"],
  [".meta.deleted", "legacy-meta-dir"],
  [".user.deleted", "legacy-user"],
  [".meta.zip", "meta-zip"],
  [".project", "project"],
  [".group", "group"],
  [".meta", "meta-dir"],
  [".user", "user"],
  [".move", "move"],
];

export const ARCHIVES_DIR = ".archives";

export function classifyEntry(name: string): RunsDirEntry {
  if (name === ARCHIVES_DIR) return { name, kind: "archives", key: "" };
  for (const [suffix, kind] of SUFFIXES) {
    if (name.length > suffix.length && name.endsWith(suffix)) {
      return { name, kind, key: name.slice(0, -suffix.length) };
    }
  }
  return { name, kind: "other", key: "" };
}

/** Every thing the indexer reads, keyed so that each has a stable identity across index passes. */
export interface Units {
  /** run id → meta entries (dir, zip, legacy variants) */
  readonly runs: Map<string, RunsDirEntry[]>;
  /** run id → `.user` / `.user.deleted` entries */
  readonly users: Map<string, RunsDirEntry[]>;
  /** run id → `.move` entry */
  readonly moves: Map<string, RunsDirEntry>;
  /** group dir name → entry */
  readonly groups: Map<string, RunsDirEntry>;
  readonly archives: RunsDirEntry | null;
}

export function groupEntries(names: Iterable<string>): Units {
  const runs = new Map<string, RunsDirEntry[]>();
  const users = new Map<string, RunsDirEntry[]>();
  const moves = new Map<string, RunsDirEntry>();
  const groups = new Map<string, RunsDirEntry>();
  let archives: RunsDirEntry | null = null;
  const push = (m: Map<string, RunsDirEntry[]>, e: RunsDirEntry) => {
    const list = m.get(e.key);
    if (list) list.push(e);
    else m.set(e.key, [e]);
  };
  for (const name of names) {
    const e = classifyEntry(name);
    switch (e.kind) {
      case "meta-dir":
      case "meta-zip":
      case "legacy-meta-dir":
      case "legacy-meta-zip":
        push(runs, e);
        break;
      case "user":
      case "legacy-user":
        push(users, e);
        break;
      case "move":
        moves.set(e.key, e);
        break;
      case "group":
        groups.set(e.name, e);
        break;
      case "archives":
        archives = e;
        break;
      default:
        break;
    }
  }
  for (const list of runs.values()) list.sort((a, b) => entryPreference(a) - entryPreference(b));
  for (const list of users.values()) list.sort((a, b) => entryPreference(a) - entryPreference(b));
  return { runs, users, moves, groups, archives };
}

/**
 * Order in which entries of one unit are tried: for meta, the zip wins when it opens (docs/decisions.md),
 * current entries before legacy `*.deleted` ones; for attr logs `.user` before `.user.deleted`.
 */
export function entryPreference(e: RunsDirEntry): number {
  switch (e.kind) {
    case "meta-zip":
    case "user":
      return 0;
    case "meta-dir":
    case "legacy-user":
      return 1;
    case "legacy-meta-zip":
      return 2;
    default:
      return 3;
  }
}
