import type { Db } from "../../index/db.js";
import { groupsToJson, operationOf, runsToJson } from "../../query/export.js";
import type { GroupRow } from "../../query/groups.js";
import type { RunRow } from "../../query/runs.js";
import { selectRows, type Listing, type Numbered } from "../../query/select.js";
import { humanAgo, isoFromMicros } from "../../query/time.js";
import { DEFAULT_TABLE_LIMIT, type QUERY_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { UsageError } from "../errors.js";
import { openListing, prepareListing, type ListingArgs } from "../listing.js";
import { renderCsv } from "../print/csv.js";
import { statusStyle } from "../print/style.js";
import { renderTable } from "../print/table.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

export type QueryArgs = ArgsOf<typeof QUERY_ARGS>;

const COLUMNS = ["#", "name", "operation", "started", "status", "label"];

/** `catalog query`: the numbered listing, or the rows SPECs select from it. */
export async function runQuery(a: QueryArgs, io: Io): Promise<number> {
  if (a.limit !== undefined && a.all) throw new UsageError("--limit and --all cannot be combined");
  const req = prepareListing(a);
  const ctx = locate(a);
  const db = await openFresh(ctx, a.refresh, io.tty ? io.err : undefined);
  try {
    const l = openListing(db, req, a.sort);
    const limit = a.all ? Infinity : (a.limit ?? (a.format === "table" ? DEFAULT_TABLE_LIMIT : Infinity));
    if (l.kind === "run") printPage(db, pageOf(l.listing, a.specs, limit), runView(a), a, io, ctx.runsDir);
    else printPage(db, pageOf(l.listing, a.specs, limit), GROUP_VIEW, a, io, ctx.runsDir);
    return 0;
  } finally {
    db.close();
  }
}

interface Page<R> {
  readonly rows: Numbered<R>[];
  /** rows listed (or selected) in all */
  readonly total: number;
  readonly selected: boolean;
}

/** The first `limit` rows of the listing, or of what the specs select from it. */
function pageOf<R extends RunRow | GroupRow>(listing: Listing<R>, specs: readonly string[], limit: number): Page<R> {
  if (specs.length > 0) {
    const picked = selectRows(listing, specs);
    return { rows: picked.slice(0, limit), total: picked.length, selected: true };
  }
  const rows = listing.slice(0, Number.isFinite(limit) ? limit : null).map((row, i) => ({ n: i + 1, row }));
  return { rows, total: rows.length < limit ? rows.length : listing.count(), selected: false };
}

/** Why there is nothing to show, instead of a bare header. */
function emptyMessage(what: "runs" | "groups", a: ListingArgs & { specs: string[] }, runsDir: string): string {
  if (a.specs.length > 0) return `no ${what} match ${a.specs.join(" ")}`;
  const filtered = a.tag.length > 0 || a.status.length > 0 || [a.label, a.op, a.since, a.until, a.inGroup].some((v) => v !== undefined);
  const where = a.deleted ? " in the trash" : a.archive !== undefined ? ` in archive ${a.archive}` : "";
  if (filtered) return `no ${what}${where} match these filters`;
  return `no ${what}${where} in ${runsDir}`;
}

/** How one kind of row is shown: its listing cells and its JSON records. */
interface RowView<R> {
  readonly what: "runs" | "groups";
  readonly json: (db: Db, rows: readonly R[]) => object[];
  /** name, operation, started (µs), status, label, id */
  readonly cells: (r: R) => readonly [string | null, string, number | null, string, string | null, string];
}

function runView(a: QueryArgs): RowView<RunRow> {
  const op = (r: RunRow) => {
    const name = operationOf(r, { fullOp: a.fullOp });
    return r.op_version === null ? name : `${name} v${r.op_version}`;
  };
  return {
    what: "runs",
    json: (db, rows) => runsToJson(db, rows, { fullOp: a.fullOp }),
    cells: (r) => [r.name, op(r), r.started, r.status, r.label, r.id],
  };
}

const GROUP_VIEW: RowView<GroupRow> = {
  what: "groups",
  json: (db, rows) => groupsToJson(db, rows),
  cells: (r) => [r.name, r.operation ?? "", r.started, r.status, r.label, r.id],
};

function printPage<R>(db: Db, page: Page<R>, view: RowView<R>, a: QueryArgs, io: Io, runsDir: string): void {
  const rows = page.rows.map((p) => p.row);
  switch (a.format) {
    case "json":
      io.out(JSON.stringify(view.json(db, rows), null, 2) + "\n");
      return;
    case "jsonl":
      for (const r of view.json(db, rows)) io.out(JSON.stringify(r) + "\n");
      return;
    case "csv":
      io.out(
        renderCsv(
          [...COLUMNS, "id"],
          page.rows.map(({ n, row }) => {
            const [name, op, started, status, label, id] = view.cells(row);
            return [n, name, op, isoFromMicros(started), status, label, id];
          }),
        ),
      );
      return;
    case "table": {
      if (page.rows.length === 0) {
        io.out(`${emptyMessage(view.what, a, runsDir)}\n`);
        return;
      }
      const cells = page.rows.map(({ n, row }) => {
        const [name, op, started, status, label, id] = view.cells(row);
        return [String(n), (name ?? id).slice(0, 5), op, humanAgo(started), status, label ?? ""];
      });
      io.out(renderTable(COLUMNS, cells, { width: io.columns, gageDrops: true, ...(io.color ? { style: statusStyle } : {}) }) + "\n");
      if (page.rows.length < page.total) {
        io.out(`Showing ${page.rows.length} of ${page.total}${page.selected ? " selected" : ""} ${view.what} (use --all or --limit)\n`);
      }
      return;
    }
  }
}
