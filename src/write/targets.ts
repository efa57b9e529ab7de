/**
 * Where the attributes of a run or a group are logged, checked to stay inside the runs dir: a
 * run's attr log is `<id>.user/` beside its meta (created on first write), a group's is its own
 * `<gid>.group/` dir (docs/groups.md). Ids come from the index, which took them from entry names;
 * still, no id with a path separator, a NUL or a `..` ever becomes a path.
 */
import { basename, join } from "node:path";

/** The runs-dir entry a write goes to, and whether the dir may be created. */
export interface LogTarget {
  readonly runsDir: string;
  /** the entry name in the runs dir: `<id>.user` or `<gid>.group` */
  readonly entry: string;
  /** a run's `.user` dir is created on first write, as Gage's `log_user_attrs` does */
  readonly create: boolean;
}

export class UnsafeNameError extends Error {
  override readonly name = "UnsafeNameError";
}

function plainName(name: string): string {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\\") || name.includes("\0") || basename(name) !== name) {
    throw new UnsafeNameError(`${JSON.stringify(name)} cannot name an entry of the runs dir; nothing was written`);
  }
  return name;
}

export function runLogTarget(runsDir: string, runId: string): LogTarget {
  return { runsDir, entry: plainName(`${plainName(runId)}.user`), create: true };
}

export function groupLogTarget(runsDir: string, groupDirName: string): LogTarget {
  if (!groupDirName.endsWith(".group")) throw new UnsafeNameError(`${JSON.stringify(groupDirName)} is not a group dir; nothing was written`);
  return { runsDir, entry: plainName(groupDirName), create: false };
}

export function targetDir(t: LogTarget): string {
  return join(t.runsDir, t.entry);
}
