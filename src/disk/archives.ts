import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compareCodePoints } from "./attr-log.js";
import { isPlainObject, parseTolerantJson } from "./json.js";
import { errorMessage } from "./meta-files.js";
import type { ArchiveRecord, ReadIssue } from "./records.js";

/**
 * Reads the archive registry `RUNS/.archives/<archive-id>/` (gage-format §8.3): the newest revision
 * decides; a `.deleted` revision newer than every `.json` one means the archive is deleted.
 */
export function readArchives(archivesDir: string): { archives: ArchiveRecord[]; issues: ReadIssue[] } {
  const archives: ArchiveRecord[] = [];
  const issues: ReadIssue[] = [];
  let ids: string[];
  try {
    ids = readdirSync(archivesDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { archives, issues };
    return { archives, issues: [{ path: archivesDir, message: `cannot list: ${errorMessage(err)}` }] };
  }
  for (const id of ids.sort(compareCodePoints)) {
    const dir = join(archivesDir, id);
    try {
      const revisions = readdirSync(dir)
        .filter((n) => n.endsWith(".json") || n.endsWith(".deleted"))
        .sort((a, b) => compareCodePoints(b, a));
      const newest = revisions[0];
      if (newest === undefined) continue;
      if (newest.endsWith(".deleted")) {
        archives.push({ id, name: null, date: null, deleted: true });
        continue;
      }
      const data = parseTolerantJson(readFileSync(join(dir, newest), "utf8"));
      if (!isPlainObject(data)) throw new Error(`${newest}: not a JSON object`);
      const name = typeof data["name"] === "string" ? data["name"] : null;
      const date = typeof data["date"] === "number" ? data["date"] : null;
      archives.push({ id, name, date, deleted: false });
    } catch (err) {
      issues.push({ path: dir, message: `unreadable archive: ${errorMessage(err)}` });
    }
  }
  return { archives, issues };
}
