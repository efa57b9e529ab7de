import { spawn } from "node:child_process";
import { closeSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../../package-root.js";
import { daemonFiles, liveDaemonPid, openOwnFile, readDaemonStatus, removeDaemonFiles, type DaemonStatus } from "../../daemon/state.js";
import { pidAlive } from "../../index/pid.js";
import type { DAEMON_START_ARGS, DAEMON_STATUS_ARGS, DAEMON_STOP_ARGS, WATCH_ARGS } from "../commands.js";
import { checkExistingDb, indexTargetOf, locate, mayCreateDbDir, requireRunsDir, type Context } from "../context.js";
import { CliError } from "../errors.js";
import type { ArgsOf, Io } from "../spec.js";

/** What must hold before a daemon may serve a database: the runs dir, and no other runs dir's index. */
function prepare(ctx: Context): void {
  requireRunsDir(ctx);
  if (mayCreateDbDir(ctx)) mkdirSync(dirname(ctx.dbPath), { recursive: true });
  // a team database's daemon keeps its files in the user's cache
  if (ctx.backend === "postgres") mkdirSync(dirname(ctx.stateBase), { recursive: true, mode: 0o700 });
  checkExistingDb(ctx);
}

/**
 * The location options a daemon's children get (`watch`, a full pass's `index`). A team
 * database's URL goes through the environment: a password in it would show in process lists.
 */
function childLocation(ctx: Context): { args: string[]; env: NodeJS.ProcessEnv } {
  const args = ["--runs-dir", ctx.runsDir, "--host", ctx.host];
  if (ctx.backend === "sqlite") return { args: [...args, "--db", ctx.dbPath], env: process.env };
  return { args, env: { ...process.env, CATALOG_DB: ctx.dbPath } };
}

/** `catalog watch`: the daemon's loop in the foreground, logging to stderr, until SIGTERM/SIGINT. */
export async function runWatch(args: ArgsOf<typeof WATCH_ARGS>): Promise<void> {
  const ctx = locate(args);
  prepare(ctx);
  const { WatchLoop, DEFAULT_WATCH_OPTIONS } = await import("../../daemon/watch-loop.js");
  const log = (msg: string) => void process.stderr.write(`${new Date().toISOString()} ${msg}\n`);
  const loop = new WatchLoop({
    ...DEFAULT_WATCH_OPTIONS,
    runsDir: ctx.runsDir,
    target: await indexTargetOf(ctx, "catalog daemon", false),
    stateBase: ctx.stateBase,
    fullPass: childLocation(ctx),
    sweepMs: args.sweep * 1000,
    lockCheckMs: args.lockCheck * 1000,
    maxWatches: args.maxWatches,
    log,
  });
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (sig: string) => {
    log(`${sig}: finishing the current pass`);
    void loop.stop().then(stop);
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  try {
    await loop.start();
  } catch (err) {
    await loop.stop();
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  await stopped;
}

/** `catalog daemon start`: the watch loop as a detached process with its log beside the DB. */
export async function runDaemonStart(args: ArgsOf<typeof DAEMON_START_ARGS>, io: Io): Promise<void> {
  const ctx = locate(args);
  const running = liveDaemonPid(ctx.stateBase);
  if (running !== null) throw new CliError(`a daemon (pid ${running}) already serves ${ctx.runsDir} into ${ctx.dbLabel}; \`catalog daemon stop\` stops it`);
  prepare(ctx);
  const files = daemonFiles(ctx.stateBase);
  let logFd: number;
  try {
    logFd = openOwnFile(files.log, "append");
  } catch (err) {
    throw new CliError(`cannot open the daemon log ${files.log}: ${(err as NodeJS.ErrnoException).code === "ELOOP" ? "it is a symlink; remove it" : String(err)}`);
  }
  const bin = join(packageRoot(), "bin", "catalog");
  const location = childLocation(ctx);
  const child = spawn(
    process.execPath,
    [bin, "watch", ...location.args, "--sweep", String(args.sweep), "--lock-check", String(args.lockCheck), "--max-watches", String(args.maxWatches)],
    { detached: true, stdio: ["ignore", logFd, logFd], env: location.env },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new CliError("could not start the daemon");
  // Ready once the first full index is in: from then on queries trust the index.
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const status = readDaemonStatus(ctx.stateBase);
    if (status?.pid === pid && status.ready) {
      io.out(`daemon started (pid ${pid}) for ${ctx.runsDir}\nlog: ${files.log}\n`);
      return;
    }
    if (!pidAlive(pid)) throw new CliError(`the daemon exited at start: ${lastLogLine(files.log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new CliError(`the daemon (pid ${pid}) did not finish its first index in time; see ${files.log}`);
}

/** `catalog daemon stop`: SIGTERM, then wait for the current transaction to finish. */
export async function runDaemonStop(args: ArgsOf<typeof DAEMON_STOP_ARGS>, io: Io): Promise<number> {
  const ctx = locate(args);
  const pid = liveDaemonPid(ctx.stateBase);
  if (pid === null) {
    removeDaemonFiles(ctx.stateBase);
    io.out(`no daemon serves ${ctx.dbLabel}\n`);
    return 0;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 60_000;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new CliError(`the daemon (pid ${pid}) did not stop within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  io.out(`daemon stopped (pid ${pid})\n`);
  return 0;
}

/** `catalog daemon status`: what the daemon says of itself; exit 1 when none runs. */
export function runDaemonStatus(args: ArgsOf<typeof DAEMON_STATUS_ARGS>, io: Io): number {
  const ctx = locate(args);
  const pid = liveDaemonPid(ctx.stateBase);
  const s = readDaemonStatus(ctx.stateBase);
  if (pid === null || s === null || s.pid !== pid) {
    io.out(`not running (db ${ctx.dbLabel})\n`);
    return 1;
  }
  const now = Date.now();
  const lagMs = s.pendingSince === null ? 0 : now - Date.parse(s.pendingSince);
  const rows: [string, string][] = [
    ["pid", String(s.pid)],
    ["uptime", duration(now - Date.parse(s.startedAt))],
    ["runs dir", s.runsDir],
    ["db", s.db],
    ["state", s.ready ? "watching" : "first index in progress"],
    ["watches", `${s.watches} directories${s.capReached ? ` (cap ${s.watchCap}: the most recently active; the sweep covers the rest)` : ""}`],
    ...unwatchedRow(s),
    // A daemon started by an older catalog writes no sweep fields.
    ...(typeof s.sweepMs === "number" ? [["sweep", sweepLine(s, now)] as [string, string]] : []),
    ["last change seen", s.lastChangeSeen === null ? "none yet" : `${s.lastChangeSeen} (${duration(now - Date.parse(s.lastChangeSeen))} ago)`],
    ["last pass", s.lastPassAt === null ? "none yet" : `${s.lastPassAt} (${s.lastPassMs} ms)`],
    ["lag", s.pending === 0 ? "0 s (caught up)" : `${(lagMs / 1000).toFixed(1)} s (${s.pending} entries waiting)`],
    ["heartbeat", `${duration(now - Date.parse(s.updatedAt))} ago`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  io.out(rows.map(([k, v]) => `${(k + ":").padEnd(w + 1)} ${v}`).join("\n") + "\n");
  return 0;
}

/** Present only when some directory could not be watched: how many, why, and what covers them. */
function unwatchedRow(s: DaemonStatus): [string, string][] {
  if (s.watchFailures <= 0) return [];
  const why = s.watchError === null ? "" : ` (${WATCH_ERRORS[s.watchError] ?? s.watchError})`;
  const runsDir = s.runsDirUnwatched ? ", the runs dir among them: new and removed runs wait for the sweep" : "";
  const dirs = s.watchFailures === 1 ? "1 directory" : `${s.watchFailures} directories`;
  return [["unwatched", `${dirs} could not be watched${why}${runsDir}; the sweep covers them every ${period(s.sweepMs)}`]];
}

const WATCH_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: "ENOSPC: out of inotify watches, fs.inotify.max_user_watches",
  EMFILE: "EMFILE: out of inotify instances or file descriptors, fs.inotify.max_user_instances or ulimit -n",
};

function sweepLine(s: DaemonStatus, now: number): string {
  const last = s.lastSweepAt === null ? "none yet" : `last ${duration(now - Date.parse(s.lastSweepAt))} ago, ${s.sweptDirs} directories in ${s.lastSweepMs} ms`;
  return `every ${period(s.sweepMs)} (${last}); a full index every ${period(s.fullPassMs)}`;
}

/** A configured period: "30 s", "10 min", "1 h 30 min" (no "0 s" tails). */
function period(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60 || s % 60 !== 0) return duration(ms);
  const m = s / 60;
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function lastLogLine(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return lines[lines.length - 1] ?? "(empty log)";
  } catch {
    return "(no log)";
  }
}
