import type { Clause } from "./sql.js";
import type { Regex } from "../query/where/ast.js";
import { bind, join, raw, sql } from "./sql.js";

/**
 * Every SQL fragment the `--where` compiler emits that is not plain standard SQL. The compiler
 * builds the rest (comparisons, AND/OR/NOT, IN, subqueries, NULLS LAST) itself.
 *
 * A PostgreSQL dialect (through Kysely's Postgres driver) would emit, fragment by fragment:
 * - truth values: `TRUE` / `FALSE`;
 * - regex: `subject ~ $n` (`~*` for the i flag; `s` as `(?s)`, `m` as `(?n)` embedded options)
 *   — POSIX ARE rather than JavaScript syntax, so docs/filters.md's regex notes would change;
 * - contains: `strpos(haystack, $n) > 0`;
 * - glob: `subject LIKE $n ESCAPE '\'` with `*` → `%` and `%`, `_`, `\` escaped;
 * - power: `power(a, b)`; divide: `a::double precision / nullif(b, 0)`;
 * - JSON attribute values (current_attrs.value_json as jsonb): `CASE jsonb_typeof(v) WHEN
 *   'number' THEN (v #>> '{}')::double precision END` and `CASE jsonb_typeof(v) WHEN 'string'
 *   THEN v #>> '{}' WHEN 'boolean' THEN v::text WHEN 'array' THEN v::text WHEN 'object' THEN
 *   v::text END`;
 * - full op name: `ns || ':' || name` (the same);
 * - unindexed: the column itself (Postgres plans from statistics);
 * - placeholders: Kysely's `sql` template turns each `?` of a Clause into `$n`.
 * run_values would keep its two typed columns (num double precision, text), with the same
 * partial indexes, so the membership subqueries stay as they are.
 */
export interface Dialect {
  readonly name: string;
  readonly true: Clause;
  readonly false: Clause;
  /** `subject` matches `re` somewhere (not anchored); NULL when subject is NULL */
  regex(subject: Clause, re: Regex): Clause;
  /** `haystack` contains `needle`, case-sensitive; NULL when haystack is NULL */
  contains(haystack: Clause, needle: string): Clause;
  /** `subject` matches `pattern`, where `*` is any run of characters and everything else is literal */
  glob(subject: Clause, pattern: string): Clause;
  power(base: Clause, exponent: Clause): Clause;
  /** real division; NULL when dividing by zero */
  divide(a: Clause, b: Clause): Clause;
  /** a JSON-encoded attribute value as a number, NULL unless it is a JSON number */
  jsonNumber(json: Clause): Clause;
  /** the same as text: strings, `true`/`false`, arrays and objects as JSON text; NULL otherwise */
  jsonText(json: Clause): Clause;
  /** an op's `ns:name` */
  fullOp(ns: Clause, name: Clause): Clause;
  /** a column that the planner must not look up through an index (it picks a better one) */
  unindexed(column: Clause): Clause;

  // ---- beyond `--where`: what the rest of the query layer writes differently per backend ----

  /** `column` is one of `values` (a list of any length, bound as one parameter) */
  inList(column: Clause, values: readonly (string | number)[]): Clause;
  /** the LIMIT that means no limit */
  readonly noLimit: number | null;
  /** a JSON array of the values */
  jsonArray(values: readonly Clause[]): Clause;
  /** a JSON array of `value` over the rows of a group (an aggregate) */
  jsonAgg(value: Clause): Clause;
  /** ORDER BY a column, nulls last, then id in the same direction */
  orderColumn(column: string, desc: boolean): string;
  /** runs of `run_list` in these containers (`active`, `trash`, `legacy-deleted`, archive ids) */
  containers(containers: readonly string[]): Clause;
}

/**
 * SQLite. `catalog_regexp` is the JavaScript RegExp test that openDb registers on every
 * connection (src/index/sql-functions.ts); SQLite has no regular expressions of its own.
 */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  true: raw("1"),
  false: raw("0"),
  regex: (subject, re) => sql`catalog_regexp(${bind(re.source)}, ${bind(re.flags)}, ${subject})`,
  contains: (haystack, needle) => sql`instr(${haystack}, ${bind(needle)}) > 0`,
  // GLOB's own `?` and `[` are made literal, as `--tag` does (docs/decisions.md)
  glob: (subject, pattern) => sql`${subject} GLOB ${bind(pattern.replace(/[[?]/gu, (c) => `[${c}]`))}`,
  power: (base, exponent) => sql`pow(${base}, ${exponent})`,
  // SQLite divides integers as integers, and gives NULL for a division by zero
  divide: (a, b) => sql`(1.0 * ${a} / ${b})`,
  jsonNumber: (json) => sql`CASE json_type(${json}) WHEN 'integer' THEN ${json} ->> '$' WHEN 'real' THEN ${json} ->> '$' END`,
  jsonText: (json) =>
    sql`CASE json_type(${json}) WHEN 'text' THEN ${json} ->> '$' WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'array' THEN ${json} WHEN 'object' THEN ${json} END`,
  fullOp: (ns, name) => sql`${ns} || ':' || ${name}`,
  // SQLite's documented way to take a term out of index selection; without statistics its
  // planner would otherwise pick a primary-key prefix over the narrower index
  unindexed: (column) => sql`+${column}`,
  // a JSON array parameter read by json_each: one parameter for any number of values
  inList: (column, values) => sql`${column} IN (SELECT value FROM json_each(${bind(JSON.stringify(values))}))`,
  noLimit: -1,
  jsonArray: (values) => sql`json_array(${join(values, ", ")})`,
  jsonAgg: (value) => sql`json_group_array(${value})`,
  // SQLite puts nulls first ascending and last descending; written so that the default
  // newest-first listing walks the (timestamp, id) index backwards and stops at the limit
  orderColumn: (column, desc) => (desc ? `${column} DESC, id DESC` : `${column} IS NULL, ${column} ASC, id ASC`),
  containers: sqliteContainers,
};

/**
 * Runs of `run_list` in the given containers, decided without reading each run's row (a wide
 * row: fetching it per match made counts at 100k runs ~10× slower): the moves table's primary
 * key, and the runs_legacy partial index of legacy-deleted ids (read once, it is small). Active
 * runs are those without a move elsewhere, probed per run, so the newest-first page stops after a
 * few probes; other containers are found from their moves. The same rule as run_list.container:
 * legacy-deleted, else the newest move's container, else active.
 */
function sqliteContainers(containers: readonly string[]): Clause {
  const others = containers.filter((c) => c !== "active" && c !== "legacy-deleted");
  const notLegacy = "run_list.id NOT IN (SELECT id FROM runs WHERE legacy_deleted AND id IS NOT NULL)";
  const inList = (column: string, values: readonly string[]): Clause => ({ sql: `${column} IN (${values.map(() => "?").join(", ")})`, params: [...values] });
  const parts: Clause[] = [];
  if (containers.includes("active")) {
    const here = inList("wm.container", ["active", ...others]);
    parts.push({ sql: `NOT EXISTS (SELECT 1 FROM moves wm WHERE wm.run_id = run_list.id AND NOT (${here.sql})) AND ${notLegacy}`, params: here.params });
  } else if (others.length > 0) {
    const moved = inList("container", others);
    parts.push({ sql: `run_list.id IN (SELECT run_id FROM moves WHERE ${moved.sql}) AND ${notLegacy}`, params: moved.params });
  }
  if (containers.includes("legacy-deleted")) parts.push({ sql: "run_list.id IN (SELECT id FROM runs WHERE legacy_deleted)", params: [] });
  if (parts.length === 0) return { sql: "0", params: [] };
  return { sql: parts.map((p) => `(${p.sql})`).join(" OR "), params: parts.flatMap((p) => p.params) };
}

/**
 * PostgreSQL. Text columns of its schema are `COLLATE "C"` (migrations/postgres), so text
 * compares and sorts by code point as in SQLite. Regular expressions are PostgreSQL's own (POSIX
 * AREs), which agree with JavaScript's on the common syntax (docs/filters.md). `?` placeholders
 * become `$n` in the store (src/store/pg-store.ts).
 */
export const postgresDialect: Dialect = {
  name: "postgres",
  true: raw("TRUE"),
  false: raw("FALSE"),
  regex: (subject, re) => sql`(${subject} ${raw(re.flags.includes("i") ? "~*" : "~")} ${bind(re.source)})`,
  contains: (haystack, needle) => sql`strpos(${haystack}, ${bind(needle)}) > 0`,
  glob: (subject, pattern) => sql`${subject} LIKE ${bind(pattern.replace(/[\\%_]/gu, (c) => `\\${c}`).replaceAll("*", "%"))}`,
  power: (base, exponent) => sql`power(${base}, ${exponent})`,
  divide: (a, b) => sql`(${a}::double precision / nullif(${b}, 0))`,
  jsonNumber: (json) => sql`CASE jsonb_typeof(${json}::jsonb) WHEN 'number' THEN (${json}::jsonb #>> '{}')::double precision END`,
  jsonText: (json) =>
    sql`CASE jsonb_typeof(${json}::jsonb) WHEN 'string' THEN ${json}::jsonb #>> '{}' WHEN 'boolean' THEN ${json}::jsonb #>> '{}' WHEN 'array' THEN ${json}::text WHEN 'object' THEN ${json}::text END`,
  fullOp: (ns, name) => sql`${ns} || ':' || ${name}`,
  unindexed: (column) => column,
  // text values only (ids, containers, statuses), as one JSON array parameter
  inList: (column, values) => sql`${column} IN (SELECT jsonb_array_elements_text(${bind(JSON.stringify(values))}::jsonb))`,
  noLimit: null,
  jsonArray: (values) => sql`jsonb_build_array(${join(values, ", ")})::text`,
  jsonAgg: (value) => sql`coalesce(json_agg(${value}), '[]'::json)::text`,
  orderColumn: (column, desc) => (desc ? `${column} DESC NULLS LAST, id DESC` : `${column} ASC NULLS LAST, id ASC`),
  containers: (containers) => (containers.length === 0 ? raw("FALSE") : postgresDialect.inList(raw("container"), containers)),
};
