import type { Store } from "../store/store.js";
import { groupDirName } from "./groups.js";

export interface IssueRow {
  readonly path: string;
  readonly message: string;
  /** `error`, or `note` for what Gage itself skips without complaint */
  readonly severity: "error" | "note";
}

/** What could not be read of a run (its meta, attr log, markers) or of a group's dir. */
export async function issuesOf(store: Store, kind: "run" | "group", id: string): Promise<IssueRow[]> {
  const units = kind === "run" ? [`run:${id}`, `user:${id}`, `move:${id}`] : [];
  const groupDir = kind === "group" ? await groupDirName(store, id, null) : undefined;
  if (groupDir !== undefined) units.push(`group:${groupDir}`);
  const among = store.dialect.inList({ sql: "unit", params: [] }, units);
  return store.all<IssueRow>({ sql: `SELECT path, message, severity FROM index_errors WHERE ${among.sql} ORDER BY severity, path`, params: among.params });
}
