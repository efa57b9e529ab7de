import type { Store } from "../../store/store.js";
import { groupColumns, parseColumns, runColumns, type Cell, type ColumnTable } from "../../query/columns.js";
import { groupsToJson, operationOf, runsToJson } from "../../query/export.js";
import type { GroupRow } from "../../query/groups.js";
import type { RunRow } from "../../query/runs.js";
import { selectRows, type Listing, type Numbered } from "../../query/select.js";
import { humanAgo, isoFromMicros } from "../../query/time.js";
import { DEFAULT_TABLE_LIMIT, type QUERY_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { UsageError } from "../errors.js";
import { filtered, openListing, prepareListing } from "../listing.js";
import { renderCsv } from "../print/csv.js";
import { statusStyle } from "../print/style.js";
import { renderTable } from "../print/table.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

export type QueryArgs = ArgsOf<typeof QUERY_ARGS>;

const COLUMNS = ["#", "name", "operation", "started", "status", "label"];

/**
 * A filtered listing's "of N" is counted up to this many: counting every match of a broad filter
 * at 100k runs costs more than the whole page, so past it the table says "more than".
 */
const COUNT_UP_TO = 1000;

/** `catalog query`: the numbered listing, or the rows SPECs select from it. */
export async function runQuery(a: QueryArgs, io: Io): Promise<number> {
  if (a.limit !== undefined && a.all) throw new UsageError("--limit and --all cannot be combined");
  const req = prepareListing(a);
  const columns = a.columns === undefined ? undefined : parseColumns(a.columns, a.groups ? "group" : "run");
  const ctx = locate(a);
  const store = await openFresh(ctx, a.refresh, io.tty ? io.err : undefined);
  try {
    const limit = a.all ? Infinity : (a.limit ?? (a.format === "table" ? DEFAULT_TABLE_LIMIT : Infinity));
    const l = await openListing(store, req, a.sort, Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER);
    const exactTotal = !filtered(a);
    if (l.kind === "run") await printPage(store, await pageOf(l.listing, a.specs, limit, exactTotal), runView(a), a, columns, io, ctx.runsDir);
    else await printPage(store, await pageOf(l.listing, a.specs, limit, exactTotal), GROUP_VIEW, a, columns, io, ctx.runsDir);
    return 0;
  } finally {
    await store.close();
  }
}

interface Page<R> {
  readonly rows: Numbered<R>[];
  /** rows listed (or selected) in all; past `COUNT_UP_TO` for a filtered listing, "more than" it */
  readonly total: number;
  readonly selected: boolean;
}

/** The first `limit` rows of the listing, or of what the specs select from it. */
async function pageOf<R extends RunRow | GroupRow>(listing: Listing<R>, specs: readonly string[], limit: number, exactTotal: boolean): Promise<Page<R>> {
  if (specs.length > 0) {
    const picked = await selectRows(listing, specs);
    return { rows: picked.slice(0, limit), total: picked.length, selected: true };
  }
  const rows = (await listing.slice(0, Number.isFinite(limit) ? limit : null)).map((row, i) => ({ n: i + 1, row }));
  const total = rows.length < limit ? rows.length : exactTotal ? await listing.count() : await listing.count(COUNT_UP_TO);
  return { rows, total, selected: false };
}

/** Why there is nothing to show, instead of a bare header. */
function emptyMessage(what: "runs" | "groups", a: QueryArgs, runsDir: string): string {
  if (a.specs.length > 0) return `no ${what} match ${a.specs.join(" ")}`;
  const where = a.deleted ? " in the trash" : a.archive !== undefined ? ` in archive ${a.archive}` : "";
  const onlyPlace = !filtered({ ...a, deleted: false, archive: undefined });
  return onlyPlace ? `no ${what}${where} in ${runsDir}` : `no ${what}${where} match these filters`;
}

/** How one kind of row is shown: its listing cells and its JSON records. */
interface RowView<R> {
  readonly what: "runs" | "groups";
  readonly json: (store: Store, rows: readonly R[]) => Promise<object[]>;
  readonly columns: (store: Store, ids: readonly string[], names: readonly string[]) => Promise<ColumnTable>;
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
    json: (store, rows) => runsToJson(store, rows, { fullOp: a.fullOp }),
    columns: runColumns,
    cells: (r) => [r.name, op(r), r.started, r.status, r.label, r.id],
  };
}

const GROUP_VIEW: RowView<GroupRow> = {
  what: "groups",
  json: (store, rows) => groupsToJson(store, rows),
  columns: groupColumns,
  cells: (r) => [r.name, r.operation ?? "", r.started, r.status, r.label, r.id],
};

async function printPage<R extends { id: string }>(store: Store, page: Page<R>, view: RowView<R>, a: QueryArgs, columns: string[] | undefined, io: Io, runsDir: string): Promise<void> {
  if (page.rows.length === 0 && a.format === "table") {
    io.out(`${emptyMessage(view.what, a, runsDir)}\n`);
    return;
  }
  if (columns !== undefined) {
    printColumns(await view.columns(store, page.rows.map((p) => p.row.id), columns), page, a, io);
  } else {
    await printListing(store, page, view, a, io);
  }
  if (a.format === "table" && page.rows.length < page.total) {
    const of = !page.selected && page.total > COUNT_UP_TO ? `more than ${COUNT_UP_TO}` : String(page.total);
    io.out(`Showing ${page.rows.length} of ${of}${page.selected ? " selected" : ""} ${view.what} (use --all or --limit)\n`);
  }
}

async function printListing<R>(store: Store, page: Page<R>, view: RowView<R>, a: QueryArgs, io: Io): Promise<void> {
  const rows = page.rows.map((p) => p.row);
  switch (a.format) {
    case "json":
      io.out(JSON.stringify(await view.json(store, rows), null, 2) + "\n");
      return;
    case "jsonl":
      for (const r of await view.json(store, rows)) io.out(JSON.stringify(r) + "\n");
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
      const cells = page.rows.map(({ n, row }) => {
        const [name, op, started, status, label, id] = view.cells(row);
        return [String(n), (name ?? id).slice(0, 5), op, humanAgo(started), status, label ?? ""];
      });
      io.out(renderTable(COLUMNS, cells, { width: io.columns, gageDrops: true, ...(io.color ? { style: statusStyle } : {}) }) + "\n");
      return;
    }
  }
}

/**
 * `--columns`: the named columns, headed by their names exactly as given. Machine formats keep
 * numbers as numbers and times as ISO-8601 UTC; the table adds the listing number.
 */
function printColumns<R>(t: ColumnTable, page: Page<R>, a: QueryArgs, io: Io): void {
  const names = t.columns.map((c) => c.name);
  const machine = (c: Cell, kind: string): string | number | boolean | null | readonly string[] =>
    kind === "time" && typeof c === "number" ? isoFromMicros(c) : c;
  switch (a.format) {
    case "json":
    case "jsonl": {
      const records = t.rows.map((r) => Object.fromEntries(r.cells.map((c, i) => [names[i]!, machine(c, t.columns[i]!.kind)])));
      if (a.format === "json") io.out(JSON.stringify(records, null, 2) + "\n");
      else for (const r of records) io.out(JSON.stringify(r) + "\n");
      return;
    }
    case "csv":
      io.out(
        renderCsv(
          names,
          t.rows.map((r) =>
            r.cells.map((c, i) => {
              const v = machine(c, t.columns[i]!.kind);
              return typeof v === "boolean" || Array.isArray(v) ? JSON.stringify(v) : (v as string | number | null);
            }),
          ),
        ),
      );
      return;
    case "table": {
      const numbers = new Map(page.rows.map((p) => [(p.row as { id: string }).id, p.n]));
      const cells = t.rows.map((r) => [String(numbers.get(r.id) ?? ""), ...r.cells.map((c, i) => tableCell(c, t.columns[i]!.kind))]);
      io.out(renderTable(["#", ...names], cells, { width: io.columns, ...(io.color ? { style: statusStyle } : {}) }) + "\n");
      return;
    }
  }
}

/** A cell for people: times as ages, floats to 4 significant digits (as Gage's `%.4g`), sets joined. */
function tableCell(c: Cell, kind: string): string {
  if (c === null) return "";
  if (kind === "time" && typeof c === "number") return humanAgo(c);
  if (Array.isArray(c)) return c.join(", ");
  if (typeof c === "number") return Number.isInteger(c) ? String(c) : shortFloat(c);
  return String(c);
}

function shortFloat(x: number): string {
  const s = x.toPrecision(4);
  if (s.includes("e")) return s.replace(/\.?0+e/u, "e");
  return s.includes(".") ? s.replace(/\.?0+$/u, "") : s;
}
