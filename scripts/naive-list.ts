/**
 * node dist/scripts/naive-list.js <runs-dir> [--tag T]...
 *
 * The benchmark's baseline: lists run groups the way Gage's own `list` works — no index, every
 * run's files read on every call (meta dir or zip, attr log, move markers), then groups read and
 * their operation, start and status derived in memory. Prints the 20 newest groups with all tags.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readAttrLog } from "../src/disk/attr-log.js";
import { groupEntries } from "../src/disk/entries.js";
import { readGroup } from "../src/disk/group-reader.js";
import { readContainer } from "../src/disk/move.js";
import type { AttrLogEntry, RunRecord } from "../src/disk/records.js";
import { readRun } from "../src/disk/run-reader.js";
import { pidAlive } from "../src/index/pid.js";

function replay(entries: readonly AttrLogEntry[]): Map<string, unknown> {
  const attrs = new Map<string, unknown>();
  for (const e of entries) {
    for (const [k, v] of Object.entries(e.set)) attrs.set(k, v);
    for (const k of e.delete) attrs.delete(k);
  }
  return attrs;
}

function status(r: RunRecord): string {
  if (r.exitCode !== null) return r.exitCode === 0 ? "completed" : r.exitCode < 0 ? "terminated" : "error";
  if (r.lockPresent) return pidAlive(r.lockPid) ? "running" : "terminated";
  if (r.staged.present) return "staged";
  return r.initialized.present ? "pending" : "unknown";
}

const PRECEDENCE = ["error", "running", "terminated", "staged", "pending"];

async function main(argv: string[]): Promise<void> {
  const runsDir = argv[0]!;
  const tags: string[] = [];
  for (let i = 1; i < argv.length; i++) if (argv[i] === "--tag") tags.push(argv[++i]!);
  const units = groupEntries(readdirSync(runsDir));
  const runs = new Map<string, { r: RunRecord; status: string; container: string }>();
  for (const [id, entries] of units.runs) {
    const read = await readRun(runsDir, entries);
    if (!read.value) continue;
    const user = units.users.get(id);
    if (user) readAttrLog(join(runsDir, user[0]!.name)); // Gage reads the label and tags of every run
    const move = units.moves.get(id);
    const container = move ? readContainer(join(runsDir, move.name)) : "active";
    runs.set(id, { r: read.value, status: status(read.value), container });
  }
  const rows: { id: string; op: string | null; started: number | null; status: string; label: string }[] = [];
  for (const dirName of units.groups.keys()) {
    const g = readGroup(runsDir, dirName).value!;
    const attrs = replay(readAttrLog(join(runsDir, dirName)).entries);
    if (!tags.every((t) => attrs.has(`tag:${t}`))) continue;
    const members = [...attrs.keys()]
      .filter((k) => k.startsWith("run:"))
      .map((k) => runs.get(k.slice(4)))
      .filter((m) => m !== undefined && m.container === "active")
      .map((m) => m!)
      .sort((a, b) => (a.r.started.us ?? Infinity) - (b.r.started.us ?? Infinity) || a.r.id.localeCompare(b.r.id));
    const ops = new Set(members.map((m) => m.r.opref.name));
    const op = members.length === 0 ? null : ops.size === 1 ? members[0]!.r.opref.name : `${members[0]!.r.opref.name}...${members[1]!.r.opref.name}`;
    const statuses = members.map((m) => m.status);
    const st =
      statuses.length === 0
        ? "unknown"
        : statuses.every((s) => s === "completed")
          ? "completed"
          : (PRECEDENCE.find((p) => statuses.includes(p)) ?? "unknown");
    const starts = members.map((m) => m.r.started.us).filter((s): s is number => s !== null);
    rows.push({ id: g.id, op, started: starts.length ? Math.min(...starts) : null, status: st, label: String(attrs.get("label") ?? "") });
  }
  rows.sort((a, b) => (b.started ?? -Infinity) - (a.started ?? -Infinity));
  for (const [i, r] of rows.slice(0, 20).entries()) process.stdout.write(`${i + 1}  ${r.id.slice(0, 8)}  ${r.op ?? ""}  ${r.status}  ${r.label}\n`);
}

await main(process.argv.slice(2));
