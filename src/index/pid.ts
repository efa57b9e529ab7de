/**
 * Whether a process with this pid exists on this machine, as psutil decides for Gage's lock check.
 * EPERM means it exists but belongs to someone else. Pids below 1 are never a run's child process.
 */
export function pidAlive(pid: number | null): boolean {
  if (pid === null || !Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
