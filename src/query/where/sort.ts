import { orderBy, UsageError, type Clause } from "../filters.js";
import { fieldViews } from "./compile.js";
import { sqliteDialect, type Dialect } from "./dialect.js";
import { tokenize } from "./lexer.js";
import { resolveName, type Target } from "./names.js";
import { join, raw, sql } from "./sql.js";

/**
 * ORDER BY for `--sort [-]NAME`. The fields of `allowed` keep the SQL `orderBy` gives them (the
 * default newest-first listing walks the (timestamp, id) index); any other name of `--where`
 * except a bare one (a typo would sort by nothing) and the sets (tags, groups, ops) orders by its
 * value: numbers before text, missing values last whatever the direction, ties by id in the same
 * direction.
 */
export function orderClause(sort: string | undefined, allowed: Readonly<Record<string, string>>, fallback: string, target: Target, dialect: Dialect = sqliteDialect): Clause {
  const spec = sort ?? fallback;
  const desc = spec.startsWith("-");
  const name = desc ? spec.slice(1) : spec;
  if (allowed[name] !== undefined) return raw(orderBy(spec, allowed, fallback, dialect));
  const refuse = (why: string): never => {
    throw new UsageError(`cannot sort by ${JSON.stringify(name)}: ${why}`);
  };
  const tokens = tokenize(name);
  const word = tokens[0]!;
  if (tokens.length !== 2 || word.kind !== "word") return refuse("not a name");
  const resolved = resolveName(word.key === undefined ? { text: word.text } : { text: word.text, key: word.key }, target, false);
  if (resolved === null) return refuse(`use one of ${Object.keys(allowed).join(", ")}, or config.KEY, metrics.KEY, attributes.KEY, attrs.KEY`);
  if ("error" in resolved) return refuse(resolved.error);
  const field = resolved.field;
  if (field.kind === "set") return refuse("it is a set");
  const views = fieldViews(field, target, dialect);
  const dir = raw(desc ? "DESC" : "ASC");
  const keys = [views.num, views.text].filter((c): c is Clause => c !== undefined).map((c) => sql`${c} ${dir} NULLS LAST`);
  return sql`${join(keys, ", ")}, id ${dir}`;
}
