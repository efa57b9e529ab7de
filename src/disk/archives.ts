import { dirname, join } from "node:path";
import { compareCodePoints } from "./attr-log.js";
import { isPlainObject, parseTolerantJson } from "./json.js";
import type { ArchiveRecord, ReadIssue } from "./records.js";
import { codeOf, entryProblem, errorMessage, listDir, readFileAt, type Listed } from "./safe-fs.js";

/**
 * Reads the archive registry `RUNS/.archives/<archive-id>/` (docs/format.md, "Containers"): the newest revision
 * decides; a `.deleted` revision newer than every `.json` one means the archive is deleted.
 */
export function readArchives(archivesDir: string, runsDir: string = dirname(archivesDir)): { archives: ArchiveRecord[]; issues: ReadIssue[] } {
  const archives: ArchiveRecord[] = [];
  const issues: ReadIssue[] = [];
  let ids: Listed[];
  try {
    ids = listDir(archivesDir);
  } catch (err) {
    const code = codeOf(err);
    if (code === "ENOENT" || code === "ENOTDIR") return { archives, issues };
    return { archives, issues: [{ path: archivesDir, message: `cannot list: ${errorMessage(err)}` }] };
  }
  for (const a of ids.sort((x, y) => compareCodePoints(x.name, y.name))) {
    const id = a.name;
    const dir = join(archivesDir, id);
    const problem = entryProblem(runsDir, dir, a.type, "dir", a.badName);
    if (problem !== null) {
      issues.push({ path: dir, message: problem });
      continue;
    }
    try {
      const revisions = listDir(dir, (n) => n.endsWith(".json") || n.endsWith(".deleted")).sort((x, y) => compareCodePoints(y.name, x.name));
      const newest = revisions[0];
      if (newest === undefined) continue;
      if (newest.name.endsWith(".deleted")) {
        archives.push({ id, name: null, date: null, deleted: true });
        continue;
      }
      const r = readFileAt(runsDir, join(dir, newest.name), newest.type);
      if (r.state === "absent") throw new Error(`${newest.name}: gone while reading`);
      if (r.state === "error") throw new Error(`${newest.name}: ${r.message}`);
      const data = parseTolerantJson(r.data.toString("utf8"));
      if (!isPlainObject(data)) throw new Error(`${newest.name}: not a JSON object`);
      const name = typeof data["name"] === "string" ? data["name"] : null;
      const date = typeof data["date"] === "number" ? data["date"] : null;
      archives.push({ id, name, date, deleted: false });
    } catch (err) {
      issues.push({ path: dir, message: `unreadable archive: ${errorMessage(err)}` });
    }
  }
  return { archives, issues };
}
