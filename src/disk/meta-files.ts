import { join } from "node:path";
import { ABSENT, entryProblem, listDir, readFileAt, type FileRead, type Listed } from "./safe-fs.js";

export { ABSENT, errorMessage } from "./safe-fs.js";

/** What reading one meta member gave: absent, its bytes, or an error that is not "absent". */
export type MemberRead = FileRead;

/** The meta members the catalog reads; everything else in meta is left alone. */
export const META_MEMBERS = [
  "opref",
  "id",
  "initialized",
  "staged",
  "started",
  "stopped",
  "proc/exit",
  "config.json",
  "summary.json",
] as const;
export type MetaMember = (typeof META_MEMBERS)[number] | "proc/lock";

export type MetaFiles = ReadonlyMap<MetaMember, MemberRead>;

/** A meta dir or zip as read: its members, and problems of the meta as a whole (path relative to it). */
export interface MetaRead {
  readonly files: MetaFiles;
  readonly problems: { readonly rel: string; readonly message: string }[];
}

/**
 * Reads the wanted members of a meta directory; a missing file (or dir) is absent, not an error.
 * The dir is listed first, so each member's type is known before it is opened (d_type): a FIFO,
 * a device or a symlink leaving the runs dir is never opened; nor is `proc/` when it is not a
 * dir or leads out. Throws when the dir cannot be listed (gone: ENOENT).
 */
export function readMetaDir(runsDir: string, dir: string, members: readonly MetaMember[]): MetaRead {
  const top = byName(listDir(dir));
  const problems: MetaRead["problems"] = [];
  // `proc/` holds at most exit and lock: opening those two by name (O_NONBLOCK, O_NOFOLLOW, then
  // fstat) costs less than listing it, once `proc` itself is known to be a dir or a link inside.
  const p = top.get("proc");
  const procProblem = p === undefined ? null : entryProblem(runsDir, join(dir, "proc"), p.type, "dir", p.badName);
  if (procProblem !== null) problems.push({ rel: "proc", message: procProblem });
  const procReadable = p !== undefined && procProblem === null;
  const out = new Map<MetaMember, MemberRead>();
  for (const m of members) {
    if (m.startsWith("proc/")) out.set(m, procReadable ? readFileAt(runsDir, join(dir, m)) : ABSENT);
    else {
      const listed = top.get(m);
      out.set(m, listed === undefined ? ABSENT : readFileAt(runsDir, join(dir, m), listed.type));
    }
  }
  return { files: out, problems };
}

function byName(listing: readonly Listed[]): Map<string, Listed> {
  const m = new Map<string, Listed>();
  for (const l of listing) if (!l.badName) m.set(l.name, l);
  return m;
}
