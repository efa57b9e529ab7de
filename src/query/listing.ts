import type { Store } from "../store/store.js";
import { and, beforeClause, type Clause, type Order } from "./filters.js";
import type { Listing } from "./select.js";
import type { Candidates, ListingPlan, Plan } from "./where/index.js";

/** Rows a listing view shows; ids and names are what specs match. */
export interface ListedRow {
  readonly id: string;
  readonly name: string | null;
}

/** From this offset on, a slice finds its rows' ids first (see `slice`). */
const DEEP_OFFSET = 1000;

/** Counting rows before each row is quicker than numbering the whole listing, for a few rows. */
const COUNT_EACH_UP_TO = 32;

/** Candidates read per row a capped total must find (see `count`). */
const CANDIDATES_PER_ROW = 2;

export interface ViewListingOptions<R> {
  /** the condition to count with, when the page's differs (a --where plan that walks an index) */
  readonly countWhere?: Clause;
  /** for capped totals: ids a superset of the listing's, and the condition that picks among them */
  readonly candidates?: { readonly owners: Clause; readonly where: Clause } | null;
  /** the total without counting, when it is known (the unfiltered listing: run_counts) */
  readonly total?: () => Promise<number>;
  /** adjusts rows after reading (live-lock checks) */
  readonly fix?: (rows: R[]) => Promise<R[]>;
}

/**
 * The options a planned listing needs besides its page's condition: with a walk (`scan`), the
 * condition its total counts from the matches with, and the candidates a capped total can count
 * among. `whereOf` builds the listing's condition for a plan, without the test `omit` names.
 */
export function plannedOptions(p: ListingPlan, whereOf: (plan: Plan, omit?: Candidates["from"]) => Clause): Pick<ViewListingOptions<never>, "countWhere" | "candidates"> {
  return {
    // a count reads every match whatever the plan, so it starts from them
    ...(p.plan === "index" ? {} : { countWhere: whereOf("index") }),
    ...(p.candidates === null ? {} : { candidates: { owners: p.candidates.owners, where: whereOf(p.plan, p.candidates.from) } }),
  };
}

/**
 * A listing over a view (`run_list`, `group_list`), filtered and ordered in SQL, read a slice at a
 * time, so a number, a slice or a prefix costs an indexed lookup rather than the whole list.
 */
export function viewListing<R extends ListedRow>(store: Store, view: "run_list" | "group_list", where: Clause, order: Order<R>, o: ViewListingOptions<R> = {}): Listing<R> {
  const fix = o.fix ?? ((rows: R[]) => Promise.resolve(rows));
  const select = (c: Clause, tail: string, tailParams: readonly unknown[]) =>
    store.all<R>({ sql: `SELECT * FROM ${view} WHERE ${c.sql} ORDER BY ${order.by.sql} ${tail}`, params: [...c.params, ...order.by.params, ...tailParams] });
  // Counted in a subquery so that SQLite drops the view's label join, which it keeps inside an
  // aggregate: a third of a count's time.
  const countUpTo = async (c: Clause, cap: number | null) =>
    (await store.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM (SELECT id FROM ${view} WHERE ${c.sql} LIMIT ?) counted`, params: [...c.params, cap] }))!.n;
  const noLimit = store.dialect.noLimit;
  return {
    async slice(start, end) {
      if (end !== null && end - start <= 0) return [];
      const limit = end === null ? noLimit : end - start;
      if (start < DEEP_OFFSET) return fix(await select(where, "LIMIT ? OFFSET ?", [limit, start]));
      // Deep in the listing, the rows skipped are found by id alone (SQLite then drops the view's
      // label and move joins, and walks the sort's index), and only the page's rows are read
      // whole: 8× quicker for a page in the middle of 100k runs.
      const ids = `SELECT id FROM ${view} WHERE ${where.sql} ORDER BY ${order.by.sql} LIMIT ? OFFSET ?`;
      return fix(
        await store.all<R>({
          sql: `SELECT * FROM ${view} WHERE id IN (${ids}) ORDER BY ${order.by.sql}`,
          params: [...where.params, ...order.by.params, limit, start, ...order.by.params],
        }),
      );
    },
    async count(atMost) {
      if (o.total) return o.total();
      const counting = o.countWhere ?? where;
      if (atMost === undefined) return countUpTo(counting, noLimit);
      if (o.candidates) {
        // "More than atMost" is proven by that many rows among the first candidates, which spares
        // reading every match (20k ids for a common tag at 100k runs) when most candidates are
        // rows. They are tested by lookups by id, without the test they came from.
        const c = o.candidates;
        const among: Clause = { sql: `id IN (${c.owners.sql} LIMIT ?)`, params: [...c.owners.params, CANDIDATES_PER_ROW * (atMost + 1)] };
        const found = await countUpTo(and([c.where, among]), atMost + 1);
        if (found > atMost) return found;
      }
      return countUpTo(counting, atMost + 1);
    },
    async matching(prefix) {
      // Ranges rather than substr() so the id primary key and the name index answer; every
      // string starting with the prefix sorts between it and prefix + the last code point.
      const upper = `${prefix}\u{10FFFF}`;
      const match: Clause = { sql: "((id >= ? AND id < ?) OR (name >= ? AND name < ?))", params: [prefix, upper, prefix, upper] };
      return fix(await select(and([where, match]), "", []));
    },
    async numbers(rows) {
      const out = new Map<string, number>();
      const column = order.column;
      if (column && rows.length <= COUNT_EACH_UP_TO) {
        const counting = o.countWhere ?? where;
        for (const r of rows) out.set(r.id, 1 + (await countUpTo(and([counting, beforeClause(column.name, column.desc, r[column.name], r.id)]), noLimit)));
        return out;
      }
      const ids = store.dialect.inList({ sql: "id", params: [] }, rows.map((r) => r.id));
      const numbered = await store.all<{ id: string; n: number }>({
        sql: `SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY ${order.by.sql}) AS n FROM ${view} WHERE ${where.sql}) numbered WHERE ${ids.sql}`,
        params: [...order.by.params, ...where.params, ...ids.params],
      });
      for (const r of numbered) out.set(r.id, Number(r.n));
      return out;
    },
  };
}
