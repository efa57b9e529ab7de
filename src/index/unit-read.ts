import { join } from "node:path";
import { readArchives } from "../disk/archives.js";
import { readAttrLog, type AttrLogRead } from "../disk/attr-log.js";
import { ARCHIVES_DIR, type RunsDirEntry } from "../disk/entries.js";
import { unitFingerprint, type Fingerprint } from "../disk/fingerprint.js";
import { readGroup } from "../disk/group-reader.js";
import { errorMessage } from "../disk/meta-files.js";
import { readContainer } from "../disk/move.js";
import type { ArchiveRecord, GroupRecord, Read, ReadIssue, RunRecord } from "../disk/records.js";
import { readRun } from "../disk/run-reader.js";

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
}

/** What was read of one unit: plain data, so it can cross back from a worker thread. */
export type UnitRead = UnitContent & {
  /** the fingerprint taken before reading, when the task asked for it (null: gone) */
  readonly fingerprint?: Fingerprint | null;
};

type UnitContent =
  | { readonly kind: "run"; readonly read: Read<RunRecord> }
  | { readonly kind: "user"; readonly log: AttrLogRead }
  | { readonly kind: "move"; readonly container: string | null; readonly issues: ReadIssue[] }
  | { readonly kind: "group"; readonly group: GroupRecord; readonly log: AttrLogRead; readonly issues: ReadIssue[] }
  | { readonly kind: "archives"; readonly archives: ArchiveRecord[]; readonly issues: ReadIssue[] };

/**
 * Reads one unit from disk. Never throws: what cannot be read becomes issues. When asked, the
 * fingerprint is taken before the files are read, so a change during the read is seen next time.
 */
export async function readUnit(runsDir: string, task: UnitTask): Promise<UnitRead> {
  if (!task.fingerprint) return readContent(runsDir, task);
  const fingerprint = unitFingerprint(runsDir, task.entries);
  return { ...(await readContent(runsDir, task)), fingerprint };
}

async function readContent(runsDir: string, task: UnitTask): Promise<UnitContent> {
  const path = join(runsDir, task.entries[0]!.name);
  const known = new Set(task.known);
  switch (task.kind) {
    case "run":
      return { kind: "run", read: await readRun(runsDir, task.entries) };
    case "user":
      return { kind: "user", log: readAttrLog(path, known) };
    case "move":
      try {
        return { kind: "move", container: readContainer(path), issues: [] };
      } catch (err) {
        return { kind: "move", container: null, issues: [{ path, message: errorMessage(err) }] };
      }
    case "group": {
      const g = readGroup(runsDir, task.key);
      return { kind: "group", group: g.value!, log: readAttrLog(path, known), issues: g.issues };
    }
    case "archives": {
      const a = readArchives(join(runsDir, ARCHIVES_DIR));
      return { kind: "archives", archives: a.archives, issues: a.issues };
    }
  }
}
