import { statSync, watch, type FSWatcher } from "node:fs";
import { basename } from "node:path";
import type { WatchError } from "./dir-watchers.js";

/**
 * One inotify watch on the runs dir itself: every entry added, removed, renamed or rewritten
 * there is an event naming it. A bare `fs.watch`, not chokidar: chokidar lists (and tests against
 * its `ignored` filter) every entry of a directory before it is ready, which at 100k runs cost
 * 12 s of CPU and ~80 MB at each start, for raw events the daemon gets from `fs.watch` anyway.
 *
 * If the watch cannot be set up (out of inotify watches or instances) or breaks, `failure` says
 * why; `ensure()` tries again (the sweep calls it), and until then the sweep's listing of the runs
 * dir stands in for it.
 */
export class RunsDirWatch {
  private watcher: FSWatcher | null = null;
  /** which directory is watched: inode and birth time (a new directory can reuse a freed inode) */
  private identity: string | null = null;
  private readonly selfName: string;
  /** why the runs dir is not watched (an errno code), or null */
  failure: WatchError | null = null;

  constructor(
    private readonly runsDir: string,
    private readonly onRaw: (filename: string | null, watchedPath: string | undefined) => void,
    private readonly log: (msg: string) => void,
  ) {
    this.selfName = basename(runsDir);
  }

  get watching(): boolean {
    return this.watcher !== null;
  }

  /**
   * Watches the runs dir unless it is already watched or does not exist (yet). A runs dir
   * replaced by another (removed and made again, a mount) is watched anew: the old watch went
   * silent with the old directory.
   */
  ensure(): void {
    const identity = identityOf(this.runsDir);
    if (this.watcher !== null && identity === this.identity) return;
    this.close();
    if (identity === null) return;
    let w: FSWatcher;
    try {
      w = watch(this.runsDir, { persistent: true });
    } catch (err) {
      this.failed((err as NodeJS.ErrnoException).code ?? "EUNKNOWN");
      return;
    }
    this.watcher = w;
    this.identity = identity;
    w.on("change", (_event, filename) => {
      const name = filename === null ? null : String(filename);
      if (name === this.selfName) {
        // An event on the runs dir itself (removed, moved, chmod'ed) names it by its own name:
        // its watch may be dead. Drop it and report an event naming no entry, which asks for a
        // sweep; the sweep watches the runs dir anew (if it is there) and lists it again.
        if (this.watcher === w) this.close();
        this.onRaw(null, this.runsDir);
        return;
      }
      this.onRaw(name, this.runsDir);
    });
    w.on("error", (err) => {
      // The runs dir removed or moved, say: drop the watch; the sweep sees what happened.
      if (this.watcher === w) this.watcher = null;
      w.close();
      this.failed((err as NodeJS.ErrnoException).code ?? "EUNKNOWN");
    });
    if (this.failure !== null) this.log("watching the runs dir again");
    this.failure = null;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private failed(code: WatchError): void {
    // Said once per new reason, not at every retry.
    if (this.failure !== code) this.log(`cannot watch the runs dir (${code}); the sweep covers it until a retry succeeds`);
    this.failure = code;
  }
}

function identityOf(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isDirectory() ? `${st.dev}:${st.ino}:${st.birthtimeMs}` : null;
  } catch {
    return null;
  }
}
