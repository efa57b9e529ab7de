import type { Db } from "../index/db.js";
import { and, beforeClause, orderSql, type Clause, type Order } from "./filters.js";
import type { Listing } from "./select.js";

/** Rows a listing view shows; ids and names are what specs match. */
export interface ListedRow {
  readonly id: string;
  readonly name: string | null;
}

/** Counting rows before each row is quicker than numbering the whole listing, for a few rows. */
const COUNT_EACH_UP_TO = 32;

/**
 * A listing over a view (`run_list`, `group_list`), filtered and ordered in SQL, read a slice at a
 * time, so a number, a slice or a prefix costs an indexed lookup rather than the whole list.
 * `fix` adjusts rows after reading (live-lock checks).
 */
export function viewListing<R extends ListedRow>(
  db: Db,
  view: "run_list" | "group_list",
  where: Clause,
  order: Order<R>,
  fix: (rows: R[]) => R[] = (rows) => rows,
): Listing<R> {
  const ordered = orderSql(order);
  const countWhere = (c: Clause) => db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM ${view} WHERE ${c.sql}`).get(...c.params)!.n;
  return {
    slice(start, end) {
      const limit = end === null ? -1 : Math.max(0, end - start);
      if (limit === 0) return [];
      const rows = db.prepare<unknown[], R>(`SELECT * FROM ${view} WHERE ${where.sql} ORDER BY ${ordered} LIMIT ? OFFSET ?`).all(...where.params, limit, start);
      return fix(rows);
    },
    count: () => countWhere(where),
    matching(prefix) {
      // Ranges rather than substr() so the id primary key and the name index answer; every
      // string starting with the prefix sorts between it and prefix + the last code point.
      const upper = `${prefix}\u{10FFFF}`;
      const match: Clause = { sql: "((id >= ? AND id < ?) OR (name >= ? AND name < ?))", params: [prefix, upper, prefix, upper] };
      const c = and([where, match]);
      return fix(db.prepare<unknown[], R>(`SELECT * FROM ${view} WHERE ${c.sql} ORDER BY ${ordered}`).all(...c.params));
    },
    numbers(rows) {
      const out = new Map<string, number>();
      if (rows.length <= COUNT_EACH_UP_TO) {
        for (const r of rows) out.set(r.id, 1 + countWhere(and([where, beforeClause(order, r[order.column], r.id)])));
        return out;
      }
      const numbered = db
        .prepare<unknown[], { id: string; n: number }>(
          `SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY ${ordered}) AS n FROM ${view} WHERE ${where.sql})
            WHERE id IN (SELECT value FROM json_each(?))`,
        )
        .all(...where.params, JSON.stringify(rows.map((r) => r.id)));
      for (const r of numbered) out.set(r.id, r.n);
      return out;
    },
  };
}
