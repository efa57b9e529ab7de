import type { Clause } from "../../store/sql.js";
import type { Store } from "../../store/store.js";
import { compileWhereWithInfo, type Estimate, type Plan } from "./compile.js";
import type { Target } from "./names.js";
import { parseWhere } from "./parser.js";

/**
 * Matches from which the newest-first run listing walks the timestamp index instead of starting
 * from the matches: sorting N matches costs ~N index reads, walking costs ~limit × runs / N. They
 * cross near √(20 × runs), about 1400 at 100k runs; the walk is the safer side of that at any size.
 */
export const WALK_FROM = 1000;

/**
 * The same for the group listing, which walks group_state's start index: a tenth as many groups
 * as runs put the crossing near √(20 × groups), ~450 at 100k runs.
 */
export const GROUP_WALK_FROM = 300;

/** What a listing is filtered by that an index could start from. */
export interface Narrowing {
  /** the owners of each `--tag` (filters.ts tagOwners) */
  readonly tagOwners: readonly Clause[];
  readonly where: string | undefined;
}

export interface ListingPlan {
  readonly plan: Plan;
  /** on a walk, where a capped total can count from (see Candidates) */
  readonly candidates: Candidates | null;
}

/**
 * The matches of one indexed test every row of the listing passes (a superset of the listing):
 * the first `--tag`'s owners, or the first indexed test the `--where` ANDs with. A capped total
 * counts the rows among the first of them, testing the rest of the filter only.
 */
export interface Candidates {
  readonly owners: Clause;
  readonly from: "tag" | "where";
}

/**
 * Chooses how a listing compiles `--tag` and `--where` (see Plan). Only the default order (newest
 * first) with a limit can stop early on a walk, and only a condition with an indexed test can
 * start from its matches; between the two, an upper bound of the matches decides, from counts
 * capped at the walk threshold of each indexed test (Estimate). SQLite only: PostgreSQL plans
 * from its statistics.
 */
export async function planListing(store: Store, target: Target, n: Narrowing, sort: string | undefined, limit: number): Promise<ListingPlan> {
  const byIndex: ListingPlan = { plan: "index", candidates: null };
  if (store.dialect.name !== "sqlite") return byIndex;
  const walkFrom = target === "run" ? WALK_FROM : GROUP_WALK_FROM;
  const newestFirst = sort === undefined || sort === "-timestamp" || (target === "group" && sort === "-started");
  if (!newestFirst || limit > walkFrom) return byIndex;
  const parts: Estimate[] = n.tagOwners.map((matches) => ({ kind: "leaf", matches }));
  if (n.where !== undefined) {
    const expr = parseWhere(n.where);
    if (expr.condition !== null) parts.push(compileWhereWithInfo(expr, target, store.dialect).estimate);
  }
  if (parts.length === 0) return byIndex;
  if ((await bound(store, { kind: "and", parts }, walkFrom)) < walkFrom) return byIndex;
  const first = n.tagOwners[0];
  if (first !== undefined) return { plan: "scan", candidates: { owners: first, from: "tag" } };
  const leaf = andedLeaf(parts[0]!);
  return { plan: "scan", candidates: leaf === null ? null : { owners: leaf, from: "where" } };
}

/** planListing's plan for a run listing filtered by `--where` alone. */
export async function planRunWhere(store: Store, where: string | undefined, sort: string | undefined, limit: number): Promise<Plan> {
  return (await planListing(store, "run", { tagOwners: [], where }, sort, limit)).plan;
}

/** The matches of the first indexed test the whole condition ANDs with (Compiled.rest's). */
function andedLeaf(e: Estimate): Clause | null {
  if (e.kind === "leaf") return e.matches;
  if (e.kind === "or") return null;
  for (const part of e.parts) {
    const leaf = andedLeaf(part);
    if (leaf !== null) return leaf;
  }
  return null;
}

/** An upper bound of the matches, capped at `cap`; each index is read for at most that many. */
async function bound(store: Store, e: Estimate, cap: number): Promise<number> {
  switch (e.kind) {
    case "leaf": {
      if (e.matches === null) return cap;
      const row = await store.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM (${e.matches.sql} LIMIT ${cap}) capped`, params: e.matches.params });
      return Number(row!.n);
    }
    case "and": {
      let least = cap;
      for (const part of e.parts) {
        least = Math.min(least, await bound(store, part, cap));
        if (least === 0) break;
      }
      return least;
    }
    case "or": {
      let sum = 0;
      for (const part of e.parts) sum += await bound(store, part, cap);
      return Math.min(cap, sum);
    }
  }
}
