import type { Db } from "../index/db.js";
import { groupDirName } from "./groups.js";

export interface IssueRow {
  readonly path: string;
  readonly message: string;
  /** `error`, or `note` for what Gage itself skips without complaint */
  readonly severity: "error" | "note";
}

/** What could not be read of a run (its meta, attr log, markers) or of a group's dir. */
export function issuesOf(db: Db, kind: "run" | "group", id: string): IssueRow[] {
  const units = kind === "run" ? [`run:${id}`, `user:${id}`, `move:${id}`] : [];
  const groupDir = kind === "group" ? groupDirName(db, id) : undefined;
  if (groupDir !== undefined) units.push(`group:${groupDir}`);
  return db
    .prepare<[string], IssueRow>(
      "SELECT path, message, severity FROM index_errors WHERE unit IN (SELECT value FROM json_each(?)) ORDER BY severity, path",
    )
    .all(JSON.stringify(units));
}
