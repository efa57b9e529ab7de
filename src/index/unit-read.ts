import { lstatSync } from "node:fs";
import { join } from "node:path";
import { readArchives } from "../disk/archives.js";
import { logEntries, readAttrLog, readListedLog, type AttrLogRead } from "../disk/attr-log.js";
import { ARCHIVES_DIR, type RunsDirEntry } from "../disk/entries.js";
import { probeUnit, type Fingerprint } from "../disk/fingerprint.js";
import { readGroup } from "../disk/group-reader.js";
import { readMove } from "../disk/move.js";
import type { ArchiveRecord, GroupRecord, Read, ReadIssue, RunRecord } from "../disk/records.js";
import { readRun } from "../disk/run-reader.js";
import { entryProblem, errorMessage, listDir, type Listed } from "../disk/safe-fs.js";

export type UnitKind = "run" | "user" | "move" | "group" | "archives";

/** What to read for one unit: plain data, so it can cross to a worker thread. */
export interface UnitTask {
  readonly kind: UnitKind;
  readonly key: string;
  readonly entries: readonly RunsDirEntry[];
  /** attr-log names already stored for this unit's owner: not read again */
  readonly known: readonly string[];
  /** take the unit's fingerprint first (the lister did not) */
  readonly fingerprint: boolean;
  /** take a run's newest meta file time */
  readonly filesTime: boolean;
}

/** What was read of one unit: plain data, so it can cross back from a worker thread. */
export type UnitRead = UnitContent & {
  /** the fingerprint taken before reading, when the task asked for it (null: gone) */
  readonly fingerprint?: Fingerprint | null;
};

type UnitContent =
  /** filesUs: the newest modification time of the meta entry read and its `proc/`, µs, when asked */
  | { readonly kind: "run"; readonly read: Read<RunRecord>; readonly filesUs?: number }
  | { readonly kind: "user"; readonly log: AttrLogRead }
  | { readonly kind: "move"; readonly container: string | null; readonly marker: string | null; readonly issues: ReadIssue[] }
  /** group null: the dir cannot be read as a group at all (a symlink out of the runs dir, not a dir) */
  | { readonly kind: "group"; readonly group: GroupRecord | null; readonly log: AttrLogRead; readonly issues: ReadIssue[] }
  | { readonly kind: "archives"; readonly archives: ArchiveRecord[]; readonly issues: ReadIssue[] };

/**
 * Reads one unit from disk. Never throws: what cannot be read becomes issues. When asked, the
 * fingerprint is taken before the files are read, so a change during the read is seen next time.
 */
export async function readUnit(runsDir: string, task: UnitTask): Promise<UnitRead> {
  if (!task.fingerprint) return readContent(runsDir, task, task.entries);
  const probed = probeUnit(runsDir, task.entries);
  const entries = probed.entries.length > 0 ? probed.entries : task.entries;
  return { ...(await readContent(runsDir, task, entries)), fingerprint: probed.fingerprint };
}

async function readContent(runsDir: string, task: UnitTask, entries: readonly RunsDirEntry[]): Promise<UnitContent> {
  const entry = entries[0]!;
  const path = join(runsDir, entry.name);
  const known = new Set(task.known);
  // Every unit but a run (whose reader tries each of its entries) is one dir.
  const problem = task.kind === "run" ? null : entryProblem(runsDir, path, entry.type, "dir", entry.badName);
  const issues: ReadIssue[] = problem === null ? [] : [{ path, message: problem }];
  switch (task.kind) {
    case "run": {
      const read = await readRun(runsDir, entries);
      if (!task.filesTime || read.value === null) return { kind: "run", read };
      return { kind: "run", read, filesUs: filesTime(join(runsDir, read.value.metaEntry)) };
    }
    case "user":
      return { kind: "user", log: problem === null ? readAttrLog(path, known, runsDir) : { names: [], entries: [], issues } };
    case "move":
      if (problem !== null) return { kind: "move", container: null, marker: null, issues };
      try {
        return { kind: "move", ...readMove(path), issues: [] };
      } catch (err) {
        return { kind: "move", container: null, marker: null, issues: [{ path, message: errorMessage(err) }] };
      }
    case "group": {
      if (problem !== null) return { kind: "group", group: null, log: { names: [], entries: [], issues: [] }, issues };
      let listing: Listed[] | undefined;
      let log: AttrLogRead;
      try {
        listing = listDir(path);
        log = readListedLog(path, logEntries(listing), known, runsDir);
      } catch {
        log = readAttrLog(path, known, runsDir); // says why it cannot be listed
      }
      const g = readGroup(runsDir, task.key, listing);
      return { kind: "group", group: g.value!, log, issues: g.issues };
    }
    case "archives": {
      if (problem !== null) return { kind: "archives", archives: [], issues };
      const a = readArchives(join(runsDir, ARCHIVES_DIR), runsDir);
      return { kind: "archives", archives: a.archives, issues: a.issues };
    }
  }
}

/** The newest modification time of a meta entry and of its `proc/` (lock and exit live there), µs. */
function filesTime(path: string): number {
  let newest = 0;
  for (const p of [path, join(path, "proc")]) {
    try {
      const st = lstatSync(p, { throwIfNoEntry: false, bigint: true });
      if (st !== undefined && st.mtimeNs / 1000n > BigInt(newest)) newest = Number(st.mtimeNs / 1000n);
    } catch {
      // a zip has no proc/ (ENOTDIR); an entry gone since it was read counts as old
    }
  }
  return newest;
}
