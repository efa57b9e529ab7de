import type { Argv } from "yargs";
import { DEFAULT_TABLE_LIMIT, FORMATS, QUERY_OPTIONS, type Format } from "../options.js";
import type { Db } from "../../index/db.js";
import { runsToJson, groupsToJson, operationOf } from "../../query/export.js";
import { STATUSES, UsageError, type QueryFilter, type Status } from "../../query/filters.js";
export { FORMATS, type Format };
import { queryGroups, type GroupRow } from "../../query/groups.js";
import { queryRuns, type Page, type RunRow } from "../../query/runs.js";
import { humanAgo, isoFromMicros, parseTimeArg } from "../../query/time.js";
import { locate, type GlobalArgs } from "../context.js";
import { renderCsv } from "../print/csv.js";
import { renderTable } from "../print/table.js";
import { resolveArchive, resolveOne } from "../resolve.js";
import { openFresh } from "../refresh.js";

export interface QueryArgs extends GlobalArgs {
  groups: boolean;
  tag: string[];
  label?: string | undefined;
  status: string[];
  op?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  inGroup?: string | undefined;
  deleted: boolean;
  archive?: string | undefined;
  format: Format;
  limit?: number | undefined;
  all: boolean;
  sort?: string | undefined;
  fullOp: boolean;
  refresh: boolean;
}

export function queryOptions<T>(y: Argv<T>) {
  return y.options(QUERY_OPTIONS);
}

export async function runQuery(args: QueryArgs, out: (s: string) => void): Promise<void> {
  validate(args);
  const ctx = locate(args);
  const db = await openFresh(ctx, args.refresh);
  try {
    const filter = buildFilter(db, args);
    const limit = args.all ? Infinity : (args.limit ?? (args.format === "table" ? DEFAULT_TABLE_LIMIT : Infinity));
    if (args.groups) printGroups(db, queryGroups(db, filter, args.sort, limit), args, out);
    else printRuns(db, queryRuns(db, filter, args.sort, limit), args, out);
  } finally {
    db.close();
  }
}

function validate(a: QueryArgs): void {
  if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 0)) {
    throw new UsageError("--limit takes a whole number");
  }
  for (const s of a.status) {
    if (!(STATUSES as readonly string[]).includes(s)) {
      throw new UsageError(`unknown status ${JSON.stringify(s)}; use one of: ${STATUSES.join(", ")}`);
    }
  }
  if (a.groups && (a.inGroup !== undefined || a.deleted || a.archive !== undefined)) {
    throw new UsageError("--in-group, --deleted and --archive apply to runs, not to --groups");
  }
  if (a.deleted && a.archive !== undefined) throw new UsageError("--deleted and --archive cannot be combined");
}

function buildFilter(db: Db, a: QueryArgs): QueryFilter {
  const containers = a.deleted ? ["trash", "legacy-deleted"] : a.archive !== undefined ? [resolveArchive(db, a.archive)] : ["active"];
  return {
    tags: a.tag,
    label: a.label,
    statuses: a.status as Status[],
    op: a.op,
    since: a.since === undefined ? undefined : parseTimeArg(a.since),
    until: a.until === undefined ? undefined : parseTimeArg(a.until),
    inGroup: a.inGroup === undefined ? undefined : resolveOne(db, a.inGroup, ["group"]).id,
    containers,
  };
}

function opCell(r: RunRow, a: QueryArgs): string {
  const op = operationOf(r, { fullOp: a.fullOp });
  return r.op_version === null ? op : `${op} v${r.op_version}`;
}

function printRuns(db: Db, { rows, total }: Page<RunRow>, a: QueryArgs, out: (s: string) => void): void {
  switch (a.format) {
    case "json":
      out(JSON.stringify(runsToJson(db, rows, { fullOp: a.fullOp }), null, 2) + "\n");
      return;
    case "jsonl":
      for (const r of runsToJson(db, rows, { fullOp: a.fullOp })) out(JSON.stringify(r) + "\n");
      return;
    case "csv":
      out(
        renderCsv(
          ["#", "name", "operation", "started", "status", "label", "id"],
          rows.map((r, i) => [i + 1, r.name, opCell(r, a), isoFromMicros(r.started), r.status, r.label, r.id]),
        ),
      );
      return;
    case "table":
      out(
        renderTable(
          ["#", "name", "operation", "started", "status", "label"],
          rows.map((r, i) => [String(i + 1), (r.name ?? r.id).slice(0, 5), opCell(r, a), humanAgo(r.started), r.status, r.label ?? ""]),
        ) + "\n",
      );
      if (rows.length < total) out(`Showing ${rows.length} of ${total} runs (use --all or --limit)\n`);
      return;
  }
}

function printGroups(db: Db, { rows, total }: Page<GroupRow>, a: QueryArgs, out: (s: string) => void): void {
  switch (a.format) {
    case "json":
      out(JSON.stringify(groupsToJson(db, rows), null, 2) + "\n");
      return;
    case "jsonl":
      for (const r of groupsToJson(db, rows)) out(JSON.stringify(r) + "\n");
      return;
    case "csv":
      out(
        renderCsv(
          ["#", "name", "operation", "started", "status", "label", "id"],
          rows.map((r, i) => [i + 1, r.name, r.operation, isoFromMicros(r.started), r.status, r.label, r.id]),
        ),
      );
      return;
    case "table":
      out(
        renderTable(
          ["#", "name", "operation", "started", "status", "label"],
          rows.map((r, i) => [String(i + 1), (r.name ?? r.id).slice(0, 5), r.operation ?? "", humanAgo(r.started), r.status, r.label ?? ""]),
        ) + "\n",
      );
      if (rows.length < total) out(`Showing ${rows.length} of ${total} groups (use --all or --limit)\n`);
      return;
  }
}
