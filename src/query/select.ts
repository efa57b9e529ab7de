/**
 * Gage's run selection (docs/cli.md, "Selecting runs"): the rows of a filtered, sorted listing
 * are numbered 1..N, and a spec picks rows by number (`3`), by slice (`2:4`, as Gage reads
 * Python slices), or by id or name prefix. Specs are tried in that order, several specs select
 * the union, and selected rows keep their listing numbers. Works on any listing — runs or
 * groups — without loading it whole.
 */

/** A filtered, sorted listing, read in pieces. */
export interface Listing<R extends { readonly id: string }> {
  /** rows at 0-based positions [start, end) in listing order; `end` null: to the last row */
  slice(start: number, end: number | null): Promise<R[]>;
  /** rows in all; with `atMost`, counting stops past it (a result above it means "more") */
  count(atMost?: number): Promise<number>;
  /** rows whose id or name starts with `prefix`, in listing order */
  matching(prefix: string): Promise<R[]>;
  /** 1-based listing numbers of these rows (rows of this listing) */
  numbers(rows: readonly R[]): Promise<Map<string, number>>;
}

export interface Numbered<R> {
  readonly n: number;
  readonly row: R;
}

/** Python's `int(s)` on a spec: surrounding whitespace, a sign, underscores between digits. */
function pythonInt(spec: string): number | null {
  const s = spec.trim();
  if (!/^[+-]?\d+(_\d+)*$/u.test(s)) return null;
  const n = Number(s.replaceAll("_", ""));
  return Number.isSafeInteger(n) ? n : null;
}

/** Python's slice bounds for a list of `count` items. */
async function sliceBounds(start: number | null, end: number | null, count: () => Promise<number>): Promise<[number, number | null]> {
  const norm = async (i: number) => {
    const n = await count();
    return Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  };
  const s = start === null ? 0 : start < 0 ? await norm(start) : start;
  const e = end === null ? null : end < 0 ? await norm(end) : end;
  return [s, e];
}

const SLICE = /^(-?\d+)?:(-?\d+)?/u;

/** The rows one spec picks, first rule that answers wins (Gage's `run_select`). */
async function pickOne<R extends { readonly id: string }>(listing: Listing<R>, spec: string): Promise<{ rows: R[]; start?: number }> {
  const index = pythonInt(spec);
  if (index !== null && index >= 1) {
    const rows = await listing.slice(index - 1, index);
    if (rows.length === 1) return { rows, start: index - 1 };
  }
  const m = SLICE.exec(spec);
  if (m) {
    // A positive start is 1-based; 0 and negative starts and every end are Python's own.
    const rawStart = m[1] === undefined || m[1] === "" ? null : Number(m[1]);
    const rawEnd = m[2] === undefined || m[2] === "" ? null : Number(m[2]);
    const start = rawStart === null ? null : rawStart > 0 ? rawStart - 1 : rawStart;
    let cached: Promise<number> | null = null;
    const [s, e] = await sliceBounds(start, rawEnd, () => (cached ??= listing.count()));
    if (e !== null && e <= s) return { rows: [] };
    return { rows: await listing.slice(s, e), start: s };
  }
  return { rows: await listing.matching(spec) };
}

/** The union of what the specs pick, in listing order, each row with its listing number. */
export async function selectRows<R extends { readonly id: string }>(listing: Listing<R>, specs: readonly string[]): Promise<Numbered<R>[]> {
  const numbered = new Map<string, Numbered<R>>();
  const byPrefix = new Map<string, R>();
  for (const spec of specs) {
    const { rows, start } = await pickOne(listing, spec);
    rows.forEach((row, i) => {
      if (start !== undefined) numbered.set(row.id, { n: start + i + 1, row });
      else byPrefix.set(row.id, row);
    });
  }
  const rest = [...byPrefix.values()].filter((r) => !numbered.has(r.id));
  if (rest.length > 0) {
    const numbers = await listing.numbers(rest);
    for (const row of rest) numbered.set(row.id, { n: numbers.get(row.id)!, row });
  }
  return [...numbered.values()].sort((a, b) => a.n - b.n);
}
