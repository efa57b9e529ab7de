/**
 * `--columns`: the values of named columns for listed runs or groups, as data (the CLI formats
 * them as a table, CSV or JSONL), and `auto`, the columns that tell a sweep's runs apart.
 * Names are those of `--where` (docs/filters.md); a bare name shows the first of config, metrics,
 * attributes and attrs with a value, as `--where` reads it.
 *
 * The JSON arrays are the dialect's (json_array / jsonb_build_array); the views are the same on
 * both backends.
 */
import type { Dialect } from "../store/dialect.js";
import type { Store } from "../store/store.js";
import { UsageError, type Clause } from "./filters.js";
import { WhereSyntaxError } from "./where/errors.js";
import { tokenize } from "./where/lexer.js";
import { resolveName, sectionName, VIEWS, type Field, type Section, type Target } from "./where/names.js";
import { bind, join, raw, sql } from "./where/sql.js";

/** A cell: numbers stay numbers, booleans booleans; arrays and objects are JSON text; sets are lists. */
export type Cell = string | number | boolean | null | readonly string[];

export interface Column {
  readonly name: string;
  /** `time`: epoch µs; `value`: a config, summary or attribute value of any type; `list`: a set */
  readonly kind: "text" | "number" | "time" | "value" | "list";
}

export interface ColumnTable {
  readonly columns: readonly Column[];
  /** one row per id asked for that exists, in the order asked */
  readonly rows: readonly { readonly id: string; readonly cells: readonly Cell[] }[];
}

/** The word that stands for the auto columns in a list. */
export const AUTO = "auto";

/**
 * Splits `--columns` text (`name,operation,config.lr,metrics."a,b",auto`) into names, checking
 * each against the target's names. Throws WhereSyntaxError with the column of a bad name.
 */
export function parseColumns(text: string, target: Target): string[] {
  const tokens = tokenize(text);
  const names: string[] = [];
  let expectName = true;
  for (const t of tokens) {
    if (t.kind === "end") break;
    if (expectName && t.kind === "word") {
      if (t.text !== AUTO) fieldOf(t.key === undefined ? { text: t.text } : { text: t.text, key: t.key }, target, text, t.pos);
      else if (target === "group") throw new WhereSyntaxError(text, t.pos, "auto columns are for runs", "--columns");
      names.push(t.text);
      expectName = false;
    } else if (!expectName && t.kind === ",") {
      expectName = true;
    } else {
      throw new WhereSyntaxError(text, t.pos, expectName ? "expected a column name" : "expected , between column names", "--columns");
    }
  }
  if (expectName) throw new WhereSyntaxError(text, tokens[tokens.length - 1]!.pos, "expected a column name", "--columns");
  return names;
}

function fieldOf(name: { text: string; key?: string }, target: Target, source: string, pos: number): Field {
  const r = resolveName(name, target, true);
  if (r === null) throw new WhereSyntaxError(source, pos, "not a name", "--columns");
  if ("error" in r) throw new WhereSyntaxError(source, pos, r.error, "--columns");
  return r.field;
}

/** Parses one name as written in a column list. */
function field(name: string, target: Target): Field {
  const t = tokenize(name)[0]!;
  if (t.kind !== "word") throw new UsageError(`not a column name: ${JSON.stringify(name)}`);
  return fieldOf(t.key === undefined ? { text: t.text } : { text: t.text, key: t.key }, target, name, 0);
}

/** How one column is read: SQL for the values it needs, and how to turn those into a Cell. */
interface Reader {
  readonly column: Column;
  readonly sql: readonly Clause[];
  readonly cell: (values: readonly unknown[]) => Cell;
}

const first = (values: readonly unknown[]): Cell => values[0] as Cell;

/** [type, num, text] of a run_value_rows row, as JSON (null when the key is absent). */
function valueCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  const [type, num, text] = JSON.parse(v as string) as [string, number | null, string | null];
  if (type === "true" || type === "false") return type === "true";
  return num ?? text;
}

/** A user attribute's JSON value; arrays and objects stay JSON text. */
function attrCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  const value = JSON.parse(v as string) as unknown;
  return value !== null && typeof value === "object" ? (v as string) : (value as Cell);
}

function reader(d: Dialect, name: string, target: Target): Reader {
  const f = field(name, target);
  const id = raw(`${VIEWS[target]}.id`);
  const value = (section: Section, key: string) =>
    sql`(SELECT ${d.jsonArray([raw("wv.type"), raw("wv.num"), raw("wv.text")])} FROM run_value_rows wv WHERE wv.run_id = ${id} AND wv.section = ${bind(section)} AND wv.key = ${bind(key)})`;
  const attr = (key: string) => sql`(SELECT wa.value_json FROM current_attrs wa WHERE wa.owner_kind = ${bind(target)} AND wa.owner_id = ${id} AND wa.key = ${bind(key)})`;
  switch (f.kind) {
    case "column":
      return { column: { name, kind: f.type }, sql: [raw(f.sql)], cell: first };
    case "operation":
      return { column: { name, kind: "text" }, sql: [raw("run_list.op_name")], cell: first };
    case "value":
      return { column: { name, kind: "value" }, sql: [value(f.section, f.key)], cell: (v) => valueCell(v[0]) };
    case "attr":
      return { column: { name, kind: "value" }, sql: [attr(f.key)], cell: (v) => attrCell(v[0]) };
    case "bare":
      // the first of config, metrics, attributes and attrs with a value, as --where reads it
      return {
        column: { name, kind: "value" },
        sql: [value("config", f.key), value("metrics", f.key), value("attributes", f.key), attr(f.key)],
        cell: (v) => [valueCell(v[0]), valueCell(v[1]), valueCell(v[2]), attrCell(v[3])].find((c) => c !== null) ?? null,
      };
    case "set":
      return { column: { name, kind: "list" }, sql: [setSql(d, f.set, id, target)], cell: (v) => (v[0] === null ? [] : (JSON.parse(v[0] as string) as string[])) };
  }
}

function setSql(d: Dialect, set: "tags" | "groups" | "ops", id: Clause, target: Target): Clause {
  switch (set) {
    case "tags":
      return sql`(SELECT ${d.jsonAgg(raw("tag"))} FROM (SELECT substr(wt.key, 5) AS tag FROM current_attrs wt
                   WHERE wt.owner_kind = ${bind(target)} AND wt.owner_id = ${id} AND wt.key >= 'tag:' AND wt.key < 'tag;' ORDER BY 1) ts)`;
    case "groups":
      return sql`(SELECT ${d.jsonAgg(raw("owner_id"))} FROM (SELECT wg.owner_id FROM current_attrs wg
                   WHERE wg.owner_kind = 'group' AND wg.key = 'run:' || ${id} ORDER BY 1) gs)`;
    case "ops":
      return sql`(SELECT ${d.jsonAgg(raw("op"))} FROM (SELECT DISTINCT wr.op_name AS op FROM group_members wm JOIN runs wr ON wr.id = wm.run_id
                   WHERE wm.group_id = ${id} AND wm.state = 'active' ORDER BY 1) os)`;
  }
}

/** Batches of ids per query keep each JSON-array parameter modest (as export.ts does). */
const BATCH = 5000;

async function table(store: Store, target: Target, ids: readonly string[], names: readonly string[]): Promise<ColumnTable> {
  const readers = names.map((n) => reader(store.dialect, n, target));
  const view = raw(VIEWS[target]);
  const exprs = readers.flatMap((r) => r.sql);
  // each value under an alias of its own: c0, c1, …
  const select = join([sql`${view}.id AS id`, ...exprs.map((e, i) => sql`${e} AS ${raw(`c${i}`)}`)], ", ");
  const rows: { id: string; cells: Cell[] }[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    const among = store.dialect.inList(sql`${view}.id`, batch);
    const q = sql`SELECT ${select} FROM ${view} WHERE ${among}`;
    const found = new Map((await store.all<Record<string, unknown>>(q)).map((row) => [row["id"] as string, row]));
    for (const id of batch) {
      const row = found.get(id);
      if (!row) continue;
      let at = 0;
      const cells = readers.map((r) => {
        const mine = r.sql.map(() => row[`c${at++}`]);
        return r.cell(mine);
      });
      rows.push({ id, cells });
    }
  }
  return { columns: readers.map((r) => r.column), rows };
}

/** The named columns for these runs (`auto` expanded for them), rows in the order of `runIds`. */
export async function runColumns(store: Store, runIds: readonly string[], names: readonly string[]): Promise<ColumnTable> {
  const expanded: string[] = [];
  for (const n of names) expanded.push(...(n === AUTO ? await autoColumns(store, runIds) : [n]));
  return table(store, "run", runIds, expanded);
}

export async function groupColumns(store: Store, groupIds: readonly string[], names: readonly string[]): Promise<ColumnTable> {
  if (names.includes(AUTO)) throw new UsageError("auto columns are for runs");
  return table(store, "group", groupIds, names);
}

/**
 * The side-by-side view of a sweep, as `guild compare` gives it: the config keys whose values
 * differ between these runs (a key some runs lack, or hold as null, differs too), then every
 * metric key any of them has; each group sorted by key.
 */
export async function autoColumns(store: Store, runIds: readonly string[]): Promise<string[]> {
  const among = (column: string) => store.dialect.inList({ sql: column, params: [] }, runIds);
  const runs = among("id");
  const n = Number((await store.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM run_list WHERE ${runs.sql}`, params: runs.params }))!.n);
  const inRuns = among("run_id");
  const config = await store.all<{ key: string }>({
    sql: `SELECT key FROM run_values WHERE ${inRuns.sql} AND section = 'config'
           GROUP BY key HAVING count(*) < ? OR count(DISTINCT num) + count(DISTINCT text) > 1 ORDER BY key`,
    params: [...inRuns.params, n],
  });
  const metrics = await store.all<{ key: string }>({
    sql: `SELECT DISTINCT key FROM run_values WHERE ${inRuns.sql} AND section = 'metrics' ORDER BY key`,
    params: inRuns.params,
  });
  return [...config.map((r) => sectionName("config", r.key)), ...metrics.map((r) => sectionName("metrics", r.key))];
}
