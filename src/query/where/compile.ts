import type { Clause } from "../filters.js";
import type { CompareOp, Condition, Literal, Regex, Value, WhereExpr } from "./ast.js";
import type { Dialect } from "./dialect.js";
import { WhereSyntaxError } from "./errors.js";
import { startOfDayUs } from "./literals.js";
import { resolveName, VIEWS, type Field, type Section, type Target } from "./names.js";
import { bind, join, param, raw, sql } from "./sql.js";

/**
 * How membership tests (run_values, tags, attrs, groups) let SQLite find the rows. `index`:
 * `id IN (subquery)` over an index, which SQLite starts the query from; right when few rows match.
 * `scan`: the same tests as lookups by the row's id (`EXISTS`), which SQLite cannot start from;
 * right for the newest-first listing when many rows match, as it walks the timestamp index and
 * stops at the limit (query/where/plan.ts decides). Tests on run columns are the same in both,
 * and SQLite picks among their indexes itself (status and op_name ones end in (timestamp, id), so
 * an equality on them is walked in listing order).
 */
export type Plan = "index" | "scan";

export interface CompileOptions {
  /** what `(now)` and `(today)` mean, epoch ms; default the clock */
  readonly nowMs?: number;
  /** default `index` */
  readonly plan?: Plan;
}

/**
 * Compiles a parsed `--where` expression into a condition on the target's listing view
 * (`run_list` or `group_list`), to AND into its WHERE clause. Everything taken from the expression
 * is a bound parameter; names only choose among SQL written here. Semantics: docs/filters.md.
 */
export function compileWhere(expr: WhereExpr, target: Target, dialect: Dialect, options: CompileOptions = {}): Clause {
  return compileWhereWithInfo(expr, target, dialect, options).clause;
}

/**
 * What can bound the number of matches cheaply: for a test found through an index, a query
 * listing its matches (`leaf`), which can be counted with a LIMIT without reading them all; null
 * for a test only a scan can answer. AND takes the smallest bound, OR the sum.
 */
export type Estimate =
  | { readonly kind: "leaf"; readonly matches: Clause | null }
  | { readonly kind: "and" | "or"; readonly parts: readonly Estimate[] };

/**
 * A compiled condition; `estimate` is the tree of the index plan (plan.ts). `rest` is the
 * condition without its first indexed test that everything ANDs with (the one `andedLeaf` in
 * plan.ts picks), for rows already known to pass that test; null when there is no such test.
 */
export interface Compiled {
  readonly clause: Clause;
  readonly estimate: Estimate;
  readonly rest: Clause | null;
}

/** The same, with the estimate and the rest (see Compiled). */
export function compileWhereWithInfo(expr: WhereExpr, target: Target, dialect: Dialect, options: CompileOptions = {}): Compiled {
  if (expr.condition === null) return { clause: dialect.true, estimate: { kind: "leaf", matches: null }, rest: null };
  const c = new Compiler(expr.source, target, dialect, options.nowMs ?? Date.now(), options.plan ?? "index");
  return c.compile(expr.condition, false);
}

/** A value known when compiling: numbers (times and durations are µs) or text. */
interface Const {
  readonly kind: "const";
  readonly type: "number" | "text";
  /** null: an arithmetic result with no value (a division by zero) */
  readonly value: number | string | null;
  /** as written, for text columns compared with a number (`version == 2`) */
  readonly text: string;
  readonly pos: number;
}

type Operand =
  | Const
  | { readonly kind: "field"; readonly field: Field; readonly text: string; readonly pos: number }
  /** arithmetic over fields: a number, or NULL */
  | { readonly kind: "expr"; readonly num: Clause; readonly text: string; readonly pos: number };

/** A value per row as SQL, one expression per type it can have. */
export interface Views {
  readonly num?: Clause;
  readonly text?: Clause;
}

/** A predicate on one operand against constants. */
type Test =
  | { readonly kind: "compare"; readonly op: CompareOp; readonly value: Const }
  | { readonly kind: "in"; readonly negated: boolean; readonly items: readonly Const[] }
  | { readonly kind: "match"; readonly negated: boolean; readonly regex: Regex }
  | { readonly kind: "contains"; readonly negated: boolean; readonly text: string };

/** A test split by the type of the value it looks at: a value of neither type never matches. */
interface Branches {
  readonly num?: (x: Clause) => Clause;
  readonly text?: (x: Clause) => Clause;
}

const NEGATED: Readonly<Record<CompareOp, CompareOp>> = { "==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<" };
const MIRRORED: Readonly<Record<CompareOp, CompareOp>> = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
const SQL_OP: Readonly<Record<CompareOp, string>> = { "==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

/** A test that holds for values unlike the constants (`!=`, `not-in`, `!~`, not contains). */
function isNegative(test: Test): boolean {
  return test.kind === "compare" ? test.op === "!=" : test.negated;
}

/**
 * Equality-like tests (`==`, `!=`, `in`, `not-in`, `=~`, `!~`, contains) see a value of the other
 * type as different; order comparisons only compare numbers with numbers and text with text.
 */
function branches(test: Test, dialect: Dialect): Branches {
  const present = (x: Clause) => sql`${x} IS NOT NULL`;
  switch (test.kind) {
    case "compare": {
      const c = test.value;
      if (c.value === null) return {};
      const cmp = (x: Clause) => sql`${x} ${raw(SQL_OP[test.op])} ${bind(c.value)}`;
      if (test.op !== "!=") return c.type === "number" ? { num: cmp } : { text: cmp };
      return c.type === "number" ? { num: cmp, text: present } : { num: present, text: cmp };
    }
    case "in": {
      const nums = test.items.filter((c) => c.type === "number" && c.value !== null);
      const texts = test.items.filter((c) => c.type === "text");
      const list = (items: readonly Const[]) => join(items.map((c) => sql`${bind(c.value)}`), ", ");
      const member = (items: readonly Const[]) => (x: Clause) => sql`${x} ${raw(test.negated ? "NOT IN" : "IN")} (${list(items)})`;
      if (!test.negated) return { ...(nums.length > 0 && { num: member(nums) }), ...(texts.length > 0 && { text: member(texts) }) };
      return { num: nums.length > 0 ? member(nums) : present, text: texts.length > 0 ? member(texts) : present };
    }
    case "match": {
      const m = (x: Clause) => dialect.regex(x, test.regex);
      return test.negated ? { num: present, text: (x) => sql`NOT ${m(x)}` } : { text: m };
    }
    case "contains": {
      const m = (x: Clause) => dialect.contains(x, test.text);
      return test.negated ? { num: present, text: (x) => sql`NOT ${m(x)}` } : { text: m };
    }
  }
}

class Compiler {
  private readonly view: string;
  private readonly id: Clause;
  private readonly scan: boolean;
  /** the matches of the test compiled last, when an index finds them (see Estimate) */
  private matches: Clause | null = null;

  constructor(
    private readonly source: string,
    private readonly target: Target,
    private readonly dialect: Dialect,
    private readonly nowMs: number,
    plan: Plan,
  ) {
    this.view = VIEWS[target];
    this.id = raw(`${this.view}.id`);
    this.scan = plan === "scan";
  }

  /**
   * Rows whose id is in `subquery` (index plan), or for which `probe` — the same test correlated
   * to the row's id — finds a row (scan plan).
   */
  private member(subquery: Clause, probe: Clause): Clause {
    this.matches = subquery;
    return this.scan ? sql`EXISTS (${probe})` : sql`${this.id} IN (${subquery})`;
  }

  /** A condition, its Estimate and its rest (see Compiled). */
  compile(c: Condition, negated: boolean): Compiled {
    if (c.kind === "and" || c.kind === "or") {
      const left = this.compile(c.left, negated);
      const right = this.compile(c.right, negated);
      const isAnd = (c.kind === "and") !== negated;
      const both = (a: Clause, b: Clause) => sql`(${join([a, b], isAnd ? " AND " : " OR ", true)})`;
      const rest = !isAnd ? null : left.rest !== null ? both(left.rest, right.clause) : right.rest !== null ? both(left.clause, right.rest) : null;
      return { clause: both(left.clause, right.clause), estimate: { kind: isAnd ? "and" : "or", parts: [left.estimate, right.estimate] }, rest };
    }
    if (c.kind === "not") return this.compile(c.operand, !negated);
    this.matches = null;
    const clause = this.condition(c, negated);
    return { clause, estimate: { kind: "leaf", matches: this.matches }, rest: this.matches === null ? null : this.dialect.true };
  }

  private fail(pos: number, reason: string): never {
    throw new WhereSyntaxError(this.source, pos, reason);
  }

  /** `negated`: compile `not c`, pushed down to the comparisons (so `not a < 1` is `a >= 1`). */
  condition(c: Condition, negated: boolean): Clause {
    switch (c.kind) {
      case "and":
      case "or":
      case "not":
        return this.compile(c, negated).clause;
      case "compare":
        return this.compare(negated ? NEGATED[c.op] : c.op, this.operand(c.left, true), this.operand(c.right, false), c.pos);
      case "in-list": {
        const test: Test = { kind: "in", negated: c.negated !== negated, items: c.items.map((i) => this.literal(i)) };
        return this.test(this.operand(c.subject, true), test);
      }
      case "in-set":
        return this.membership(this.operand(c.set, false), this.operand(c.element, false), c.negated !== negated, c.pos);
      case "contains": {
        const subject = this.operand(c.subject, true);
        if (subject.kind === "field" && subject.field.kind === "set") return this.membership(subject, this.operand(c.element, false), negated, c.pos);
        const element = this.operand(c.element, false);
        if (element.kind !== "const") return this.fail(element.pos, "expected a text after contains");
        return this.test(subject, { kind: "contains", negated, text: this.asText(element) });
      }
      case "match": {
        const subject = this.operand(c.subject, true);
        const test: Test = { kind: "match", negated: c.negated !== negated, regex: c.regex };
        if (subject.kind === "field" && subject.field.kind === "set") return this.setMatch(subject.field, test);
        return this.test(subject, test);
      }
      case "text-match":
        return this.textMatch(c, negated);
    }
  }

  private literal(l: Literal): Const {
    return l.kind === "number"
      ? { kind: "const", type: "number", value: l.value, text: l.text, pos: l.pos }
      : { kind: "const", type: "text", value: l.value, text: l.value, pos: l.pos };
  }

  /** `bare`: a word that is no known name is a bare name (true) or text (false). */
  private operand(v: Value, bare: boolean): Operand {
    const number = (value: number | null, text: string): Const => ({ kind: "const", type: "number", value, text, pos: v.pos });
    switch (v.kind) {
      case "number":
        return number(v.value, v.text);
      case "string":
        return { kind: "const", type: "text", value: v.value, text: v.value, pos: v.pos };
      case "date":
      case "duration":
        return number(v.us, v.text);
      case "now":
        return number(this.nowMs * 1000, "(now)");
      case "today":
        return number(startOfDayUs(this.nowMs), "(today)");
      case "word": {
        const r = resolveName(v.key === undefined ? { text: v.text } : { text: v.text, key: v.key }, this.target, bare);
        if (r === null) return { kind: "const", type: "text", value: v.text, text: v.text, pos: v.pos };
        if ("error" in r) return this.fail(v.pos, r.error);
        return { kind: "field", field: r.field, text: v.text, pos: v.pos };
      }
      case "negate": {
        const o = this.operand(v.operand, bare);
        if (o.kind === "const") return number(o.value === null ? null : -this.asNumber(o), `-${o.text}`);
        return { kind: "expr", num: sql`(- ${this.numView(o)})`, text: `-${o.text}`, pos: v.pos };
      }
      case "arith": {
        const l = this.operand(v.left, bare);
        const r = this.operand(v.right, bare);
        if (l.kind === "const" && r.kind === "const") {
          const a = this.asNumber(l);
          const b = this.asNumber(r);
          return number(l.value === null || r.value === null ? null : fold(v.op, a, b), `${l.text} ${v.op} ${r.text}`);
        }
        const a = this.numView(l);
        const b = this.numView(r);
        const d = this.dialect;
        const num = v.op === "**" ? d.power(a, b) : v.op === "/" ? d.divide(a, b) : sql`(${a} ${raw(v.op)} ${b})`;
        return { kind: "expr", num, text: `${l.text} ${v.op} ${r.text}`, pos: v.pos };
      }
    }
  }

  private asNumber(c: Const): number {
    if (c.type !== "number") return this.fail(c.pos, `expected a number, found the text ${JSON.stringify(c.text)}`);
    return c.value as number;
  }

  private asText(c: Const): string {
    return c.type === "text" ? (c.value as string) : c.text;
  }

  private numView(o: Operand): Clause {
    if (o.kind === "expr") return o.num;
    if (o.kind === "const") {
      this.asNumber(o);
      return o.value === null ? raw("NULL") : param(o.value);
    }
    const num = this.views(o).num;
    if (!num) return this.fail(o.pos, `${o.text} is text, not a number`);
    return num;
  }

  private views(o: Operand): Views {
    if (o.kind === "expr") return { num: o.num };
    if (o.kind === "const") return o.value === null ? {} : o.type === "number" ? { num: param(o.value) } : { text: param(o.value) };
    if (o.field.kind === "set") return this.fail(o.pos, setHint(o.field.name));
    return fieldViews(o.field, this.target, this.dialect);
  }

  private compare(op: CompareOp, left: Operand, right: Operand, pos: number): Clause {
    if (left.kind === "const" && right.kind === "const") return constCompare(op, left, right) ? this.dialect.true : this.dialect.false;
    if (left.kind === "const") return this.compare(MIRRORED[op], right, left, pos);
    if (right.kind === "const") return this.test(left, { kind: "compare", op, value: right });
    const l = this.views(left);
    const r = this.views(right);
    const pairs = (sqlOp: string) =>
      [l.num && r.num ? sql`${l.num} ${raw(sqlOp)} ${r.num}` : null, l.text && r.text ? sql`${l.text} ${raw(sqlOp)} ${r.text}` : null].filter(
        (c): c is Clause => c !== null,
      );
    if (op !== "!=") {
      const parts = pairs(SQL_OP[op]);
      if (parts.length === 0) return this.fail(pos, `cannot compare ${left.text} with ${right.text}: one is text, the other a number`);
      return sql`(${join(parts, " OR ", true)})`;
    }
    // different: both present and not equal (a number and a text are different)
    const present = (v: Views) => sql`(${join([v.num, v.text].filter((c): c is Clause => c !== undefined).map((c) => sql`${c} IS NOT NULL`), " OR ")})`;
    const equal = pairs("=");
    const notEqual = equal.length === 0 ? this.dialect.true : sql`NOT coalesce(${join(equal, " OR ", true)}, ${this.dialect.false})`;
    return sql`(${present(l)} AND ${present(r)} AND ${notEqual})`;
  }

  /** A test of one operand against constants, through an index where the operand has one. */
  private test(o: Operand, test: Test): Clause {
    if (o.kind !== "field") return applyBranches(this.views(o), branches(test, this.dialect), this.dialect);
    const f = o.field;
    switch (f.kind) {
      case "set":
        return this.fail(o.pos, setHint(f.name));
      case "column": {
        const clause = applyBranches(this.views(o), branches(this.coerce(f, o.text, o.pos, test), this.dialect), this.dialect);
        if (f.indexed && !isNegative(test)) this.matches = sql`SELECT 1 FROM ${raw(this.view)} WHERE ${clause}`;
        return clause;
      }
      case "operation":
        return this.operationTest(this.coerce({ kind: "column", name: "operation", type: "text", sql: "" }, o.text, o.pos, test));
      case "value":
        return this.valueMembership(f.section, f.key, branches(test, this.dialect));
      case "attr":
        return this.attrMembership(f.key, branches(test, this.dialect));
      case "bare":
        return applyBranches(this.views(o), branches(test, this.dialect), this.dialect);
    }
  }

  /**
   * Constants compared with a built-in column take its type: a number is its written text for a
   * text column (`version == 2`), and a text against a number or time column is an error.
   */
  private coerce(f: Extract<Field, { kind: "column" }>, name: string, pos: number, test: Test): Test {
    const fix = (c: Const): Const => {
      if (f.type === "text") return c.type === "number" ? { ...c, type: "text", value: c.text } : c;
      if (c.type === "number") return c;
      return this.fail(
        c.pos,
        f.type === "time"
          ? `${name} is a time: compare it with a date (2024-06-01), (now), (today) or (now) - 2d`
          : `${name} is a number, not ${JSON.stringify(c.text)}`,
      );
    };
    if (test.kind === "compare") return { ...test, value: fix(test.value) };
    if (test.kind === "in") return { ...test, items: test.items.map(fix) };
    if (f.type !== "text") return this.fail(pos, `${name} is a ${f.type}; patterns and contains apply to text`);
    return test;
  }

  /** A run's operation is its op name, and `ns:name` as well where equality or a pattern is asked. */
  private operationTest(test: Test): Clause {
    const clause = this.operationClause(test);
    if (!isNegative(test)) this.matches = sql`SELECT 1 FROM run_list WHERE ${clause}`;
    return clause;
  }

  private operationClause(test: Test): Clause {
    const name = raw("run_list.op_name");
    if (test.kind === "match") {
      const full = this.dialect.fullOp(raw("run_list.op_ns"), name);
      const either = sql`(${this.dialect.regex(name, test.regex)} OR ${this.dialect.regex(full, test.regex)})`;
      return test.negated ? sql`NOT ${either}` : either;
    }
    const values = test.kind === "in" ? test.items : test.kind === "compare" && (test.op === "==" || test.op === "!=") ? [test.value] : null;
    if (values === null) return applyBranches({ text: name }, branches(test, this.dialect), this.dialect);
    // each value as an op name, or as `ns:name` split at one of its colons: plain column
    // equalities, so that SQLite finds them through runs_op
    const texts = values.map((c) => this.asText(c));
    const spellings: Clause[] = texts.length > 0 ? [sql`${name} IN (${join(texts.map(param), ", ")})`] : [];
    for (const t of texts) {
      for (let k = t.indexOf(":"); k >= 0; k = t.indexOf(":", k + 1)) {
        spellings.push(sql`(run_list.op_ns = ${bind(t.slice(0, k))} AND ${name} = ${bind(t.slice(k + 1))})`);
      }
    }
    const any = spellings.length === 0 ? this.dialect.false : sql`(${join(spellings, " OR ")})`;
    return isNegative(test) ? sql`NOT ${any}` : any;
  }

  /** Runs with a value of `section.key` passing the test: one run_values index range per type. */
  private valueMembership(section: Section, key: string, b: Branches): Clause {
    const range = (column: "num" | "text", test: (x: Clause) => Clause) =>
      sql`SELECT wv.run_id FROM run_values wv WHERE wv.section = ${bind(section)} AND wv.key = ${bind(key)} AND wv.${raw(column)} IS NOT NULL AND ${test(raw(`wv.${column}`))}`;
    const parts = [b.num ? range("num", b.num) : null, b.text ? range("text", b.text) : null].filter((c): c is Clause => c !== null);
    if (parts.length === 0) return this.dialect.false;
    // the probe reads the run's one row by primary key, not a range of the value indexes
    const views = { num: this.dialect.unindexed(raw("wv.num")), text: this.dialect.unindexed(raw("wv.text")) };
    const probe = sql`SELECT 1 FROM run_values wv WHERE wv.run_id = ${this.id} AND wv.section = ${bind(section)} AND wv.key = ${bind(key)} AND ${applyBranches(views, b, this.dialect)}`;
    return this.member(join(parts, " UNION ALL "), probe);
  }

  /** Owners whose user attribute `key` passes the test (current_attrs key index). */
  private attrMembership(key: string, b: Branches): Clause {
    const value = raw("wa.value_json");
    const views = { num: this.dialect.jsonNumber(value), text: this.dialect.jsonText(value) };
    const test = applyBranches(views, b, this.dialect);
    // the key index finds the owners of the key; the primary key's owner_kind prefix would read
    // every attribute of every run
    return this.member(
      sql`SELECT wa.owner_id FROM current_attrs wa WHERE wa.key = ${bind(key)} AND ${this.dialect.unindexed(raw("wa.owner_kind"))} = ${bind(this.target)} AND ${test}`,
      sql`SELECT 1 FROM current_attrs wa WHERE wa.owner_kind = ${bind(this.target)} AND wa.owner_id = ${this.id} AND wa.key = ${bind(key)} AND ${test}`,
    );
  }

  /** `set contains x`, `x in set`; `negated` for `x not-in set` and `not set contains x`. */
  private membership(set: Operand, element: Operand, negated: boolean, pos: number): Clause {
    if (set.kind !== "field" || set.field.kind !== "set") {
      return this.fail(set.pos, `${set.kind === "const" ? JSON.stringify(set.text) : "this"} is not a set; use tags${this.target === "run" ? " or groups" : " or ops"}`);
    }
    if (element.kind !== "const") return this.fail(element.kind === "field" ? element.pos : pos, "expected a text to look for");
    const value = this.asText(element);
    const inSet = this.setMembers(set.field.set, value.includes("*") ? { glob: value } : { equals: value });
    if (!negated) return inSet;
    this.matches = null;
    return sql`NOT ${inSet}`;
  }

  /** `set =~ re`: some element matches; `set !~ re`: none does. */
  private setMatch(set: Extract<Field, { kind: "set" }>, test: Extract<Test, { kind: "match" }>): Clause {
    const some = this.setMembers(set.set, { regex: test.regex });
    if (!test.negated) return some;
    this.matches = null;
    return sql`NOT ${some}`;
  }

  private setMembers(set: "tags" | "groups" | "ops", match: { equals: string } | { glob: string } | { regex: Regex }): Clause {
    const d = this.dialect;
    const test = (x: Clause) => ("glob" in match ? d.glob(x, match.glob) : "regex" in match ? d.regex(x, match.regex) : sql`${x} = ${bind(match.equals)}`);
    const owner = bind(this.target);
    switch (set) {
      case "tags": {
        if ("equals" in match) {
          const key = bind(`tag:${match.equals}`);
          return this.member(
            sql`SELECT wt.owner_id FROM current_attrs wt WHERE wt.key = ${key} AND wt.owner_kind = ${owner}`,
            sql`SELECT 1 FROM current_attrs wt WHERE wt.owner_kind = ${owner} AND wt.owner_id = ${this.id} AND wt.key = ${key}`,
          );
        }
        const tag = test(raw("substr(wt.key, 5)"));
        return this.member(
          sql`SELECT wt.owner_id FROM current_attrs wt WHERE wt.key >= 'tag:' AND wt.key < 'tag;' AND wt.owner_kind = ${owner} AND ${tag}`,
          sql`SELECT 1 FROM current_attrs wt WHERE wt.owner_kind = ${owner} AND wt.owner_id = ${this.id} AND wt.key >= 'tag:' AND wt.key < 'tag;' AND ${tag}`,
        );
      }
      case "groups": {
        const group = "equals" in match ? sql`wg.owner_id = ${bind(match.equals)}` : test(raw("wg.owner_id"));
        return this.member(
          sql`SELECT substr(wg.key, 5) FROM current_attrs wg WHERE wg.owner_kind = 'group' AND ${group} AND wg.key >= 'run:' AND wg.key < 'run;'`,
          sql`SELECT 1 FROM current_attrs wg WHERE wg.key = 'run:' || ${this.id} AND wg.owner_kind = 'group' AND ${group}`,
        );
      }
      case "ops": {
        const name = raw("wr.op_name");
        const op = sql`(${test(name)} OR ${test(d.fullOp(raw("wr.op_ns"), name))})`;
        return this.member(
          sql`SELECT wm.group_id FROM group_members wm JOIN runs wr ON wr.id = wm.run_id WHERE wm.state = 'active' AND ${op}`,
          sql`SELECT 1 FROM group_members wm JOIN runs wr ON wr.id = wm.run_id WHERE wm.group_id = ${this.id} AND wm.state = 'active' AND ${op}`,
        );
      }
    }
  }

  /** Gage's `--where TEXT`: the op name or the status equals it, or the label contains it. */
  private textMatch(c: Extract<Condition, { kind: "text-match" }>, negated: boolean): Clause {
    if (c.bareWord) {
      const r = resolveName({ text: c.text }, this.target, false);
      if (r !== null) return this.fail(c.pos, `${c.text} is a name: compare it (e.g. ${c.text} == …), or quote it to match the text`);
    }
    const d = this.dialect;
    const v = this.view;
    const op = this.target === "run" ? sql`${raw(`${v}.op_name`)} = ${bind(c.text)}` : sql`coalesce(${raw(`${v}.operation`)} = ${bind(c.text)}, ${d.false})`;
    const match = sql`(${op} OR ${raw(`${v}.status`)} = ${bind(c.text)} OR coalesce(${d.contains(raw(`${v}.label`), c.text)}, ${d.false}))`;
    return negated ? sql`NOT ${match}` : match;
  }
}

function applyBranches(views: Views, b: Branches, dialect: Dialect): Clause {
  const parts = [b.num && views.num ? b.num(views.num) : null, b.text && views.text ? b.text(views.text) : null].filter(
    (c): c is Clause => c !== null,
  );
  if (parts.length === 0) return dialect.false;
  return parts.length === 1 ? sql`(${parts[0]!})` : sql`(${join(parts, " OR ", true)})`;
}

function setHint(name: string): string {
  return `${name} is a set: use ${name} contains X, X in ${name}, X not-in ${name} or ${name} =~ PATTERN`;
}

function fold(op: string, a: number, b: number): number | null {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? null : a / b;
    default:
      return a ** b;
  }
}

function constCompare(op: CompareOp, a: Const, b: Const): boolean {
  if (a.value === null || b.value === null) return false;
  if (a.type !== b.type) return op === "!=";
  const x = a.value;
  const y = b.value;
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/**
 * A field's value per row of the target's view: direct columns, or point lookups by the row's id
 * (run_values' primary key, current_attrs' primary key). Also what `--sort` orders by.
 */
export function fieldViews(f: Exclude<Field, { kind: "set" }>, target: Target, dialect: Dialect): Views {
  const id = raw(`${VIEWS[target]}.id`);
  switch (f.kind) {
    case "column":
      return f.type === "text" ? { text: raw(f.sql) } : { num: raw(f.sql) };
    case "operation":
      return { text: raw("run_list.op_name") };
    case "value": {
      const lookup = (column: "num" | "text") =>
        sql`(SELECT wv.${raw(column)} FROM run_values wv WHERE wv.run_id = ${id} AND wv.section = ${bind(f.section)} AND wv.key = ${bind(f.key)})`;
      return { num: lookup("num"), text: lookup("text") };
    }
    case "attr": {
      const value = raw("wa.value_json");
      const lookup = (v: Clause) => sql`(SELECT ${v} FROM current_attrs wa WHERE wa.owner_kind = ${bind(target)} AND wa.owner_id = ${id} AND wa.key = ${bind(f.key)})`;
      return { num: lookup(dialect.jsonNumber(value)), text: lookup(dialect.jsonText(value)) };
    }
    case "bare": {
      // the first of config, metrics, attributes and attrs with a value for the key
      const value = raw("wa.value_json");
      const num = dialect.jsonNumber(value);
      const text = dialect.jsonText(value);
      const first = (column: "num" | "text") => sql`(SELECT wb.${raw(column)} FROM (
          SELECT CASE wv.section WHEN 'config' THEN 1 WHEN 'metrics' THEN 2 ELSE 3 END AS rank, wv.num AS num, wv.text AS text
            FROM run_values wv WHERE wv.run_id = ${id} AND wv.key = ${bind(f.key)}
          UNION ALL
          SELECT 4, ${num}, ${text} FROM current_attrs wa
           WHERE wa.owner_kind = 'run' AND wa.owner_id = ${id} AND wa.key = ${bind(f.key)} AND (${num} IS NOT NULL OR ${text} IS NOT NULL)
        ) wb ORDER BY wb.rank LIMIT 1)`;
      return { num: first("num"), text: first("text") };
    }
  }
}
