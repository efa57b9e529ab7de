import type { Db } from "./db.js";

/** Compiled patterns by flags and source; `--where` uses a handful per query. */
const MAX_CACHED = 64;

/**
 * SQL functions the query layer relies on, registered on every connection openDb makes.
 * `catalog_regexp(source, flags, subject)` is `--where`'s `=~` (src/query/where/dialect.ts):
 * JavaScript RegExp syntax, unanchored, NULL for a NULL subject.
 */
export function registerSqlFunctions(db: Db): void {
  const cache = new Map<string, RegExp>();
  db.function("catalog_regexp", { deterministic: true }, (source: unknown, flags: unknown, subject: unknown) => {
    if (subject === null || subject === undefined) return null;
    const cacheKey = `${String(flags)}/${String(source)}`;
    let re = cache.get(cacheKey);
    if (!re) {
      if (cache.size >= MAX_CACHED) cache.clear();
      re = new RegExp(String(source), String(flags));
      cache.set(cacheKey, re);
    }
    return re.test(String(subject)) ? 1 : 0;
  });
}
