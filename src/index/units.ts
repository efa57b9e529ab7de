import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARCHIVES_DIR, classifyEntry, entryPreference, type RunsDirEntry } from "../disk/entries.js";
import { combineFingerprints, probeEntry, unitKeyHash, type Fingerprint } from "../disk/fingerprint.js";
import { undecodableNames, type FileType } from "../disk/safe-fs.js";
import type { FingerprintTable } from "./fingerprint-table.js";
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
  return scanRunsDir(runsDir, true, null, new Set()).units;
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

/** What a listing of the runs dir found. */
export interface Scan {
  /** units to read: changed since `stored`, new, or to be read again (`reread`) */
  readonly units: DiskUnit[];
  /** keys of stored units with no entry left */
  readonly vanished: number[];
  /** units present */
  readonly count: number;
}

/**
 * Lists the runs dir once and fingerprints every unit (`stat`; else the readers do, just before
 * reading), leaving out the units whose fingerprint equals the one in `stored` unless their key
 * is in `reread`. A no-change refresh is this loop plus one read of the stored fingerprints.
 */
export function scanRunsDir(runsDir: string, stat: boolean, stored: FingerprintTable | null, reread: ReadonlySet<number>): Scan {
  return unitsFromNames(runsDir, readNames(runsDir), stat, stored, reread);
}

/**
 * Groups names into units and fingerprints each, in one pass. A unit already in `stored` is
 * tracked in typed arrays by its position there, and only built (an object, its entries) when it
 * changed: a no-change refresh at 100k runs allocates nothing per unit that outlives its entry,
 * which kept the young-generation collector copying 200k units (docs/benchmarks.md, "Start-up").
 * Units not in `stored` (new ones; all of them on a first index) are collected as objects.
 */
function unitsFromNames(runsDir: string, names: readonly string[], stat = true, stored: FingerprintTable | null = null, reread: ReadonlySet<number> = new Set()): Scan {
  const size = stored?.size ?? 0;
  const firstName = new Int32Array(size).fill(-1);
  const firstFp = new Float64Array(size);
  const firstType: (FileType | undefined)[] = new Array<FileType | undefined>(size);
  /** further entries of units with several, by unit key */
  const more = new Map<number, ListedEntry[]>();
  const fresh = new Map<number, Listed>();
  let undecodable: ReadonlySet<string> | null = null;
  const seen: { type: FileType } = { type: "unknown" };
  const classify = (name: string): RunsDirEntry => {
    const e = classifyEntry(name);
    // Node decodes a name that is not UTF-8 lossily (U+FFFD), and no file has the decoded name.
    if (!name.includes("\uFFFD")) return e;
    undecodable ??= undecodableNames(runsDir);
    return undecodable.has(name) ? { ...e, badName: true } : e;
  };
  for (let i = 0; i < names.length; i++) {
    const e = classify(names[i]!);
    const kind = unitKindOf(e);
    if (kind === null) continue;
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
    const at = stored === null ? -1 : stored.indexOf(unitKey);
    if (at >= 0 && firstName[at] === -1) {
      firstName[at] = i;
      firstFp[at] = fp;
      firstType[at] = type;
      continue;
    }
    const u = at >= 0 ? undefined : fresh.get(unitKey);
    if (at >= 0 || u) {
      const list = more.get(unitKey);
      if (list) list.push({ e, fp, type });
      else more.set(unitKey, [{ e, fp, type }]);
    } else fresh.set(unitKey, { kind, key, e, fp, type });
  }

  const out: DiskUnit[] = [];
  const vanished: number[] = [];
  const emit = (unitKey: number, first: Listed, storedFp: Fingerprint | undefined) => {
    let fingerprint: Fingerprint | null = stat ? first.fp : null;
    let all: ListedEntry[] | null = null;
    const others = more.get(unitKey);
    if (others) {
      // Several meta (or .user) entries for one id: a stable order, the preferred one first.
      all = [first, ...others].sort((a, b) => entryPreference(a.e) - entryPreference(b.e));
      if (stat) fingerprint = combineFingerprints(all.map((x) => [x.e.name, x.fp] as const));
    }
    if (fingerprint !== null && fingerprint === storedFp && !reread.has(unitKey)) return;
    // Only units that will be read get their entries' types attached.
    const entries = (all ?? [first]).map((x) => (x.type === undefined ? x.e : { ...x.e, type: x.type }));
    out.push({ unit: first.kind === "archives" ? "archives" : `${first.kind}:${first.key}`, unitKey, kind: first.kind, key: first.key, entries, fingerprint });
  };
  for (let at = 0; at < size; at++) {
    const unitKey = stored!.keyAt(at);
    const i = firstName[at]!;
    if (i === -1) {
      vanished.push(unitKey);
      continue;
    }
    const storedFp = stored!.fingerprintAt(at);
    if (firstFp[at] === storedFp && !more.has(unitKey) && !reread.has(unitKey) && stat) continue;
    const e = classify(names[i]!);
    const kind = unitKindOf(e)!;
    emit(unitKey, { kind, key: kind === "group" ? e.name : e.key, e, fp: firstFp[at]!, type: firstType[at] }, storedFp);
  }
  for (const [unitKey, u] of fresh) emit(unitKey, u, undefined);
  return { units: out, vanished, count: size - vanished.length + fresh.size };
}

/** One runs-dir entry as listed and probed. */
interface ListedEntry {
  readonly e: RunsDirEntry;
  readonly fp: Fingerprint;
  readonly type: FileType | undefined;
}

/** A unit as listed, by its first entry (further ones are kept apart: nearly every unit has one). */
interface Listed extends ListedEntry {
  readonly kind: UnitKind;
  readonly key: string;
}

export function splitUnit(unit: string): [UnitKind, string] {
  const i = unit.indexOf(":");
  if (i < 0) return [unit as UnitKind, ""];
  return [unit.slice(0, i) as UnitKind, unit.slice(i + 1)];
}
