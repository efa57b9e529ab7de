import type { OpRef } from "./opref.js";

/** Something the reader could not use, kept so that `catalog check` can show it. */
export interface ReadIssue {
  readonly path: string;
  readonly message: string;
  /** something Gage itself skips without complaint (a meta dir with an empty opref): a note, not an error */
  readonly note?: boolean;
}

/** A meta timestamp file: it may exist yet hold no usable value (docs/format.md, "Meta files"). */
export interface Timestamp {
  readonly present: boolean;
  /** epoch microseconds, null when absent or unparseable */
  readonly us: number | null;
}

export type MetaKind = "dir" | "zip";

/** Everything the catalog keeps from one run's meta (a `.meta` dir or `.meta.zip`). */
export interface RunRecord {
  readonly id: string;
  readonly name: string | null;
  /** the runs-dir entry the meta was read from */
  readonly metaEntry: string;
  readonly metaKind: MetaKind;
  /** read from a legacy `*.deleted` entry (docs/format.md, "Entries") */
  readonly legacyDeleted: boolean;
  readonly opref: OpRef;
  readonly initialized: Timestamp;
  readonly staged: Timestamp;
  readonly started: Timestamp;
  readonly stopped: Timestamp;
  /** parsed `proc/exit`; null when missing or not an integer */
  readonly exitCode: number | null;
  /** `proc/lock` exists (only ever in a meta dir) */
  readonly lockPresent: boolean;
  /** its pid, null when not an integer */
  readonly lockPid: number | null;
  readonly config: Record<string, unknown>;
  readonly metrics: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
  /** `summary.json` → `run.label`, the fallback label */
  readonly summaryLabel: string | null;
}

/** One attr-log file: `{author, set, delete}` (docs/format.md, "Attr logs"). */
export interface AttrLogEntry {
  /** file name, a ULID-uuid + `.json`; sorts in time order */
  readonly name: string;
  readonly author: string;
  readonly set: Record<string, unknown>;
  readonly delete: readonly string[];
}

export interface GroupRecord {
  readonly id: string;
  readonly name: string | null;
  readonly dirName: string;
}

export interface ArchiveRecord {
  readonly id: string;
  readonly name: string | null;
  /** epoch seconds */
  readonly date: number | null;
  readonly deleted: boolean;
}

export interface Read<T> {
  readonly value: T | null;
  readonly issues: ReadIssue[];
  /**
   * The value is missing because something could not be read (an I/O error, a zip still being
   * written), not because the thing is invalid: the last good value should be kept.
   */
  readonly transient?: boolean;
}
