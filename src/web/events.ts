/**
 * Tells open pages that the index changed: chokidar watches the database and its WAL (a commit
 * writes the WAL, a checkpoint or `catalog reindex` the database) — on a team database, each
 * index commit's notification (LISTEN/NOTIFY) stands for that — and each change is sent to
 * every page as a server-sent event, which then reads its view again. Changes closer together
 * than `SETTLE_MS` are sent once: an index pass commits, then checkpoints.
 */
import type { ServerResponse } from "node:http";
import type { Context } from "../cli/context.js";
import type { IndexChanged } from "./api-types.js";
import { SECURITY_HEADERS } from "./http.js";

const SETTLE_MS = 100;
/** A comment line now and then keeps proxies and idle timeouts from closing the stream. */
const KEEPALIVE_MS = 25_000;

export class IndexEvents {
  private readonly clients = new Set<ServerResponse>();
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly keepalive: NodeJS.Timeout;
  private closeWatcher: (() => Promise<void>) | undefined;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const c of this.clients) c.write(": keepalive\n\n");
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /**
   * Starts watching the index: a SQLite file and its WAL (either may appear later), or a team
   * database's commit notifications.
   */
  async watch(ctx: Context): Promise<void> {
    if (ctx.backend === "postgres") {
      const { listenForChanges } = await import("../store/pg.js");
      this.closeWatcher = await listenForChanges(ctx.dbPath, () => this.changed());
      return;
    }
    const dbPath = ctx.dbPath;
    // Imported here: only `catalog serve` loads chokidar.
    const { watch } = await import("chokidar");
    const watcher = watch([dbPath, `${dbPath}-wal`], { ignoreInitial: true, persistent: true });
    watcher.on("all", () => this.changed());
    await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
    this.closeWatcher = () => watcher.close();
  }

  /** Something changed: tell every page once things settle. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.version++;
      const event: IndexChanged = { version: this.version };
      for (const c of this.clients) c.write(`event: index\ndata: ${JSON.stringify(event)}\n\n`);
    }, SETTLE_MS);
  }

  /** `GET /api/events`: the stream stays open until the page goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
    });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ version: this.version } satisfies IndexChanged)}\n\n`);
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.keepalive);
    for (const c of this.clients) c.end();
    this.clients.clear();
    await this.closeWatcher?.();
  }
}
