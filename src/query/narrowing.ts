/**
 * The part of a listing's filter that an index can start from — `--tag` and `--where` — as
 * planListing weighs it (query/where/plan.ts) and as the run and group listings compile it.
 */
import type { Dialect } from "../store/dialect.js";
import { tagClause, tagOwners, type Clause, type QueryFilter } from "./filters.js";
import { whereClause, whereRest, type Candidates, type Narrowing, type Plan } from "./where/index.js";

/** What planListing weighs of a filter: its tags' owners and its `--where`. */
export function narrowingOf(d: Dialect, target: "run" | "group", f: QueryFilter): Narrowing {
  return { tagOwners: f.tags.map((t) => tagOwners(d, target, t)), where: f.where === "" ? undefined : f.where };
}

/**
 * `--tag` and `--where` as conditions on a listing (`idColumn`: its view's id), compiled for
 * `plan`; `omit` leaves out the test a capped total's candidates came from (Candidates in
 * query/where/plan.ts), which every one of them passes.
 */
export function narrowingParts(d: Dialect, target: "run" | "group", idColumn: string, f: QueryFilter, plan: Plan, omit?: Candidates["from"]): Clause[] {
  const parts = (omit === "tag" ? f.tags.slice(1) : f.tags).map((tag) => tagClause(d, target, idColumn, tag, plan));
  if (f.where !== undefined && f.where !== "") {
    const o = { plan, dialect: d };
    parts.push((omit === "where" ? whereRest(f.where, target, o) : null) ?? whereClause(f.where, target, o));
  }
  return parts;
}
