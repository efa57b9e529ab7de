/** Statuses a run or group can have (docs/format.md, "Status"). */
export const STATUSES = ["running", "completed", "error", "terminated", "staged", "pending", "unknown"] as const;
export type Status = (typeof STATUSES)[number];

/** Filters of `catalog query`; they AND together (docs/cli.md). */
export interface QueryFilter {
  /** each must be present; `*` in a tag globs */
  readonly tags: readonly string[];
  /** substring of the label, case-sensitive as in Gage */
  readonly label?: string;
  readonly statuses: readonly Status[];
  /** op name, or `ns:name` */
  readonly op?: string;
  /** epoch µs: since inclusive, until exclusive */
  readonly since?: number;
  readonly until?: number;
  /** runs: members (any state) of this group id */
  readonly inGroup?: string;
  /** runs: which containers to show */
  readonly containers: readonly string[];
  /** a `--where` expression (docs/filters.md); "" is no filter */
  readonly where?: string;
  /** only rows with a copy in this source (a team database narrowed by `--runs-dir`) */
  readonly source?: SourceScope;
}

/**
 * True when the filter asks for nothing beyond containers: every other field unset or an empty
 * list, and `where` unset or "" (a `label` of "" still filters: it drops runs with no label).
 */
export function onlyContainers(f: QueryFilter): boolean {
  return Object.entries(f).every(([k, v]) => k === "containers" || v === undefined || (Array.isArray(v) && v.length === 0) || (k === "where" && v === ""));
}

export type { Clause } from "../store/sql.js";
import type { Dialect } from "../store/dialect.js";
import type { SourceScope } from "../store/store.js";
import type { Clause } from "../store/sql.js";
import type { Plan } from "./where/compile.js";

export function and(parts: readonly Clause[]): Clause {
  if (parts.length === 0) return { sql: "1 = 1", params: [] };
  return { sql: parts.map((p) => `(${p.sql})`).join(" AND "), params: parts.flatMap((p) => p.params) };
}

/**
 * The ids of the owners carrying a tag: `--tag` matches the whole tag text; with `*` it globs,
 * other glob characters stay literal. Read from the current_attrs key index (a few thousand rows).
 */
export function tagOwners(d: Dialect, ownerKind: "run" | "group", tag: string): Clause {
  if (!tag.includes("*")) {
    return { sql: "SELECT t.owner_id FROM current_attrs t WHERE t.key = ? AND t.owner_kind = ?", params: [`tag:${tag}`, ownerKind] };
  }
  const glob = d.glob({ sql: "t.key", params: [] }, `tag:${tag}`);
  return {
    sql: `SELECT t.owner_id FROM current_attrs t WHERE t.key >= 'tag:' AND t.key < 'tag;' AND ${glob.sql} AND t.owner_kind = ?`,
    params: [...glob.params, ownerKind],
  };
}

/**
 * `--tag` as a condition on a listing. The `index` plan (`id IN (…)`) starts from the tag's
 * owners; the `scan` plan looks the tag up by each row's id, for a newest-first page that walks
 * the listing's order and stops at its limit when the tag is common (query/where/plan.ts).
 */
export function tagClause(d: Dialect, ownerKind: "run" | "group", idColumn: string, tag: string, plan: Plan = "index"): Clause {
  if (plan === "index") {
    const owners = tagOwners(d, ownerKind, tag);
    return { sql: `${idColumn} IN (${owners.sql})`, params: owners.params };
  }
  if (!tag.includes("*")) {
    return { sql: `EXISTS (SELECT 1 FROM current_attrs t WHERE t.owner_kind = ? AND t.owner_id = ${idColumn} AND t.key = ?)`, params: [ownerKind, `tag:${tag}`] };
  }
  const glob = d.glob({ sql: "t.key", params: [] }, `tag:${tag}`);
  return {
    sql: `EXISTS (SELECT 1 FROM current_attrs t WHERE t.owner_kind = ? AND t.owner_id = ${idColumn} AND t.key >= 'tag:' AND t.key < 'tag;' AND ${glob.sql})`,
    params: [ownerKind, ...glob.params],
  };
}

export function inClause(column: string, values: readonly unknown[]): Clause {
  return { sql: `${column} IN (${values.map(() => "?").join(", ")})`, params: [...values] };
}

/**
 * `[-]field` → an ORDER BY over a fixed set of columns; nulls always last (SQLite puts them last
 * in a descending sort by itself), ties by id in the same direction — so the default newest-first
 * listing walks the (timestamp, id) index backwards and stops at the limit.
 */
export function orderBy(sort: string | undefined, allowed: Readonly<Record<string, string>>, fallback: string, d: Dialect): string {
  const spec = sort ?? fallback;
  const desc = spec.startsWith("-");
  const field = desc ? spec.slice(1) : spec;
  const column = Object.hasOwn(allowed, field) ? allowed[field] : undefined;
  if (column === undefined) {
    throw new UsageError(`cannot sort by ${JSON.stringify(field)}; use one of: ${Object.keys(allowed).join(", ")}`);
  }
  return d.orderColumn(column, desc);
}

/** A listing's order: its ORDER BY, and the plain column it sorts by, if it is one. */
export interface Order<R> {
  readonly by: Clause;
  /** a column of the view, also the row field holding its value (then a row's number can be counted) */
  readonly column?: { readonly name: keyof R & string; readonly desc: boolean };
}

/** The plain column `[-]field` sorts by, when it is one of `allowed`. */
export function sortColumn<R>(sort: string | undefined, allowed: Readonly<Record<string, keyof R & string>>, fallback: string): Order<R>["column"] {
  const spec = sort ?? fallback;
  const desc = spec.startsWith("-");
  const field = desc ? spec.slice(1) : spec;
  return Object.hasOwn(allowed, field) ? { name: allowed[field]!, desc } : undefined;
}

/** Rows that come before the row with this sort value and id, in the order of `orderBy`. */
export function beforeClause(column: string, desc: boolean, value: unknown, id: string): Clause {
  if (value === null || value === undefined) {
    return { sql: `(${column} IS NOT NULL OR id ${desc ? ">" : "<"} ?)`, params: [id] };
  }
  return { sql: `(${column} ${desc ? ">" : "<"} ? OR (${column} = ? AND id ${desc ? ">" : "<"} ?))`, params: [value, value, id] };
}

/** A problem with what the user asked for (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
