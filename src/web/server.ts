/**
 * `catalog serve`: an HTTP server (Node's own `http`; a handful of routes need no framework)
 * bound to loopback by default, answering the JSON API from the index, the event stream, and the
 * page's files (docs/web.md). Every request is checked against the Host it must name first.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "../cli/context.js";
import { handleApi } from "./api.js";
import type { ServerInfo } from "./api-types.js";
import { IndexData } from "./data.js";
import { IndexEvents } from "./events.js";
import { allowedHosts, checkHost } from "./guard.js";
import { HttpError, sendJson, SECURITY_HEADERS } from "./http.js";
import { sendStatic } from "./static.js";

export interface ServeOptions {
  readonly ctx: Context;
  readonly host: string;
  /** 0: any free port */
  readonly port: number;
  /** the built page (dist/web) */
  readonly webRoot: string;
  /** who writes: the OS user */
  readonly author: string;
  readonly version: string;
  /** unexpected failures (a 500) are reported here */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** `http://host:port/` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  // Imported here, not at the top: the CLI is one bundle, and a static import would load
  // node:http at the start-up of every command (docs/architecture.md).
  const { createServer } = await import("node:http");
  const data = new IndexData(o.ctx);
  const events = new IndexEvents();
  await events.watch(o.ctx);
  const info: ServerInfo = { runsDir: o.ctx.runsDir, dbPath: o.ctx.dbLabel, author: o.author, version: o.version };
  let allowed = new Set<string>();

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHost(req, allowed);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (url.pathname === "/api/events") {
      if (req.method !== "GET") throw new HttpError(405, "the event stream is read with GET");
      events.subscribe(res);
      return;
    }
    if (url.pathname.startsWith("/api/")) {
      const reply = await handleApi(req, url, { data, info });
      sendJson(res, reply.status, reply.body);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`);
    sendStatic(res, o.webRoot, url.pathname, req.method === "HEAD");
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, err instanceof Error ? err.message : String(err));
      if (!(err instanceof HttpError) || e.status >= 500) o.log?.(`catalog serve: ${req.method} ${req.url}: ${e.message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (req.url?.startsWith("/api/") || e.status === 421) sendJson(res, e.status, e.body());
      else {
        res.writeHead(e.status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
        res.end(`${e.message}\n`);
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port, o.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    // a port in use: nothing may keep the process alive after the error is reported
    await events.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(o.host, port);
  const shown = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: async () => {
      await events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await data.close();
    },
  };
}
