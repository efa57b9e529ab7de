import { readFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage } from "./meta-files.js";
import { runName } from "./proquint.js";
import type { GroupRecord, Read, ReadIssue } from "./records.js";

const GROUP_SUFFIX = ".group";

/**
 * Reads a group dir's identity from its `id` file (run-groups-design.md). Without a usable one the
 * dir name stands in, and that is reported (DESIGN §2). Its attr log is read like a run's.
 */
export function readGroup(runsDir: string, dirName: string): Read<GroupRecord> {
  const path = join(runsDir, dirName, "id");
  const fallback = dirName.slice(0, -GROUP_SUFFIX.length);
  const issues: ReadIssue[] = [];
  let id = fallback;
  try {
    const text = readFileSync(path, "utf8").trim();
    if (text === "") issues.push({ path, message: `empty id file; using ${fallback}` });
    else id = text;
  } catch (err) {
    issues.push({ path, message: `cannot read group id (${errorMessage(err)}); using ${fallback}` });
  }
  return { value: { id, name: runName(id), dirName }, issues };
}
