import type { Store } from "../../store/store.js";
import { compileWhereWithInfo, type Estimate, type Plan } from "./compile.js";
import { parseWhere } from "./parser.js";

/**
 * Matches from which the newest-first listing walks the timestamp index instead of starting from
 * the matches: sorting N matches costs ~N index reads, walking costs ~limit × runs / N. They cross
 * near √(20 × runs), about 1400 at 100k runs; the walk is the safer side of that at any size.
 */
export const WALK_FROM = 1000;

/**
 * Chooses how runWhere compiles `--where` for a run listing (see Plan). Only the default order
 * (newest first) with a limit can stop early on a walk, and only a condition with an indexed test
 * can start from its matches; between the two, an upper bound of the matches decides, from counts
 * capped at WALK_FROM of each indexed test (Estimate). SQLite only: PostgreSQL plans from its
 * statistics.
 */
export async function planRunWhere(store: Store, where: string | undefined, sort: string | undefined, limit: number): Promise<Plan> {
  if (where === undefined || store.dialect.name !== "sqlite") return "index";
  const expr = parseWhere(where);
  const walkable = (sort === undefined || sort === "-timestamp") && limit <= WALK_FROM;
  if (expr.condition === null || !walkable) return "index";
  const { estimate } = compileWhereWithInfo(expr, "run", store.dialect);
  return (await bound(store, estimate)) < WALK_FROM ? "index" : "scan";
}

/** An upper bound of the matches, capped at WALK_FROM; each index is read for at most that many. */
async function bound(store: Store, e: Estimate): Promise<number> {
  switch (e.kind) {
    case "leaf": {
      if (e.matches === null) return WALK_FROM;
      const row = await store.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM (${e.matches.sql} LIMIT ${WALK_FROM}) capped`, params: e.matches.params });
      return Number(row!.n);
    }
    case "and": {
      let least = WALK_FROM;
      for (const part of e.parts) {
        least = Math.min(least, await bound(store, part));
        if (least === 0) break;
      }
      return least;
    }
    case "or": {
      let sum = 0;
      for (const part of e.parts) sum += await bound(store, part);
      return Math.min(WALK_FROM, sum);
    }
  }
}
