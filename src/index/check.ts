import { listUnits } from "./indexer.js";
import type { IndexSink } from "./sink.js";

export interface CheckReport {
  /** units whose files changed since they were indexed */
  readonly stale: string[];
  /** units on disk the index has never seen */
  readonly notIndexed: string[];
  /** units in the index that are gone from disk */
  readonly gone: string[];
  readonly errors: { unit: string; path: string; message: string }[];
  /** what Gage itself skips: shown, but the index is fine */
  readonly notes: { unit: string; path: string; message: string }[];
  readonly units: number;
}

/** Compares the index with the runs dir (the one it indexes) without writing anything. */
export async function checkIndex(sink: Pick<IndexSink, "storedUnits" | "issues">, runsDir: string): Promise<CheckReport> {
  const stored = await sink.storedUnits();
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
  const issues = await sink.issues();
  const strip = ({ unit, path, message }: (typeof issues)[number]) => ({ unit, path, message });
  return {
    stale: stale.sort(),
    notIndexed: notIndexed.sort(),
    gone: gone.sort(),
    errors: issues.filter((i) => i.severity === "error").map(strip),
    notes: issues.filter((i) => i.severity === "note").map(strip),
    units: onDisk.length,
  };
}
