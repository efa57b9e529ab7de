import { readdirSync } from "node:fs";
import { compareCodePoints } from "./attr-log.js";

export const ACTIVE = "active";
/** A marker is `<36-char ULID-uuid>-<container>`; shorter names are ignored (gage-format §8.1). */
const MARKER_PREFIX = 37;

/**
 * The container named by the newest marker in a `<id>.move` dir: `active`, `trash` or an archive
 * id. A missing dir, or one without a usable marker, means `active`.
 */
export function readContainer(moveDir: string): string {
  let names: string[];
  try {
    names = readdirSync(moveDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return ACTIVE;
    throw err;
  }
  return containerFromMarkers(names);
}

export function containerFromMarkers(names: readonly string[]): string {
  const sorted = [...names].sort((a, b) => compareCodePoints(b, a));
  const marker = sorted.find((n) => n.length >= MARKER_PREFIX);
  return marker === undefined ? ACTIVE : marker.slice(MARKER_PREFIX);
}
