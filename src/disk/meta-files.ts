import { readFileSync } from "node:fs";
import { join } from "node:path";

/** What reading one meta member gave: absent, its bytes, or an error that is not "absent". */
export type MemberRead =
  | { readonly state: "absent" }
  | { readonly state: "ok"; readonly data: Buffer }
  | { readonly state: "error"; readonly message: string };

export const ABSENT: MemberRead = { state: "absent" };

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

/** Reads the wanted members of a meta directory; a missing file (or dir) is absent, not an error. */
export function readMetaDir(dir: string, members: readonly MetaMember[]): MetaFiles {
  const out = new Map<MetaMember, MemberRead>();
  for (const m of members) out.set(m, readFileMember(join(dir, m)));
  return out;
}

export function readFileMember(path: string): MemberRead {
  try {
    return { state: "ok", data: readFileSync(path) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return ABSENT;
    return { state: "error", message: errorMessage(err) };
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0] ?? String(err);
  return String(err);
}
