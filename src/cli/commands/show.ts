import type { Store } from "../../store/store.js";
import { archiveNames } from "../../query/archives.js";
import { groupsToJson, runDetailJson, runsToJson, type CommentJson, type GroupJson, type RunJson } from "../../query/export.js";
import { groupsByPrefix, type GroupRow } from "../../query/groups.js";
import { copiesOf } from "../../query/details.js";
import { issuesOf } from "../../query/issues.js";
import { getRun, runsByPrefix, type RunRow } from "../../query/runs.js";
import { selectRows, type Numbered } from "../../query/select.js";
import { humanAgo } from "../../query/time.js";
import type { SHOW_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { CliError } from "../errors.js";
import { ambiguous, openListing, prepareListing, type ListingRequest } from "../listing.js";
import { colorStatus, statusStyle } from "../print/style.js";
import { renderTable } from "../print/table.js";
import { escapeControls, localIso } from "../print/text.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

export type ShowArgs = ArgsOf<typeof SHOW_ARGS>;

type Target = { readonly kind: "run"; readonly row: RunRow } | { readonly kind: "group"; readonly row: GroupRow };

/** `catalog show [SPEC]`: everything known about one run or group. */
export async function runShow(a: ShowArgs, io: Io): Promise<number> {
  const req = prepareListing(a);
  const store = await openFresh(locate(a), a.refresh, io.tty ? io.err : undefined);
  try {
    const target = await findTarget(store, req, a.spec ?? "1");
    if (a.format === "json") {
      const record =
        target.kind === "run"
          ? await runDetailJson(store, target.row)
          : (await groupsToJson(store, [target.row]))[0]!;
      io.out(JSON.stringify(record, null, 2) + "\n");
      return 0;
    }
    io.out(
      target.kind === "run"
        ? await runText(store, (await runsToJson(store, [target.row], { fullOp: true }))[0]!, io)
        : await groupText(store, (await groupsToJson(store, [target.row]))[0]!, io),
    );
    for (const i of await issuesOf(store, target.kind, target.row.id)) {
      io.out(`${i.severity === "note" ? "note" : "index error"}: ${escapeControls(i.path)}: ${escapeControls(i.message)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * The row SPEC picks from the listing (numbers as `catalog query` shows them); an id or name
 * prefix that is not in the listing is looked for among every run and group, in any container.
 */
async function findTarget(store: Store, req: ListingRequest, spec: string): Promise<Target> {
  const l = await openListing(store, req, undefined);
  const what = l.kind;
  if (l.kind === "run") {
    const listed = await selectRows(l.listing, [spec]);
    if (listed.length > 1) throw ambiguous(spec, what, listed);
    if (listed.length === 1) return { kind: "run", row: listed[0]!.row };
  } else {
    const listed = await selectRows(l.listing, [spec]);
    if (listed.length > 1) throw ambiguous(spec, what, listed);
    if (listed.length === 1) return { kind: "group", row: listed[0]!.row };
  }
  const runs = what === "run" ? await runsByPrefix(store, spec) : [];
  const groups = await groupsByPrefix(store, spec);
  const exactRun = runs.find((r) => r.id === spec);
  if (exactRun) return { kind: "run", row: exactRun };
  const exactGroup = groups.find((g) => g.id === spec);
  if (exactGroup) return { kind: "group", row: exactGroup };
  const all: Numbered<RunRow | GroupRow>[] = [...runs, ...groups].map((row) => ({ n: 0, row }));
  if (all.length === 1) return runs.length === 1 ? { kind: "run", row: runs[0]! } : { kind: "group", row: groups[0]! };
  if (all.length > 1) throw ambiguous(spec, runs.length > 0 && groups.length > 0 ? "run" : what, all);
  throw new CliError(`no ${what === "run" ? "run or group" : "group"} matches ${JSON.stringify(spec)}; \`catalog query${what === "group" ? " -g" : ""}\` lists them with their numbers`);
}

/** A local time with its zone, and how long ago. */
function when(iso: string | null): string {
  if (iso === null) return "";
  const ms = Date.parse(iso);
  return `${localIso(ms * 1000)} (${humanAgo(ms * 1000)})`;
}

function lines(pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${v}`.trimEnd()).join("\n") + "\n";
}

function section(title: string, values: Record<string, unknown>): string {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return "";
  return `${title}:\n${keys.map((k) => `  ${escapeControls(k)}: ${escapeControls(formatValue(values[k]))}`).join("\n")}\n`;
}

/** Summary values show their `value` (docs/format.md, "Meta files"); everything else as JSON. */
function formatValue(v: unknown): string {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v) return formatValue((v as { value: unknown }).value);
  return typeof v === "string" ? v : JSON.stringify(v);
}

function comments(list: readonly CommentJson[]): string {
  if (list.length === 0) return "";
  const timeOf = (c: CommentJson) => (c.timestamp === null ? "" : when(c.timestamp));
  return `comments:\n${list.map((c) => `  ${timeOf(c)} ${escapeControls(c.author)} (${c.id}): ${escapeControls(c.msg)}`).join("\n")}\n`;
}

/** `active`, `trash`, or an archive id with the archive's name beside it. */
async function containerText(store: Store, container: string): Promise<string> {
  if (container === "active" || container === "trash" || container === "legacy-deleted") return container;
  const name = (await archiveNames(store, [container])).get(container);
  return name === undefined ? `${container} (an unknown archive)` : `${container} (archive ${escapeControls(name)})`;
}

/** Where a run was indexed from; on a team database, every copy (the one shown first). */
async function sourceText(store: Store, r: RunJson): Promise<string> {
  const copies = (await copiesOf(store, [r.id])).get(r.id) ?? [];
  const where = (c: { host: string | null; runs_dir: string | null }) => `${c.host ?? ""}:${c.runs_dir ?? ""}`;
  if (copies.length <= 1) return where(r.source);
  return copies.map((c, i) => `${where(c)}${i === 0 ? " (shown: newest files)" : ""}`).join(", ");
}

async function runText(store: Store, r: RunJson, io: Io): Promise<string> {
  const status = colorStatus(r.status, io.color);
  return (
    lines([
      ["run", r.id],
      ["name", r.name ?? ""],
      ["operation", `${r.operation}${r.op.version === null ? "" : ` v${r.op.version}`}`],
      ["status", r.exit_code === null ? status : `${status} (exit ${r.exit_code})`],
      ["container", await containerText(store, r.container)],
      ["label", escapeControls(r.label ?? "")],
      ["tags", escapeControls(r.tags.join(", "))],
      ["initialized", when(r.initialized)],
      ["staged", when(r.staged)],
      ["started", when(r.started)],
      ["stopped", when(r.stopped)],
      ["groups", r.groups.join(", ")],
      ["source", await sourceText(store, r)],
    ]) +
    section("config", r.config) +
    section("metrics", r.metrics) +
    section("attributes", r.attributes) +
    comments(r.comments)
  );
}

async function groupText(store: Store, g: GroupJson, io: Io): Promise<string> {
  const head = lines([
    ["group", g.id],
    ["name", g.name ?? ""],
    ["operation", g.operation ?? ""],
    ["started", when(g.started)],
    ["status", colorStatus(g.status, io.color)],
    ["label", escapeControls(g.label ?? "")],
    ["tags", escapeControls(g.tags.join(", "))],
  ]);
  const members = (await Promise.all(g.members.map((id) => getRun(store, id)))).filter((r): r is RunRow => r !== undefined);
  const table =
    members.length === 0
      ? "members: none active\n"
      : `members:\n${renderTable(
          ["#", "name", "operation", "started", "status", "label"],
          members.map((r, i) => [String(i + 1), r.name ?? r.id, r.op_version === null ? r.op_name : `${r.op_name} v${r.op_version}`, humanAgo(r.started), r.status, r.label ?? ""]),
          { width: io.columns, ...(io.color ? { style: statusStyle } : {}) },
        )
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n")}\n`;
  const others = lines([
    ["inactive members", g.inactive_members.join(", ")],
    ["missing members", g.missing_members.join(", ")],
  ]);
  return head + table + (g.inactive_members.length + g.missing_members.length > 0 ? others : "") + comments(g.comments);
}
