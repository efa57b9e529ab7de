import type { Db } from "../../index/db.js";
import { groupsToJson, runsToJson, type CommentJson, type GroupJson, type RunJson } from "../../query/export.js";
import { getGroup } from "../../query/groups.js";
import { getRun } from "../../query/runs.js";
import { locate, type GlobalArgs } from "../context.js";
import { CliError } from "../errors.js";
import { openFresh } from "../refresh.js";
import { resolveOne } from "../resolve.js";

export interface ShowArgs extends GlobalArgs {
  spec: string;
  format: "text" | "json";
  refresh: boolean;
}

/** `catalog show ID|NAME-PREFIX`: everything known about one run or group. */
export async function runShow(args: ShowArgs, out: (s: string) => void): Promise<void> {
  const db = await openFresh(locate(args), args.refresh);
  try {
    const target = resolveOne(db, args.spec);
    const record = target.kind === "run" ? showRun(db, target.id) : showGroup(db, target.id);
    const errors = db
      .prepare("SELECT path, message FROM index_errors WHERE unit IN (?, ?, ?) ORDER BY path")
      .all(`run:${target.id}`, `user:${target.id}`, `move:${target.id}`) as { path: string; message: string }[];
    if (args.format === "json") {
      out(JSON.stringify(record, null, 2) + "\n");
      return;
    }
    out(record.type === "run" ? runText(record) : groupText(record));
    for (const e of errors) out(`index error: ${e.path}: ${e.message}\n`);
  } finally {
    db.close();
  }
}

function showRun(db: Db, id: string): RunJson {
  const row = getRun(db, id);
  if (!row) throw new CliError(`run ${id} is not in the index`);
  return runsToJson(db, [row], { fullOp: true })[0]!;
}

function showGroup(db: Db, id: string): GroupJson {
  const row = getGroup(db, id);
  if (!row) throw new CliError(`group ${id} is not in the index`);
  return groupsToJson(db, [row])[0]!;
}

const localTime = (iso: string | null) => (iso === null ? "" : new Date(iso).toLocaleString());

function lines(pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${v}`.trimEnd()).join("\n") + "\n";
}

function section(title: string, values: Record<string, unknown>): string {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return "";
  return `${title}:\n${keys.map((k) => `  ${k}: ${formatValue(values[k])}`).join("\n")}\n`;
}

/** Summary values show their `value` (gage-format §4.5); everything else as JSON. */
function formatValue(v: unknown): string {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v) return formatValue((v as { value: unknown }).value);
  return typeof v === "string" ? v : JSON.stringify(v);
}

function comments(list: readonly CommentJson[]): string {
  if (list.length === 0) return "";
  return `comments:\n${list.map((c) => `  ${localTime(c.timestamp)} ${c.author} (${c.id}): ${c.msg}`).join("\n")}\n`;
}

function runText(r: RunJson): string {
  return (
    lines([
      ["run", r.id],
      ["name", r.name ?? ""],
      ["operation", `${r.operation}${r.op.version === null ? "" : ` v${r.op.version}`}`],
      ["status", r.exit_code === null ? r.status : `${r.status} (exit ${r.exit_code})`],
      ["container", r.container],
      ["label", r.label ?? ""],
      ["tags", r.tags.join(", ")],
      ["initialized", localTime(r.initialized)],
      ["staged", localTime(r.staged)],
      ["started", localTime(r.started)],
      ["stopped", localTime(r.stopped)],
      ["groups", r.groups.join(", ")],
    ]) +
    section("config", r.config) +
    section("metrics", r.metrics) +
    section("attributes", r.attributes) +
    comments(r.comments)
  );
}

function groupText(g: GroupJson): string {
  return (
    lines([
      ["group", g.id],
      ["name", g.name ?? ""],
      ["operation", g.operation ?? ""],
      ["started", localTime(g.started)],
      ["status", g.status],
      ["label", g.label ?? ""],
      ["tags", g.tags.join(", ")],
      ["members", g.members.join(", ")],
      ["inactive members", g.inactive_members.join(", ")],
      ["missing members", g.missing_members.join(", ")],
    ]) + comments(g.comments)
  );
}
