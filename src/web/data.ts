/**
 * Every use of the index by the server, in one place: listings, one run or group, a group's
 * members, and the targeted index pass after a write. Nothing else under src/web opens the
 * database or calls the query layer; it reads through the query layer's Store, so the page works
 * on a SQLite file and on a team database alike (docs/team.md).
 *
 * Listings are the CLI's own (src/cli/listing.ts over src/query): the same filters, the same
 * `--where`, `--sort` and `--columns`, the same numbers, the same JSON.
 */
import { statSync } from "node:fs";
import { indexTargetOf, mayCreateDbDir, openStore, type Context } from "../cli/context.js";
import { explainDbError } from "../cli/errors.js";
import { filtered, openListing, prepareListing } from "../cli/listing.js";
import { groupColumns, parseColumns, runColumns, type ColumnTable } from "../query/columns.js";
import { groupsToJson, runDetailJson, runsToJson } from "../query/export.js";
import { getGroup, groupDirName, groupsByPrefix, type GroupRow } from "../query/groups.js";
import { getRun, runsByPrefix, type RunRow } from "../query/runs.js";
import type { Listing } from "../query/select.js";
import type { Store } from "../store/store.js";
import type { GroupJson, ListingPage, MembersPage, RunDetailJson, RunJson } from "./api-types.js";
import { HttpError } from "./http.js";
import type { ListingQuery } from "./params.js";

/**
 * A filtered listing's total is counted up to this many rows past the page (as the CLI counts
 * its "Showing 20 of N"); past it the page says "more than". Counting every match of a broad
 * filter at 100k runs costs several pages' time: ~100 ms for 10,000 tag matches here.
 */
export const COUNT_UP_TO = 1000;

export class IndexData {
  private store: Store | undefined;
  private ino = -1;

  constructor(readonly ctx: Context) {}

  /**
   * The read-only store, reopened when a SQLite file was replaced (`catalog reindex` renames a
   * new file over it; an open connection would keep reading the old one). A team database is
   * one connection pool for the server's life.
   */
  private async conn(): Promise<Store> {
    try {
      const ino = this.ctx.backend === "sqlite" ? statSync(this.ctx.dbPath).ino : 0;
      if (this.store === undefined || ino !== this.ino) {
        const old = this.store;
        this.store = undefined;
        await old?.close();
        this.store = await openStore(this.ctx);
        this.ino = ino;
      }
      return this.store;
    } catch (err) {
      throw new HttpError(503, explainDbError(err, this.ctx.dbLabel).message);
    }
  }

  async close(): Promise<void> {
    const old = this.store;
    this.store = undefined;
    await old?.close();
  }

  async runs(q: ListingQuery): Promise<ListingPage<RunJson>> {
    const store = await this.conn();
    const l = await this.listing(store, q);
    if (l.kind !== "run") throw new Error("a run listing was asked for");
    const columns = q.columns === undefined ? undefined : parseColumns(q.columns, "run");
    return page(l.listing, q, filtered(q.args), (rows) => runsToJson(store, rows), columns && ((ids) => runColumns(store, ids, columns)));
  }

  async groups(q: ListingQuery): Promise<ListingPage<GroupJson>> {
    const store = await this.conn();
    const l = await this.listing(store, q);
    if (l.kind !== "group") throw new Error("a group listing was asked for");
    const columns = q.columns === undefined ? undefined : parseColumns(q.columns, "group");
    return page(l.listing, q, filtered(q.args), (rows) => groupsToJson(store, rows), columns && ((ids) => groupColumns(store, ids, columns)));
  }

  /** A run by id, or by a prefix of its id or name that only it has, in any container. */
  async run(idOrPrefix: string): Promise<RunDetailJson | undefined> {
    const store = await this.conn();
    const row = (await getRun(store, idOrPrefix)) ?? only(await runsByPrefix(store, idOrPrefix));
    return row === undefined ? undefined : await runDetailJson(store, row);
  }

  async group(idOrPrefix: string): Promise<GroupJson | undefined> {
    const store = await this.conn();
    const row = await this.groupRow(store, idOrPrefix);
    return row === undefined ? undefined : (await groupsToJson(store, [row]))[0];
  }

  /** A group's active members as a run listing (`catalog query --in-group ID`), with the group. */
  async members(groupId: string, q: ListingQuery): Promise<MembersPage | undefined> {
    const store = await this.conn();
    const row = await this.groupRow(store, groupId);
    if (row === undefined) return undefined;
    const runs = await this.runs({ ...q, args: { ...q.args, inGroup: row.id } });
    return { ...runs, group: (await groupsToJson(store, [row]))[0]! };
  }

  /** Which of these run ids the index holds (in any container). */
  async existingRuns(ids: readonly string[]): Promise<Set<string>> {
    const store = await this.conn();
    const found = await Promise.all(ids.map(async (id) => ((await getRun(store, id)) === undefined ? null : id)));
    return new Set(found.filter((id): id is string => id !== null));
  }

  /** The dir a group's attr log is in, by its exact id (on a team database, in this runs dir). */
  async groupDir(id: string): Promise<string | undefined> {
    const store = await this.conn();
    return groupDirName(store, id, store.scope);
  }

  /** Indexes runs-dir entries just written, so the next read shows them (as the CLI's write commands do). */
  async indexWritten(entries: readonly string[]): Promise<void> {
    const { indexWritten } = await import("../index/after-write.js");
    const target = await indexTargetOf(this.ctx, "catalog serve", mayCreateDbDir(this.ctx));
    try {
      await indexWritten(target, entries);
    } catch (err) {
      throw explainDbError(err, this.ctx.dbLabel);
    } finally {
      await target.close();
    }
  }

  private listing(store: Store, q: ListingQuery) {
    return openListing(store, prepareListing(q.args), q.sort, q.offset + q.limit);
  }

  private async groupRow(store: Store, idOrPrefix: string): Promise<GroupRow | undefined> {
    return (await getGroup(store, idOrPrefix)) ?? only(await groupsByPrefix(store, idOrPrefix));
  }
}

function only<R>(rows: readonly R[]): R | undefined {
  return rows.length === 1 ? rows[0] : undefined;
}

async function page<R extends RunRow | GroupRow, J>(
  listing: Listing<R>,
  q: ListingQuery,
  isFiltered: boolean,
  toJson: (rows: readonly R[]) => Promise<J[]>,
  columns: ((ids: readonly string[]) => Promise<ColumnTable>) | undefined,
): Promise<ListingPage<J>> {
  const rows = await listing.slice(q.offset, q.offset + q.limit);
  let total: number;
  let totalIsLowerBound = false;
  if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) {
    total = q.offset + rows.length;
  } else if (!isFiltered) {
    total = await listing.count();
  } else {
    const cap = q.offset + q.limit + COUNT_UP_TO;
    total = await listing.count(cap);
    if (total > cap) {
      total = cap;
      totalIsLowerBound = true;
    }
  }
  const table = await columns?.(rows.map((r) => r.id));
  const cellsById = new Map(table?.rows.map((r) => [r.id, r.cells]));
  return {
    offset: q.offset,
    limit: q.limit,
    total,
    totalIsLowerBound,
    rows: await toJson(rows),
    columns: table ? table.columns : null,
    cells: table ? rows.map((r) => cellsById.get(r.id) ?? table.columns.map(() => null)) : null,
  };
}
