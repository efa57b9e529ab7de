import { readFileSync } from "node:fs";
import { join } from "node:path";
import { daemonServing } from "../../daemon/state.js";
import { packageRoot } from "../../package-root.js";
import { osUser } from "../../write/author.js";
import type { SERVE_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

/**
 * `catalog serve`: indexes first (as `query` does), then serves the page and the API until
 * SIGINT or SIGTERM (docs/web.md).
 */
export async function runServe(a: ArgsOf<typeof SERVE_ARGS>, io: Io): Promise<number> {
  if (a.port > 65535) throw new UsageError(`--port ${a.port} is not a TCP port (0 to 65535)`);
  const ctx = locate({ ...a, host: undefined });
  await (await openFresh(ctx, a.refresh, io.tty ? io.err : undefined)).close();
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  // The server is loaded only by this command: nothing of it is read at the CLI's start-up.
  const { startServer } = await import("../../web/server.js");
  let server;
  try {
    server = await startServer({ ctx, host: a.host, port: a.port, webRoot: join(root, "dist", "web"), author: osUser(), version, log: (l) => io.err(`${l}\n`) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new CliError(`port ${a.port} on ${a.host} is in use; pass another --port (0 picks a free one)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new CliError(`cannot listen on ${a.host}: no such address on this machine; pass another --host`);
    throw err;
  }
  io.out(`serving ${ctx.runsDir} at ${server.url} (Ctrl-C to stop)\n`);
  if (!daemonServing(ctx.stateBase, ctx.runsDir)) {
    io.err("catalog: no daemon keeps this index fresh: the page shows changes written through it or by other catalog commands; `catalog daemon start` shows new runs as they are made\n");
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
