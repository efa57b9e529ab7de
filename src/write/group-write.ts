/**
 * Makes a run group directory as the run-groups design lays it out (docs/groups.md): a new
 * `<gid>.group/` holding an `id` file with the group id (no newline) and its first attr-log
 * entry. The id is made as Gage makes run ids with a timestamp (`run_util.make_run_id(ms)`): a
 * ULID-uuid, so groups sort by creation. The dir is built under a temporary name and renamed into
 * place, so no reader ever sees a group without its id or members.
 */
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { writeAttrLogEntry, type AttrLogEntry } from "./attr-log-write.js";
import { nowMs, ulidUuid } from "./ulid.js";

export function newGroupId(): string {
  return ulidUuid(nowMs());
}

/** Creates `<runsDir>/<gid>.group/` with its id file and `first` entry; returns the dir. */
export function createGroupDir(runsDir: string, gid: string, first: AttrLogEntry): string {
  const final = join(runsDir, `${gid}.group`);
  if (existsSync(final)) throw Object.assign(new Error(`${final} already exists`), { code: "EEXIST", path: final });
  const tmp = join(runsDir, `.catalog-${randomUUID()}.tmp`);
  mkdirSync(tmp);
  try {
    const fd = openSync(join(tmp, "id"), "wx", 0o444);
    try {
      writeSync(fd, gid);
    } finally {
      closeSync(fd);
    }
    writeAttrLogEntry(tmp, first);
    renameSync(tmp, final);
    return final;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
