import { unitKeyHash, type Fingerprint } from "../disk/fingerprint.js";
import { InProcessReader, WorkerReader, workerScript, type UnitReader } from "./readers.js";
import type { IndexSink } from "./sink.js";
import type { UnitRead } from "./unit-read.js";
import { UnitWriter } from "./unit-writer.js";
import { probeUnits, scanRunsDir, splitUnit, unitOfEntry, type DiskUnit } from "./units.js";

export { listUnits, unitOfEntry, type DiskUnit } from "./units.js";
export interface IndexProgress {
  readonly done: number;
  readonly total: number;
}

export interface IndexOptions {
  readonly runsDir: string;
  /**
   * Reader threads for large passes (0: read on this thread). The CLI uses two: reading and
   * parsing overlap with the SQL writes.
   */
  readonly workers?: number;
  /** called after each unit read while work remains */
  readonly onProgress?: (p: IndexProgress) => void;
  /** take each run's newest meta file time (a database showing one copy of runs on many hosts) */
  readonly filesTime?: boolean;
}

export interface IndexStats {
  /** units whose fingerprint changed (or that had errors) and were read again */
  readonly read: number;
  /** units that vanished from disk and were dropped */
  readonly removed: number;
  /** units on disk */
  readonly units: number;
  readonly errors: number;
  /** what Gage itself skips (see ReadIssue.note) */
  readonly notes: number;
}

/** Units per batch handed to a reader. */
const BATCH = 256;
/** Passes reading fewer units than this stay on the main thread (a thread costs ~30 ms). */
const WORKER_MIN_UNITS = 2000;

/**
 * Brings the index up to date with the runs dir in one transaction: every unit whose fingerprint
 * differs from the stored one (or that had read errors) is read again, vanished units are dropped.
 * A first index is the same pass over an empty database.
 */
export async function indexRunsDir(sink: IndexSink, options: IndexOptions): Promise<IndexStats> {
  const stored = await sink.storedFingerprints();
  const withErrors = await sink.unitsWithErrors();
  const errorKeys = new Set([...withErrors].map((u) => unitKeyHash(...splitUnit(u))));
  // Into an empty index every unit is read: each is fingerprinted by its reader, just before it
  // is read, rather than all of them first on this thread. Otherwise unchanged units are dropped
  // as they are listed, so only changed ones are ever built.
  const scan = scanRunsDir(options.runsDir, stored.size > 0, stored, errorKeys);
  const vanished = await sink.unitsOfKeys(scan.vanished);
  return applyUnits(sink, options, scan.units, vanished, (unit) => stored.get(unitKeyHash(...splitUnit(unit))), withErrors, scan.count);
}

/**
 * The same for just the units that own the given runs-dir entry names (what a file watcher saw
 * change): each is fingerprinted again, read if it changed, dropped if it is gone.
 */
export async function indexEntries(sink: IndexSink, options: IndexOptions, entryNames: Iterable<string>): Promise<IndexStats> {
  const wanted = new Set<string>();
  for (const name of entryNames) {
    const unit = unitOfEntry(name);
    if (unit) wanted.add(unit);
  }
  const onDisk = probeUnits(options.runsDir, wanted);
  const present = new Set(onDisk.map((u) => u.unit));
  const fingerprints = await sink.fingerprintsOf([...wanted]);
  const stored = (unit: string) => fingerprints.get(unit);
  const vanished = [...wanted].filter((u) => !present.has(u) && stored(u) !== undefined);
  return applyUnits(sink, options, onDisk, vanished, stored, await sink.unitsWithErrors(), onDisk.length);
}

async function applyUnits(
  sink: IndexSink,
  options: IndexOptions,
  onDisk: readonly DiskUnit[],
  vanished: readonly string[],
  stored: (unit: string) => Fingerprint | undefined,
  withErrors: ReadonlySet<string>,
  unitsOnDisk: number,
): Promise<IndexStats> {
  const { runsDir } = options;
  const changed = onDisk.filter((u) => u.fingerprint === null || stored(u.unit) !== u.fingerprint || withErrors.has(u.unit));

  if (changed.length === 0 && vanished.length === 0) {
    // Nothing to write but pids that may have died since: no transaction unless one did.
    await sink.recheckLocks();
    return { read: 0, removed: 0, units: unitsOnDisk, ...(await issueCounts(sink)) };
  }
  const writer = new UnitWriter(sink, runsDir, withErrors, options.filesTime ?? false);
  const script = (options.workers ?? 0) > 0 && changed.length >= WORKER_MIN_UNITS ? workerScript() : null;
  const reader: UnitReader = script ? new WorkerReader(runsDir, script, options.workers!) : new InProcessReader(runsDir);
  await sink.begin();
  try {
    for (const unit of vanished) writer.remove(unit);
    await sink.flush();
    // Readers run ahead by a few batches; results are applied in order as they arrive.
    const batches: DiskUnit[][] = [];
    for (let i = 0; i < changed.length; i += BATCH) batches.push(changed.slice(i, i + BATCH));
    const inflight: Promise<UnitRead[]>[] = [];
    let next = 0;
    let done = 0;
    const pump = () => {
      while (inflight.length < 4 && next < batches.length) {
        const batch = batches[next++]!;
        inflight.push(sink.prefetch(batch).then(() => reader.read(batch.map((u) => writer.task(u)))));
      }
    };
    pump();
    for (const batch of batches) {
      const results = await inflight.shift()!;
      pump();
      batch.forEach((u, j) => writer.apply(u, results[j]!));
      await sink.flush();
      done += batch.length;
      options.onProgress?.({ done, total: changed.length });
    }
    await sink.finish(writer.changes());
  } catch (err) {
    await sink.rollback();
    throw err;
  } finally {
    await reader.close();
  }
  return { read: changed.length, removed: vanished.length, units: unitsOnDisk, ...(await issueCounts(sink)) };
}

async function issueCounts(sink: IndexSink): Promise<{ errors: number; notes: number }> {
  const c = await sink.issueCounts();
  return { errors: c.errors, notes: c.notes };
}
