import type { Store } from "../store/store.js";
import { commentsOf, copiesOf, groupsOf, runData, tagsOf, type CommentRow } from "./details.js";
import { groupMembers, type GroupRow } from "./groups.js";
import type { RunRow } from "./runs.js";
import { isoFromMicros, isoFromMillis } from "./time.js";

/** The JSON shape scripts rely on (docs/cli.md). */
export interface CommentJson {
  id: string;
  author: string;
  timestamp: string | null;
  msg: string;
}

export interface RunJson {
  type: "run";
  id: string;
  name: string | null;
  operation: string;
  op: { ns: string; name: string; version: string | null };
  status: string;
  initialized: string | null;
  staged: string | null;
  started: string | null;
  stopped: string | null;
  exit_code: number | null;
  label: string | null;
  tags: string[];
  container: string;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  attributes: Record<string, unknown>;
  comments: CommentJson[];
  groups: string[];
  /** where the run was indexed from (docs/team.md) */
  source: SourceJson;
}

export interface SourceJson {
  host: string | null;
  runs_dir: string | null;
}

/** One run as `catalog show` and the web view give it: the listing record and every copy of the run. */
export interface RunDetailJson extends RunJson {
  copies: SourceJson[];
}

export interface GroupJson {
  type: "group";
  id: string;
  name: string | null;
  operation: string | null;
  started: string | null;
  status: string;
  label: string | null;
  tags: string[];
  members: string[];
  inactive_members: string[];
  missing_members: string[];
  comments: CommentJson[];
  source: SourceJson;
}

export interface ExportOptions {
  /** `ns:name` instead of the op name */
  readonly fullOp?: boolean;
}

export function operationOf(r: Pick<RunRow, "op_ns" | "op_name">, o: ExportOptions): string {
  return o.fullOp ? `${r.op_ns}:${r.op_name}` : r.op_name;
}

const commentJson = (c: CommentRow): CommentJson => ({
  id: c.comment_id,
  author: c.author,
  timestamp: isoFromMillis(c.timestamp_ms),
  msg: c.msg,
});

/** Batches of ids per details query keep each JSON-array parameter modest. */
const BATCH = 5000;

export async function runsToJson(store: Store, rows: readonly RunRow[], o: ExportOptions = {}): Promise<RunJson[]> {
  const out: RunJson[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const ids = batch.map((r) => r.id);
    const [tags, comments, groups, data] = await Promise.all([tagsOf(store, "run", ids), commentsOf(store, "run", ids), groupsOf(store, ids), runData(store, ids)]);
    for (const r of batch) {
      const d = data.get(r.id);
      out.push({
        type: "run",
        id: r.id,
        name: r.name,
        operation: operationOf(r, o),
        op: { ns: r.op_ns, name: r.op_name, version: r.op_version },
        status: r.status,
        initialized: isoFromMicros(r.initialized),
        staged: isoFromMicros(r.staged),
        started: isoFromMicros(r.started),
        stopped: isoFromMicros(r.stopped),
        exit_code: r.exit_code,
        label: r.label,
        tags: tags.get(r.id) ?? [],
        container: r.container,
        config: d ? (JSON.parse(d.config_json) as Record<string, unknown>) : {},
        metrics: d ? (JSON.parse(d.metrics_json) as Record<string, unknown>) : {},
        attributes: d ? (JSON.parse(d.attributes_json) as Record<string, unknown>) : {},
        comments: (comments.get(r.id) ?? []).map(commentJson),
        groups: groups.get(r.id) ?? [],
        source: { host: r.source_host, runs_dir: r.source_runs_dir },
      });
    }
  }
  return out;
}

export async function runDetailJson(store: Store, row: RunRow): Promise<RunDetailJson> {
  const [json] = await runsToJson(store, [row], { fullOp: true });
  return { ...json!, copies: (await copiesOf(store, [row.id])).get(row.id) ?? [] };
}

export async function groupsToJson(store: Store, rows: readonly GroupRow[]): Promise<GroupJson[]> {
  const out: GroupJson[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const ids = batch.map((r) => r.id);
    const [tags, comments, memberRows] = await Promise.all([tagsOf(store, "group", ids), commentsOf(store, "group", ids), groupMembers(store, ids)]);
    const members = new Map<string, { active: string[]; inactive: string[]; missing: string[] }>();
    for (const m of memberRows) {
      let g = members.get(m.group_id);
      if (!g) members.set(m.group_id, (g = { active: [], inactive: [], missing: [] }));
      g[m.state].push(m.run_id);
    }
    for (const r of batch) {
      const m = members.get(r.id);
      out.push({
        type: "group",
        id: r.id,
        name: r.name,
        operation: r.operation,
        started: isoFromMicros(r.started),
        status: r.status,
        label: r.label,
        tags: tags.get(r.id) ?? [],
        members: m?.active ?? [],
        inactive_members: (m?.inactive ?? []).sort(),
        missing_members: (m?.missing ?? []).sort(),
        comments: (comments.get(r.id) ?? []).map(commentJson),
        source: { host: r.source_host, runs_dir: r.source_runs_dir },
      });
    }
  }
  return out;
}
