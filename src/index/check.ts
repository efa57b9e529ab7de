import type { Db } from "./db.js";
import { listUnits } from "./indexer.js";

export interface CheckReport {
  /** units whose files changed since they were indexed */
  readonly stale: string[];
  /** units on disk the index has never seen */
  readonly notIndexed: string[];
  /** units in the index that are gone from disk */
  readonly gone: string[];
  readonly errors: { unit: string; path: string; message: string }[];
  /** the runs dir the index was last built from, if it differs from the one checked */
  readonly otherRunsDir: string | null;
  readonly units: number;
}

/** Compares the index with the runs dir without writing anything. */
export function checkIndex(db: Db, runsDir: string): CheckReport {
  const stored = new Map(
    (db.prepare("SELECT unit, fingerprint FROM entries").all() as { unit: string; fingerprint: number }[]).map((r) => [r.unit, r.fingerprint]),
  );
  const onDisk = listUnits(runsDir);
  const present = new Set(onDisk.map((u) => u.unit));
  const stale: string[] = [];
  const notIndexed: string[] = [];
  for (const u of onDisk) {
    const fp = stored.get(u.unit);
    if (fp === undefined) notIndexed.push(u.unit);
    else if (fp !== u.fingerprint) stale.push(u.unit);
  }
  const gone = [...stored.keys()].filter((u) => !present.has(u));
  const errors = db.prepare("SELECT unit, path, message FROM index_errors ORDER BY path, message").all() as CheckReport["errors"];
  const meta = db.prepare("SELECT value FROM catalog_meta WHERE key = 'runs_dir'").get() as { value: string } | undefined;
  return {
    stale: stale.sort(),
    notIndexed: notIndexed.sort(),
    gone: gone.sort(),
    errors,
    otherRunsDir: meta && meta.value !== runsDir ? meta.value : null,
    units: onDisk.length,
  };
}
