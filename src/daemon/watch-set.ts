import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARCHIVES_DIR, classifyEntry, type EntryKind } from "../disk/entries.js";

/**
 * The directories the daemon would watch for one runs-dir entry, one inotify watch each: attr
 * logs (`.user`, groups), move markers, the archive registry and its archive dirs, a meta dir and
 * its `proc/`. A `.meta.zip` is a file: its changes are events on the runs dir itself. Which of
 * these are actually watched is up to the hot set (hot-set.ts); the sweep covers the rest.
 */
export function watchDirsFor(runsDir: string, name: string): string[] {
  const kind = classifyEntry(name).kind;
  const path = join(runsDir, name);
  switch (kind) {
    case "user":
    case "legacy-user":
    case "move":
    case "group":
      return isDir(path) ? [path] : [];
    case "meta-dir":
    case "legacy-meta-dir":
      return isDir(path) ? [path, ...(isDir(join(path, "proc")) ? [join(path, "proc")] : [])] : [];
    case "archives":
      if (name !== ARCHIVES_DIR || !isDir(path)) return [];
      return [path, ...subdirs(path)];
    default:
      return [];
  }
}

/**
 * Entry kinds whose contents change without an event on the runs dir (a new file inside a
 * directory changes that directory's mtime, not the runs dir's): the sweep stats these.
 */
export function sweptKind(kind: EntryKind): boolean {
  switch (kind) {
    case "user":
    case "legacy-user":
    case "move":
    case "group":
    case "meta-dir":
    case "legacy-meta-dir":
    case "archives":
      return true;
    default:
      return false;
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function subdirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(path, d.name));
  } catch {
    return [];
  }
}
