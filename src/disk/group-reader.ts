import { join } from "node:path";
import { runName } from "./proquint.js";
import type { GroupRecord, Read, ReadIssue } from "./records.js";
import { listDir, readFileAt, type Listed } from "./safe-fs.js";

const GROUP_SUFFIX = ".group";
/** An id longer than a file name could never name a group dir; such an `id` file is not an id. */
const MAX_ID_LENGTH = 255;

/**
 * Reads a group dir's identity from its `id` file (docs/groups.md). Without a usable one the
 * dir name stands in, and that is reported (docs/groups.md, "What a group shows"). Its attr log is read like a run's.
 * `listing` is the group dir's, when the caller has it (its log needs it too).
 */
export function readGroup(runsDir: string, dirName: string, listing?: readonly Listed[]): Read<GroupRecord> {
  const path = join(runsDir, dirName, "id");
  const fallback = dirName.slice(0, -GROUP_SUFFIX.length);
  const issues: ReadIssue[] = [];
  let id = fallback;
  const r = readFileAt(runsDir, path, idType(join(runsDir, dirName), listing));
  if (r.state === "ok") {
    const text = r.data.toString("utf8").trim();
    if (text === "") issues.push({ path, message: `empty id file; using ${fallback}` });
    // Control characters or bytes that are not UTF-8 (binary junk) would become the group's id.
    else if (text.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f\uFFFD]/u.test(text)) issues.push({ path, message: `not an id (binary, control characters or too long); using ${fallback}` });
    else id = text;
  } else {
    const why = r.state === "absent" ? "no such file" : r.message;
    issues.push({ path, message: `cannot read group id (${why}); using ${fallback}` });
  }
  return { value: { id, name: runName(id), dirName }, issues };
}

/** The `id` file's type from the listing; "unknown" (opened without blocking, then checked) without one. */
function idType(dir: string, listing: readonly Listed[] | undefined): Listed["type"] {
  let l = listing;
  if (l === undefined) {
    try {
      l = listDir(dir, (n) => n === "id");
    } catch {
      return "unknown"; // the open that follows says why
    }
  }
  return l.find((x) => x.name === "id")?.type ?? "unknown";
}
