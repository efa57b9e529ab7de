/** `--where`, `--sort` by name: the library the CLI calls (docs/filters.md). */
import type { Clause } from "../filters.js";
import { compileWhere, compileWhereWithInfo, type CompileOptions } from "./compile.js";
import { sqliteDialect, type Dialect } from "./dialect.js";
import type { Target } from "./names.js";
import { parseWhere } from "./parser.js";

export type { Condition, Value, WhereExpr } from "./ast.js";
export { compileWhere, type CompileOptions, type Plan } from "./compile.js";
export { sqliteDialect, type Dialect } from "./dialect.js";
export { WhereSyntaxError } from "./errors.js";
export { BUILTIN_NAMES, sectionName, type Target } from "./names.js";
export { parseWhere } from "./parser.js";
export { GROUP_WALK_FROM, planListing, planRunWhere, WALK_FROM, type Candidates, type ListingPlan, type Narrowing } from "./plan.js";
export { orderClause } from "./sort.js";

/**
 * `--where TEXT` as a condition on the target's listing view (`run_list` / `group_list`), in the
 * dialect given (SQLite by default). Throws WhereSyntaxError (a UsageError) with the column of the problem.
 */
export function whereClause(text: string, target: Target, options: CompileOptions & { readonly dialect?: Dialect } = {}): Clause {
  return compileWhere(parseWhere(text), target, options.dialect ?? sqliteDialect, options);
}

/** The same without its first ANDed indexed test (Compiled.rest in compile.ts); null when it has none. */
export function whereRest(text: string, target: Target, options: CompileOptions & { readonly dialect?: Dialect } = {}): Clause | null {
  return compileWhereWithInfo(parseWhere(text), target, options.dialect ?? sqliteDialect, options).rest;
}
