import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARCHIVES_DIR, classifyEntry } from "../disk/entries.js";

/**
 * The directories the daemon watches for one runs-dir entry. Only directories are watched, one
 * inotify watch each: attr logs (`.user`, groups), move markers, the archive registry, and the
 * meta dir (plus `proc/`) of runs not yet finalized. A finalized run is a `.meta.zip` file whose
 * changes show up as events on the runs dir itself, so it costs no watch.
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

function isDir(path: string): boolean {
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
