import { readdirSync } from "node:fs";
import { compareCodePoints } from "./attr-log.js";

export const ACTIVE = "active";
/** A marker is `<36-char ULID-uuid>-<container>`; shorter names are ignored (docs/format.md, "Containers"). */
const MARKER_PREFIX = 37;

/**
 * The container named by the newest marker in a `<id>.move` dir: `active`, `trash` or an archive
 * id. A missing dir, or one without a usable marker, means `active`.
 */
export function readContainer(moveDir: string): string {
  return readMove(moveDir).container;
}

/** The same, with the newest marker's name (null when there is none). */
export function readMove(moveDir: string): { container: string; marker: string | null } {
  let names: string[];
  try {
    names = readdirSync(moveDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { container: ACTIVE, marker: null };
    throw err;
  }
  const marker = newestMarker(names);
  return { container: marker === undefined ? ACTIVE : marker.slice(MARKER_PREFIX), marker: marker ?? null };
}

export function containerFromMarkers(names: readonly string[]): string {
  const marker = newestMarker(names);
  return marker === undefined ? ACTIVE : marker.slice(MARKER_PREFIX);
}

function newestMarker(names: readonly string[]): string | undefined {
  return [...names].sort((a, b) => compareCodePoints(b, a)).find((n) => n.length >= MARKER_PREFIX);
}
