/**
 * The fingerprints stored for a source, as two sorted typed arrays: unit keys and their
 * fingerprints. A no-change refresh at 100k runs looks up 200k units; held in a Map, each key and
 * fingerprint was a heap number that the young-generation collector copied until promoted (a
 * third of a refresh's time beyond its stats: docs/benchmarks.md, "Start-up"). Typed arrays live
 * outside the collected heap.
 */
import type { Fingerprint } from "../disk/fingerprint.js";

export class FingerprintTable {
  private constructor(
    private readonly keys: Float64Array,
    private readonly fps: Float64Array,
  ) {}

  /** From pairs in any order; a key given twice keeps its last fingerprint, as a Map would. */
  static fromPairs(pairs: Iterable<readonly [number, Fingerprint]>): FingerprintTable {
    const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
    return FingerprintTable.fromSorted(sorted.length, sorted);
  }

  /**
   * From at most `count` pairs in ascending key order, read one at a time (a database cursor), so
   * that none of them outlives its turn. Two units whose names hash alike (odds 2^-53) keep one
   * key, the last given.
   */
  static fromSorted(count: number, pairs: Iterable<readonly [number, Fingerprint]>): FingerprintTable {
    const keys = new Float64Array(count);
    const fps = new Float64Array(count);
    let n = 0;
    for (const [k, fp] of pairs) {
      if (n > 0 && keys[n - 1] === k) fps[n - 1] = fp;
      else if (n < count) {
        keys[n] = k;
        fps[n++] = fp;
      }
    }
    return new FingerprintTable(keys.subarray(0, n), fps.subarray(0, n));
  }

  get size(): number {
    return this.keys.length;
  }

  /** The position of `key`, or -1. */
  indexOf(key: number): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid]!;
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  keyAt(i: number): number {
    return this.keys[i]!;
  }

  fingerprintAt(i: number): Fingerprint {
    return this.fps[i]!;
  }

  get(key: number): Fingerprint | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.fps[i];
  }
}
