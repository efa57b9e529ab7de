/**
 * Every use of the index by the server, in one place: listings, one run or group, a group's
 * members, and the targeted index pass after a write. Nothing else under src/web opens the
 * database or calls the query layer, so when the query layer becomes asynchronous (a PostgreSQL
 * backend) only this module changes; its methods already return promises for that reason.
 *
 * Listings are the CLI's own (src/cli/listing.ts over src/query): the same filters, the same
 * `--where`, `--sort` and `--columns`, the same numbers, the same JSON.
 */
import { statSync } from "node:fs";
import { mayCreateDbDir, openForRead, type Context } from "../cli/context.js";
import { explainDbError } from "../cli/errors.js";
import { filtered, openListing, prepareListing } from "../cli/listing.js";
import type { Db } from "../index/db.js";
import { groupColumns, parseColumns, runColumns, type ColumnTable } from "../query/columns.js";
import { groupsToJson, runsToJson } from "../query/export.js";
import { getGroup, groupDirName, groupsByPrefix, type GroupRow } from "../query/groups.js";
import { getRun, runsByPrefix, type RunRow } from "../query/runs.js";
import type { Listing } from "../query/select.js";
import type { GroupJson, ListingPage, MembersPage, RunJson } from "./api-types.js";
import { HttpError } from "./http.js";
import type { ListingQuery } from "./params.js";

/**
 * A filtered listing's total is counted up to this many rows past the page (as the CLI counts
 * its "Showing 20 of N"); past it the page says "more than". Counting every match of a broad
 * filter at 100k runs costs several pages' time: ~100 ms for 10,000 tag matches here.
 */
export const COUNT_UP_TO = 1000;

export class IndexData {
  private db: Db | undefined;
  private ino = -1;

  constructor(readonly ctx: Context) {}

  /**
   * The read-only connection, reopened when the database file was replaced (`catalog reindex`
   * renames a new file over it; an open connection would keep reading the old one).
   */
  private conn(): Db {
    try {
      const ino = statSync(this.ctx.dbPath).ino;
      if (this.db === undefined || ino !== this.ino) {
        this.db?.close();
        this.db = undefined;
        this.db = openForRead(this.ctx);
        this.ino = ino;
      }
      return this.db;
    } catch (err) {
      throw new HttpError(503, explainDbError(err, this.ctx.dbPath).message);
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  async runs(q: ListingQuery): Promise<ListingPage<RunJson>> {
    const db = this.conn();
    const l = this.listing(db, q);
    if (l.kind !== "run") throw new Error("a run listing was asked for");
    const columns = q.columns === undefined ? undefined : parseColumns(q.columns, "run");
    return page(l.listing, q, filtered(q.args), (rows) => runsToJson(db, rows), columns && ((ids) => runColumns(db, ids, columns)));
  }

  async groups(q: ListingQuery): Promise<ListingPage<GroupJson>> {
    const db = this.conn();
    const l = this.listing(db, q);
    if (l.kind !== "group") throw new Error("a group listing was asked for");
    const columns = q.columns === undefined ? undefined : parseColumns(q.columns, "group");
    return page(l.listing, q, filtered(q.args), (rows) => groupsToJson(db, rows), columns && ((ids) => groupColumns(db, ids, columns)));
  }

  /** A run by id, or by a prefix of its id or name that only it has, in any container. */
  async run(idOrPrefix: string): Promise<RunJson | undefined> {
    const db = this.conn();
    const row = getRun(db, idOrPrefix) ?? only(runsByPrefix(db, idOrPrefix));
    return row === undefined ? undefined : runsToJson(db, [row], { fullOp: true })[0];
  }

  async group(idOrPrefix: string): Promise<GroupJson | undefined> {
    const db = this.conn();
    const row = this.groupRow(db, idOrPrefix);
    return row === undefined ? undefined : groupsToJson(db, [row])[0];
  }

  /** A group's active members as a run listing (`catalog query --in-group ID`), with the group. */
  async members(groupId: string, q: ListingQuery): Promise<MembersPage | undefined> {
    const db = this.conn();
    const row = this.groupRow(db, groupId);
    if (row === undefined) return undefined;
    const runs = await this.runs({ ...q, args: { ...q.args, inGroup: row.id } });
    return { ...runs, group: groupsToJson(db, [row])[0]! };
  }

  /** Which of these run ids the index holds (in any container). */
  async existingRuns(ids: readonly string[]): Promise<Set<string>> {
    const db = this.conn();
    return new Set(ids.filter((id) => getRun(db, id) !== undefined));
  }

  /** The dir a group's attr log is in, by its exact id. */
  async groupDir(id: string): Promise<string | undefined> {
    return groupDirName(this.conn(), id);
  }

  /** Indexes runs-dir entries just written, so the next read shows them (as the CLI's write commands do). */
  async indexWritten(entries: readonly string[]): Promise<void> {
    const { indexWritten } = await import("../index/after-write.js");
    try {
      await indexWritten(this.ctx.dbPath, this.ctx.runsDir, entries, mayCreateDbDir(this.ctx));
    } catch (err) {
      throw explainDbError(err, this.ctx.dbPath);
    }
  }

  private listing(db: Db, q: ListingQuery) {
    return openListing(db, prepareListing(q.args), q.sort, q.offset + q.limit);
  }

  private groupRow(db: Db, idOrPrefix: string): GroupRow | undefined {
    return getGroup(db, idOrPrefix) ?? only(groupsByPrefix(db, idOrPrefix));
  }
}

function only<R>(rows: readonly R[]): R | undefined {
  return rows.length === 1 ? rows[0] : undefined;
}

function page<R extends RunRow | GroupRow, J>(
  listing: Listing<R>,
  q: ListingQuery,
  isFiltered: boolean,
  toJson: (rows: readonly R[]) => J[],
  columns: ((ids: readonly string[]) => ColumnTable) | undefined,
): ListingPage<J> {
  const rows = listing.slice(q.offset, q.offset + q.limit);
  let total: number;
  let totalIsLowerBound = false;
  if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) {
    total = q.offset + rows.length;
  } else if (!isFiltered) {
    total = listing.count();
  } else {
    const cap = q.offset + q.limit + COUNT_UP_TO;
    total = listing.count(cap);
    if (total > cap) {
      total = cap;
      totalIsLowerBound = true;
    }
  }
  const table = columns?.(rows.map((r) => r.id));
  const cellsById = new Map(table?.rows.map((r) => [r.id, r.cells]));
  return {
    offset: q.offset,
    limit: q.limit,
    total,
    totalIsLowerBound,
    rows: toJson(rows),
    columns: table ? table.columns : null,
    cells: table ? rows.map((r) => cellsById.get(r.id) ?? table.columns.map(() => null)) : null,
  };
}
