import type { Clause } from "../filters.js";
import type { Regex } from "./ast.js";
import { bind, raw, sql } from "./sql.js";

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
};
