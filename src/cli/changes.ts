/**
 * What the write commands (`group`, `tag`, `label`, `comment`) share: picking targets with the
 * run selection and the listing options, asking before changing several, writing attr-log
 * entries (or printing them with `--dry-run`), then indexing what was written so that the index
 * reflects the change when the command returns (docs/writing.md).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SourceScope, Store } from "../store/store.js";
import { groupDirName, groupsByPrefix, type GroupRow } from "../query/groups.js";
import { hasCopyIn, runsByPrefix, type RunRow } from "../query/runs.js";
import { selectRows, type Listing, type Numbered } from "../query/select.js";
import { humanAgo } from "../query/time.js";
import { attrLogText, type AttrLogEntry } from "../write/attr-log-write.js";
import { osUser } from "../write/author.js";
import { LockBusyError } from "../index/writer-lock.js";
import { writeEntries, WriteError, type PlannedWrite } from "../write/commit.js";
import { groupLogTarget, runLogTarget, targetDir, type LogTarget } from "../write/targets.js";
import { indexTargetOf, locate, mayCreateDbDir, realRunsDir, type Context, type LocationArgs } from "./context.js";
import { CliError, UsageError, explainDbError } from "./errors.js";
import { filtered, openListing, prepareListing, type AnyListing, type ListingArgs, type ListingRequest } from "./listing.js";
import { renderTable } from "./print/table.js";
import { openFresh } from "./refresh.js";
import type { Io } from "./spec.js";

export type Target = { readonly kind: "run"; readonly n: number; readonly row: RunRow } | { readonly kind: "group"; readonly n: number; readonly row: GroupRow };

async function numbered<R extends RunRow | GroupRow>(listing: Listing<R>, specs: readonly string[]): Promise<Numbered<R>[]> {
  if (specs.length > 0) return selectRows(listing, specs);
  return (await listing.slice(0, null)).map((row, i) => ({ n: i + 1, row }));
}

/**
 * The rows SPECs select from the listing the options describe — or, without SPECs, every row of
 * it when `--all` or a filter is given. Selecting nothing is an error naming what was asked.
 */
export async function selectTargets(store: Store, req: ListingRequest, specs: readonly string[], all: boolean): Promise<Target[]> {
  const l: AnyListing = await openListing(store, req, undefined);
  if (specs.length === 0 && !all && !filtered(req.args)) {
    throw new UsageError(`name the ${l.kind}s to change (a number, a slice like 2:4, an id or name prefix), or give --all`);
  }
  const targets: Target[] =
    l.kind === "run"
      ? (await numbered(l.listing, specs)).map(({ n, row }) => ({ kind: "run", n, row }))
      : (await numbered(l.listing, specs)).map(({ n, row }) => ({ kind: "group", n, row }));
  if (targets.length === 0 && store.scope !== null) await explainElsewhere(store, store.scope, l.kind, specs);
  if (targets.length === 0) {
    throw new CliError(
      specs.length > 0 ? `no ${l.kind}s match ${specs.join(" ")}; nothing was written` : `no ${l.kind}s match these filters; nothing was written`,
    );
  }
  return targets;
}

/**
 * On a team database narrowed to this runs dir, a SPEC naming a run or group whose files are on
 * another host is refused with where they are, rather than as no match.
 */
async function explainElsewhere(store: Store, scope: SourceScope, kind: "run" | "group", specs: readonly string[]): Promise<void> {
  for (const spec of specs) {
    const rows = kind === "run" ? await runsByPrefix(store, spec) : await groupsByPrefix(store, spec);
    const row = rows.find((r) => r.id === spec) ?? (rows.length === 1 ? rows[0] : undefined);
    if (row !== undefined) throw elsewhere(`${kind} ${row.id}`, scope.runsDir, row);
  }
}

function elsewhere(what: string, runsDir: string, row: RunRow | GroupRow): CliError {
  return new CliError(
    `${what} is not in ${runsDir} (its files are on ${row.source_host}:${row.source_runs_dir}); write to it there, or pass the --runs-dir and --host that hold it`,
  );
}

/**
 * Where a target's attributes are logged: a run's `.user` dir or a group's own dir, in this runs
 * dir. On a team database the run or group must have a copy here: its log lives beside it, and
 * another host's files are written on that host (docs/team.md).
 */
export async function logTargetOf(store: Store, ctx: Context, t: Target): Promise<LogTarget> {
  const local = ctx.backend === "postgres" ? { host: ctx.host, runsDir: realRunsDir(ctx) } : null;
  if (t.kind === "run") {
    if (local !== null && !(await hasCopyIn(store, t.row.id, local))) throw elsewhere(`run ${t.row.id}`, ctx.runsDir, t.row);
    return runLogTarget(ctx.runsDir, t.row.id);
  }
  const dir = await groupDirName(store, t.row.id, local);
  if (dir === undefined) throw elsewhere(`group ${t.row.id}`, ctx.runsDir, t.row);
  return groupLogTarget(ctx.runsDir, dir);
}

/** The targets as the listing shows them, for a confirmation or a dry run. */
export function targetsTable(targets: readonly Target[], width: number): string {
  return renderTable(
    ["#", "name", "operation", "started", "status", "label"],
    targets.map((t) => [
      String(t.n),
      (t.row.name ?? t.row.id).slice(0, 5),
      t.kind === "run" ? t.row.op_name : (t.row.operation ?? ""),
      humanAgo(t.row.started),
      t.row.status,
      t.row.label ?? "",
    ]),
    { width },
  );
}

/**
 * More than one target needs a yes: asked on a terminal (the targets listed first), refused
 * without one unless `-y` was given. Returns false when the user says no.
 */
export async function confirm(targets: readonly Target[], action: string, yes: boolean, io: Io): Promise<boolean> {
  if (targets.length <= 1 || yes) return true;
  const what = `${targets.length} ${targets[0]!.kind}s`;
  if (!io.ask) throw new CliError(`this would ${action} ${what}; add -y to go ahead (there is no terminal to ask)`);
  io.err(`${targetsTable(targets, io.columns)}\n`);
  const answer = await io.ask(`You are about to ${action} ${what}. Continue? [y/N] `);
  return answer !== null && /^y(es)?$/iu.test(answer.trim());
}

/** A write command's own options. */
export interface WriteOptions {
  readonly dryRun: boolean;
}

/**
 * The same entry for each target. With `onlyIfLogged`, targets without an attr log yet are left
 * out: removing a tag or clearing a label there changes nothing, and Gage writes nothing either.
 */
async function sameEntryFor(store: Store, ctx: Context, targets: readonly Target[], entry: AttrLogEntry, onlyIfLogged: boolean): Promise<PlannedWrite[]> {
  const writes: PlannedWrite[] = [];
  for (const t of targets) {
    const target = await logTargetOf(store, ctx, t);
    if (onlyIfLogged && target.create && !existsSync(targetDir(target))) continue;
    writes.push({ target, entry });
  }
  return writes;
}

/** What `tag` and `label` take to pick their targets and name the author. */
export type SameEntryArgs = ListingArgs & LocationArgs & { readonly specs: readonly string[]; readonly all: boolean; readonly author?: string | undefined };

/**
 * The targets the arguments select and one entry for each (see `sameEntryFor`), read from a
 * freshly indexed store that is closed again before anything is written.
 */
export async function planSameEntry(
  a: SameEntryArgs,
  io: Io,
  entryOf: (author: string) => AttrLogEntry,
  onlyIfLogged: boolean,
): Promise<{ ctx: Context; targets: Target[]; writes: PlannedWrite[] }> {
  const req = prepareListing(a);
  const ctx = locate(a);
  const entry = entryOf(a.author ?? osUser());
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined);
  try {
    const targets = await selectTargets(store, req, a.specs, a.all);
    return { ctx, targets, writes: await sameEntryFor(store, ctx, targets, entry, onlyIfLogged) };
  } finally {
    await store.close();
  }
}

/** Asks when it must (`confirm`), then writes; false, having said so, when the user said no. */
export async function confirmAndWrite(ctx: Context, targets: readonly Target[], writes: readonly PlannedWrite[], action: string, o: WriteOptions & { readonly yes: boolean }, io: Io): Promise<boolean> {
  if (!(await confirm(targets, action, o.yes || o.dryRun, io))) {
    io.err("nothing was written\n");
    return false;
  }
  await applyWrites(ctx, writes, o, io);
  return true;
}

/**
 * Writes the entries (each a new attr-log file), then indexes the entries written, so the index
 * shows them when this returns. With `--dry-run`, prints what would be written instead.
 */
export async function applyWrites(ctx: Context, writes: readonly PlannedWrite[], o: WriteOptions, io: Io): Promise<void> {
  if (o.dryRun) {
    for (const w of writes) io.out(`would write ${join(targetDir(w.target), "<new ULID-uuid>.json")}: ${attrLogText(w.entry)}\n`);
    return;
  }
  let written: readonly string[];
  try {
    written = writeEntries(writes);
  } catch (err) {
    if (err instanceof WriteError && err.written.length > 0) await indexAfterWrite(ctx, err.written, io);
    throw err;
  }
  await indexAfterWrite(ctx, written, io);
}

/**
 * A targeted index of the runs-dir entries just written. If another indexer holds the database
 * for longer than the wait (a full pass over a big sync, a reindex), the write stands: it is on
 * disk, the files are the truth, and the next pass (that indexer's next one, the daemon, the next
 * query's refresh) shows it. So this says so and succeeds: a "try again" would have the user
 * write the entry twice (docs/reliability.md, "Concurrency").
 */
export async function indexAfterWrite(ctx: Context, entries: readonly string[], io: Io): Promise<void> {
  const { indexWritten } = await import("../index/after-write.js");
  const target = await indexTargetOf(ctx, "catalog write", mayCreateDbDir(ctx));
  try {
    await indexWritten(target, entries);
  } catch (err) {
    if (err instanceof LockBusyError) {
      io.err(`catalog: written; ${err.message.replace(/; try again when it is done$/u, "")}: the next index pass (the daemon's, or the next query's) shows the change\n`);
      return;
    }
    throw explainDbError(err, ctx.dbLabel);
  } finally {
    await target.close();
  }
}
