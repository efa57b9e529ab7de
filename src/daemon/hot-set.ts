import { DirWatchers, isGone, type WatchError } from "./dir-watchers.js";
import { watchDirsFor } from "./watch-set.js";

/**
 * The recently active runs-dir entries whose directories are watched, least recently active
 * first, holding at most `budget` directories: one inotify watch per directory whatever the
 * number of runs. What falls out is not lost, only slower: the sweep stats every directory.
 *
 * An entry is touched when the daemon sees it change (an event, a sweep), when it holds a
 * running run (every pid check), and at start in the order of its directories' change times.
 */
export class HotSet {
  /** entry name → the directories wanted for it; Map order is the recency order */
  private readonly lru = new Map<string, readonly string[]>();
  /** directories wanted (all entries in the LRU): what the budget bounds */
  private wanted = 0;
  /** wanted directories that could not be watched (limits, permissions) */
  private readonly failed = new Set<string>();
  /** the last reason a wanted directory could not be watched, while any could not */
  private failure: WatchError | null = null;
  /** entries left out or dropped to keep within the cap (so not every directory is watched) */
  evictions = 0;

  constructor(
    private readonly runsDir: string,
    private readonly budget: number,
    private readonly watchers: DirWatchers,
  ) {}

  /** directories watched now */
  get watches(): number {
    return this.watchers.size;
  }

  /** wanted directories that could not be watched */
  get unwatched(): number {
    return this.failed.size;
  }

  get lastError(): WatchError | null {
    return this.failed.size === 0 ? null : this.failure;
  }

  /**
   * Makes `name` the most recently active entry and watches its directories (as they are now:
   * a meta dir gains `proc/`, a zipped run loses both). True when a directory was newly watched,
   * so the caller can look at the entry once more: whatever was written before the watch
   * existed raised no event.
   */
  touch(name: string): boolean {
    const want = watchDirsFor(this.runsDir, name).slice(0, this.budget);
    const had = this.lru.get(name);
    if (had) this.release(name, had, want);
    if (want.length === 0) return false;
    this.lru.set(name, want);
    this.wanted += want.length;
    for (const oldest of this.lru.keys()) {
      if (this.wanted <= this.budget || oldest === name) break;
      this.drop(oldest);
      this.evictions += 1;
    }
    let added = false;
    for (const dir of want) if (!this.watchers.has(dir) && this.watch(dir, name)) added = true;
    return added;
  }

  /** Forgets an entry (gone from the runs dir, or evicted) and closes its watches. */
  drop(name: string): void {
    const dirs = this.lru.get(name);
    if (dirs) this.release(name, dirs, []);
  }

  /**
   * Out of inotify watches: the least recently active watched entry gives its watches up (they
   * count as not watched, for the limit, and the sweep covers them). False when none is left.
   */
  shed(except: string | null = null): boolean {
    for (const [name, dirs] of this.lru) {
      if (name === except || !dirs.some((d) => this.watchers.has(d))) continue;
      for (const dir of dirs) {
        if (!this.watchers.has(dir)) continue;
        this.watchers.remove(dir);
        this.failed.add(dir);
      }
      this.failure = "ENOSPC";
      return true;
    }
    return false;
  }

  /** Tries the directories that could not be watched again (limits can free up). */
  retryFailed(): void {
    for (const dir of [...this.failed]) {
      const err = this.watchers.add(dir);
      if (err === null || isGone(err)) this.failed.delete(dir);
      else this.failure = err;
    }
  }

  closeAll(): void {
    this.watchers.closeAll();
    this.lru.clear();
    this.failed.clear();
    this.wanted = 0;
  }

  private release(name: string, dirs: readonly string[], keep: readonly string[]): void {
    this.lru.delete(name);
    this.wanted -= dirs.length;
    for (const dir of dirs) {
      if (keep.includes(dir)) continue;
      this.watchers.remove(dir);
      this.failed.delete(dir);
    }
  }

  /**
   * Watches one directory of `owner`. Out of inotify watches (ENOSPC) the least recently active
   * watched entry gives its watches up, once, so the newest activity is what stays watched.
   */
  private watch(dir: string, owner: string): boolean {
    let err = this.watchers.add(dir);
    if (err === "ENOSPC" && this.shed(owner)) err = this.watchers.add(dir);
    if (err === null) {
      this.failed.delete(dir);
      return true;
    }
    if (!isGone(err)) {
      this.failed.add(dir);
      this.failure = err;
    }
    return false;
  }

}
