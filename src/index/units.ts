import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARCHIVES_DIR, classifyEntry, entryPreference, type RunsDirEntry } from "../disk/entries.js";
import { combineFingerprints, probeEntry, unitKeyHash, type Fingerprint } from "../disk/fingerprint.js";
import { undecodableNames, type FileType } from "../disk/safe-fs.js";
import type { UnitKind } from "./unit-read.js";

/**
 * A unit is what the indexer reads and fingerprints as one: a run's meta (`run:<id>`), its attr
 * log (`user:<id>`), its move markers (`move:<id>`), a group dir (`group:<dir>`) or the archive
 * registry (`archives`).
 */
export interface DiskUnit {
  readonly unit: string;
  /** unitKeyHash of the unit's name, as stored in entries.unit_key */
  readonly unitKey: number;
  readonly kind: UnitKind;
  readonly key: string;
  readonly entries: readonly RunsDirEntry[];
  /** null: not taken yet; the reader takes it just before reading */
  readonly fingerprint: Fingerprint | null;
}

/** The unit a runs-dir entry belongs to (`run:<id>`, `user:<id>`, …), or null for other names. */
export function unitOfEntry(entry: string | RunsDirEntry): string | null {
  const e = typeof entry === "string" ? classifyEntry(entry) : entry;
  const kind = unitKindOf(e);
  if (kind === null) return null;
  return kind === "archives" ? "archives" : `${kind}:${kind === "group" ? e.name : e.key}`;
}

function unitKindOf(e: RunsDirEntry): UnitKind | null {
  switch (e.kind) {
    case "meta-dir":
    case "meta-zip":
    case "legacy-meta-dir":
    case "legacy-meta-zip":
      return "run";
    case "user":
    case "legacy-user":
      return "user";
    case "move":
      return "move";
    case "group":
      return "group";
    case "archives":
      return "archives";
    default:
      return null;
  }
}

/** Every runs-dir name a unit can consist of. */
function entryNamesOf(unit: string): string[] {
  const [kind, key] = splitUnit(unit);
  switch (kind) {
    case "run":
      return [`${key}.meta.zip`, `${key}.meta`, `${key}.meta.zip.deleted`, `${key}.meta.deleted`];
    case "user":
      return [`${key}.user`, `${key}.user.deleted`];
    case "move":
      return [`${key}.move`];
    case "group":
      return [key];
    case "archives":
      return [ARCHIVES_DIR];
  }
}

export function probeUnits(runsDir: string, units: ReadonlySet<string>): DiskUnit[] {
  // A runs dir gone as a whole (unmounted, renamed) is not every unit in it gone.
  if (!statSync(runsDir, { throwIfNoEntry: false })?.isDirectory()) readNames(runsDir);
  let undecodable: ReadonlySet<string> | null = null;
  const present = (n: string): boolean => {
    if (existsSync(join(runsDir, n))) return true;
    if (!n.includes("\uFFFD")) return false;
    undecodable ??= undecodableNames(runsDir);
    return undecodable.has(n);
  };
  const names = [...units].flatMap(entryNamesOf).filter(present);
  return unitsFromNames(runsDir, names).units;
}

/** Lists the runs dir once and fingerprints every unit in it. */
export function listUnits(runsDir: string): DiskUnit[] {
  return scanRunsDir(runsDir, true, () => false).units;
}

/**
 * The runs dir's names. A runs dir that is missing or unreadable is an error, never an empty
 * one: indexing "no runs" would drop every row of a runs dir that is only unmounted or mistyped.
 */
function readNames(runsDir: string): string[] {
  try {
    return readdirSync(runsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "ENOTDIR" ? "is not a directory" : code === "EACCES" ? "cannot be read (permission denied)" : `cannot be read (${code ?? String(err)})`;
    throw new Error(`the runs dir ${runsDir} ${why}; nothing was indexed`);
  }
}

export function scanRunsDir(runsDir: string, stat: boolean, unchanged: (unitKey: number, fp: Fingerprint) => boolean) {
  return unitsFromNames(runsDir, readNames(runsDir), stat, unchanged);
}

/**
 * Groups names into units and fingerprints each, in one pass; a unit `unchanged` accepts is
 * counted as present but not built. A no-change refresh is this loop plus one read of the stored
 * fingerprints, so it avoids per-entry work beyond the stat.
 */
function unitsFromNames(
  runsDir: string,
  names: readonly string[],
  stat = true,
  unchanged: (unitKey: number, fp: Fingerprint) => boolean = () => false,
): { units: DiskUnit[]; present: Set<number> } {
  const units = new Map<number, Listed>();
  let undecodable: ReadonlySet<string> | null = null;
  const seen: { type: FileType } = { type: "unknown" };
  for (const name of names) {
    let e = classifyEntry(name);
    const kind = unitKindOf(e);
    if (kind === null) continue;
    // Node decodes a name that is not UTF-8 lossily (U+FFFD), and no file has the decoded name.
    if (name.includes("\uFFFD")) {
      undecodable ??= undecodableNames(runsDir);
      if (undecodable.has(name)) e = { ...e, badName: true };
    }
    let fp: Fingerprint = 0;
    let type: FileType | undefined;
    if (stat) {
      const probed = probeEntry(runsDir, e, seen);
      // An entry can vanish between readdir and stat; then it is simply not there.
      if (probed === null) continue;
      fp = probed;
      type = seen.type;
    }
    const key = kind === "group" ? e.name : e.key;
    const unitKey = unitKeyHash(kind, key);
    const u = units.get(unitKey);
    if (u) (u.more ??= []).push({ e, fp, type });
    else units.set(unitKey, { kind, key, e, fp, type, more: null });
  }
  const out: DiskUnit[] = [];
  for (const [unitKey, u] of units) {
    let fingerprint: Fingerprint | null = stat ? u.fp : null;
    let all: ListedEntry[] | null = null;
    if (u.more !== null) {
      // Several meta (or .user) entries for one id: a stable order, the preferred one first.
      all = [{ e: u.e, fp: u.fp, type: u.type }, ...u.more].sort((a, b) => entryPreference(a.e) - entryPreference(b.e));
      if (stat) fingerprint = combineFingerprints(all.map((x) => [x.e.name, x.fp] as const));
    }
    if (fingerprint !== null && unchanged(unitKey, fingerprint)) continue;
    // Only units that will be read get their entries' types attached.
    const entries = (all ?? [u]).map((x) => (x.type === undefined ? x.e : { ...x.e, type: x.type }));
    out.push({ unit: u.kind === "archives" ? "archives" : `${u.kind}:${u.key}`, unitKey, kind: u.kind, key: u.key, entries, fingerprint });
  }
  return { units: out, present: new Set(units.keys()) };
}

/** One runs-dir entry as listed and probed. */
interface ListedEntry {
  readonly e: RunsDirEntry;
  readonly fp: Fingerprint;
  readonly type: FileType | undefined;
}

/** A unit as listed: nearly always one entry, so the first is kept inline and no array is made. */
interface Listed extends ListedEntry {
  readonly kind: UnitKind;
  readonly key: string;
  more: ListedEntry[] | null;
}

export function splitUnit(unit: string): [UnitKind, string] {
  const i = unit.indexOf(":");
  if (i < 0) return [unit as UnitKind, ""];
  return [unit.slice(0, i) as UnitKind, unit.slice(i + 1)];
}
