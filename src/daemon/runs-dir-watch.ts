import chokidar, { type FSWatcher } from "chokidar";
import type { WatchError } from "./dir-watchers.js";
import { isDir } from "./watch-set.js";

/**
 * chokidar on the runs dir itself (depth 0): every entry added, removed, renamed or rewritten
 * there is an event naming it. If the watch cannot be set up (out of inotify watches or
 * instances) or breaks, it is closed and `failure` says why; `ensure()` tries again (the sweep
 * calls it), and until then the sweep's listing of the runs dir stands in for it.
 */
export class RunsDirWatch {
  private watcher: FSWatcher | null = null;
  /** why the runs dir is not watched (an errno code), or null */
  failure: WatchError | null = null;

  constructor(
    private readonly runsDir: string,
    private readonly onRaw: (filename: string | null, watchedPath: string | undefined) => void,
    private readonly log: (msg: string) => void,
  ) {}

  get watching(): boolean {
    return this.watcher !== null;
  }

  /** Watches the runs dir unless it is already watched or does not exist (yet). */
  async ensure(): Promise<void> {
    if (this.watcher !== null || !isDir(this.runsDir)) return;
    const runsDir = this.runsDir;
    const w = chokidar.watch(runsDir, {
      depth: 0,
      ignoreInitial: true,
      persistent: true,
      // Only the runs dir itself is watched; what happens to its entries arrives as raw events
      // naming them, so chokidar need not scan (or stat) the hundreds of thousands of entries.
      ignored: (path) => path !== runsDir,
    });
    this.watcher = w;
    let failed: WatchError | null = null;
    let settle!: () => void;
    // Settled by `ready`, or by an error: a watcher closed before it is ready never gets ready.
    const settled = new Promise<void>((resolve) => (settle = resolve));
    w.once("ready", () => settle());
    w.on("raw", (_event, filename, details) => this.onRaw(filename, (details as { watchedPath?: string }).watchedPath));
    w.on("error", (err) => {
      // chokidar reports a failed fs.watch (ENOSPC, EMFILE) here and still emits `ready`.
      const code = (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
      failed = code;
      if (this.watcher === w) {
        // Said once per new reason, not at every retry.
        if (this.failure !== code) this.log(`cannot watch the runs dir (${code}); the sweep covers it until a retry succeeds`);
        this.failure = code;
        this.watcher = null;
        void w.close();
      }
      settle();
    });
    await settled;
    if (failed === null && this.watcher === w && this.failure !== null) {
      this.log("watching the runs dir again");
      this.failure = null;
    }
  }

  async close(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
  }
}
