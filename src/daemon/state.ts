import { closeSync, constants, fchmodSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { pidAlive } from "../index/pid.js";

/**
 * What a daemon tells the world about itself, in `<base>.daemon.json`: beside a SQLite database,
 * or for a team database in the user's cache (src/cli/context.ts, stateBase).
 */
export interface DaemonStatus {
  readonly pid: number;
  readonly startedAt: string;
  readonly runsDir: string;
  readonly db: string;
  /** the first full pass is done: queries may trust the index */
  readonly ready: boolean;
  /** directories watched (one inotify watch each), the runs dir included */
  readonly watches: number;
  /** the most the daemon will hold, the runs dir included */
  readonly watchCap: number;
  /** recently active entries were dropped to stay within the cap: the sweep covers them */
  readonly capReached: boolean;
  /** directories the daemon wanted to watch but could not (inotify limits): the sweep covers them */
  readonly watchFailures: number;
  /** why they could not be watched (ENOSPC: out of inotify watches; EMFILE: out of inotify instances), or null */
  readonly watchError: string | null;
  /** the runs dir itself is not watched (see watchError): new and removed runs wait for the sweep */
  readonly runsDirUnwatched: boolean;
  /** period of the cheap stat sweep, ms */
  readonly sweepMs: number;
  /** directories the last sweep stat'ed, and how long it took */
  readonly sweptDirs: number;
  readonly lastSweepAt: string | null;
  readonly lastSweepMs: number | null;
  /** period of the full index (a `catalog index` child), ms */
  readonly fullPassMs: number;
  /** newest file-system event seen, ISO */
  readonly lastChangeSeen: string | null;
  readonly lastPassAt: string | null;
  readonly lastPassMs: number | null;
  /** entries seen changed and not yet indexed, and since when */
  readonly pending: number;
  readonly pendingSince: string | null;
  readonly passes: number;
  readonly updatedAt: string;
}

export function daemonFiles(dbPath: string) {
  return { pid: `${dbPath}.daemon.pid`, status: `${dbPath}.daemon.json`, log: `${dbPath}.daemon.log` };
}

export function readDaemonPid(dbPath: string): number | null {
  try {
    const pid = Number(readFileSync(daemonFiles(dbPath).pid, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The live daemon's pid for this database, or null (a stale pid file counts as none). */
export function liveDaemonPid(dbPath: string): number | null {
  const pid = readDaemonPid(dbPath);
  return pid !== null && pidAlive(pid) ? pid : null;
}

export function readDaemonStatus(dbPath: string): DaemonStatus | null {
  try {
    return JSON.parse(readFileSync(daemonFiles(dbPath).status, "utf8")) as DaemonStatus;
  } catch {
    return null;
  }
}

/**
 * Opens one of the daemon's own files for writing: readable by its owner only (its status names
 * the runs dir and database), and never through a symlink — a link planted where the file goes
 * would otherwise have the daemon write wherever it points (docs/reliability.md, "Security").
 */
export function openOwnFile(path: string, how: "truncate" | "append"): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (how === "append" ? constants.O_APPEND : constants.O_TRUNC);
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, 0o600); // a file an older catalog created with the default mode
  } catch {
    // not ours to change: it stays as it is
  }
  return fd;
}

function writeOwnFile(path: string, text: string): void {
  const fd = openOwnFile(path, "truncate");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export function writeDaemonPid(base: string, pid: number): void {
  writeOwnFile(daemonFiles(base).pid, `${pid}\n`);
}

/** Written to a temp file and renamed, so a reader never sees half of it. */
export function writeDaemonStatus(base: string, status: DaemonStatus): void {
  const path = daemonFiles(base).status;
  rmSync(`${path}.tmp`, { force: true });
  writeOwnFile(`${path}.tmp`, JSON.stringify(status, null, 2) + "\n");
  renameSync(`${path}.tmp`, path);
}

/** Removes the pid and status files, but only those of `owner` when given (never another daemon's). */
export function removeDaemonFiles(dbPath: string, owner?: number): void {
  if (owner !== undefined && readDaemonPid(dbPath) !== owner) return;
  const f = daemonFiles(dbPath);
  rmSync(f.pid, { force: true });
  rmSync(f.status, { force: true });
}

/** A live daemon keeps this database fresh for this runs dir, so a query need not index first. */
export function daemonServing(dbPath: string, runsDir: string): boolean {
  const pid = liveDaemonPid(dbPath);
  if (pid === null) return false;
  const status = readDaemonStatus(dbPath);
  return status !== null && status.pid === pid && status.ready && status.runsDir === runsDir;
}
