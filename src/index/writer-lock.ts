import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { pidAlive } from "./pid.js";

/** Another indexer holds the database; the message names it. */
export class LockBusyError extends Error {
  override readonly name = "LockBusyError";
}

export interface WriterLock {
  readonly path: string;
  release(): void;
}

/** A lock file whose owner wrote nothing for this long is a crashed creator, not a live one. */
const EMPTY_LOCK_STALE_MS = 5000;
const POLL_MS = 25;

export function lockPath(dbPath: string): string {
  return `${dbPath}.lock`;
}

/**
 * The one-writer-at-a-time lock beside the database (docs/architecture.md): a file holding the owner's pid
 * and role. Every connection that may write holds it for as long as it is open, so `reindex` can
 * swap the database file knowing no writer has the old one open. A lock whose pid is dead (a
 * `kill -9`) is taken over. Waits up to `waitMs`, then fails with a message naming the holder.
 */
export async function acquireWriterLock(dbPath: string, role: string, waitMs = 3000): Promise<WriterLock> {
  const path = lockPath(dbPath);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid} ${role}\n`);
      closeSync(fd);
      return { path, release: () => releaseIfOurs(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readHolder(path);
    if (holder === "stale") {
      try {
        unlinkSync(path);
      } catch {
        // someone else removed it first
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `${holder.role} (pid ${holder.pid})` : "another process";
      throw new LockBusyError(`the index ${dbPath} is being written by ${who} right now; try again when it is done`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function readHolder(path: string): { pid: number; role: string } | "stale" | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const m = /^(\d+) (.*)$/mu.exec(text);
  if (!m) {
    try {
      return Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_STALE_MS ? "stale" : null;
    } catch {
      return null;
    }
  }
  const pid = Number(m[1]);
  return pidAlive(pid) ? { pid, role: m[2]! } : "stale";
}

function releaseIfOurs(path: string): void {
  try {
    if (readFileSync(path, "utf8").startsWith(`${process.pid} `)) unlinkSync(path);
  } catch {
    // already gone
  }
}
