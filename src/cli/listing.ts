/**
 * The listing a command's rows are numbered in (runs, or groups with -g) built from the shared
 * listing options, and picking rows from it with Gage's selection specs. `query`, `show` and the
 * commands that act on runs all go through here, so a number means the same row everywhere.
 */
import type { Store } from "../store/store.js";
import { findArchive } from "../query/archives.js";
import type { QueryFilter, Status } from "../query/filters.js";
import { allGroups, groupListing, type GroupRow } from "../query/groups.js";
import { runListing, type RunRow } from "../query/runs.js";
import { selectRows, type Listing, type Numbered } from "../query/select.js";
import { parseTimeSpan } from "../query/time.js";
import { whereClause } from "../query/where/index.js";
import type { LISTING_OPTIONS } from "./commands.js";
import { CliError, UsageError } from "./errors.js";
import { renderTable } from "./print/table.js";
import { localMinute } from "./print/text.js";
import type { OptionArgs } from "./spec.js";

export type ListingArgs = OptionArgs<typeof LISTING_OPTIONS>;

/** Listing options checked before any file is touched: times parsed, conflicts refused. */
export interface ListingRequest {
  readonly args: ListingArgs;
  readonly since: number | undefined;
  /** exclusive */
  readonly until: number | undefined;
}

export function prepareListing(a: ListingArgs): ListingRequest {
  if (a.groups && (a.inGroup !== undefined || a.deleted || a.archive !== undefined)) {
    throw new UsageError("--in-group, --deleted and --archive list runs; they cannot be combined with --groups");
  }
  if (a.deleted && a.archive !== undefined) throw new UsageError("--deleted and --archive cannot be combined: a run is in the trash or in an archive");
  const time = (option: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return parseTimeSpan(text);
    } catch (err) {
      throw new UsageError(`--${option}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // A syntax error is reported now, before the index is touched (with its caret: entry.ts).
  if (a.where !== undefined) whereClause(a.where, a.groups ? "group" : "run");
  return { args: a, since: time("since", a.since)?.start, until: time("until", a.until)?.end };
}

/** Whether any listing filter was given (the trash and an archive count as filters). */
export function filtered(a: ListingArgs): boolean {
  return a.tag.length > 0 || a.status.length > 0 || a.deleted || [a.label, a.op, a.since, a.until, a.inGroup, a.archive, a.where].some((v) => v !== undefined);
}

export type AnyListing = { readonly kind: "run"; readonly listing: Listing<RunRow> } | { readonly kind: "group"; readonly listing: Listing<GroupRow> };

/**
 * The listing the options describe, sorted by `sort` (`[-]NAME`); `pageSize` is how many rows the
 * caller reads first (it guides how a `--where` is planned).
 */
export async function openListing(store: Store, req: ListingRequest, sort: string | undefined, pageSize = 20): Promise<AnyListing> {
  const a = req.args;
  const base = {
    tags: a.tag,
    label: a.label,
    statuses: a.status as Status[],
    op: a.op,
    since: req.since,
    until: req.until,
    where: a.where,
    ...(store.scope === null ? {} : { source: store.scope }),
  };
  if (a.groups) return { kind: "group", listing: await groupListing(store, { ...base, containers: [] }, sort, pageSize) };
  const archive = a.archive === undefined ? undefined : await findArchive(store, a.archive);
  if (a.archive !== undefined && archive === undefined) {
    throw new CliError(`no archive named ${JSON.stringify(a.archive)}; Gage's \`gage archive --list\` shows them`);
  }
  const filter: QueryFilter = {
    ...base,
    containers: a.deleted ? ["trash", "legacy-deleted"] : archive ? [archive.id] : ["active"],
    inGroup: a.inGroup === undefined ? undefined : (await selectOne(allGroups(store), a.inGroup, "group")).row.id,
  };
  return { kind: "run", listing: await runListing(store, filter, sort, pageSize) };
}

/** The one row a spec picks; none or several is an error naming the candidates. */
export async function selectOne<R extends RunRow | GroupRow>(listing: Listing<R>, spec: string, what: "run" | "group"): Promise<Numbered<R>> {
  const rows = await selectRows(listing, [spec]);
  if (rows.length === 1) return rows[0]!;
  if (rows.length === 0) throw new CliError(`no ${what} matches ${JSON.stringify(spec)}; \`catalog query${what === "group" ? " -g" : ""}\` lists them with their numbers`);
  throw ambiguous(spec, what, rows);
}

/** `SPEC` matches several: the first ten as number, name, id, operation and start. */
export function ambiguous(spec: string, what: "run" | "group", rows: readonly Numbered<RunRow | GroupRow>[]): CliError {
  const cells = rows.slice(0, 10).map(({ n, row }) => [
    n > 0 ? String(n) : "-",
    row.name ?? "",
    row.id,
    "op_name" in row ? row.op_name : (row.operation ?? ""),
    row.started === null ? "" : localMinute(row.started),
  ]);
  const table = renderTable(["#", "name", "id", "operation", "started"], cells, { width: Infinity }).split("\n");
  if (rows.length > 10) table.push(`… and ${rows.length - 10} more`);
  return new CliError(
    `${JSON.stringify(spec)} matches ${rows.length} ${what}s; give its number or more of its id`,
    table.map((l) => `  ${l}`),
  );
}
