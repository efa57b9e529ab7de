/**
 * Test support for `catalog serve`: a real server on a random port over a real runs dir and a
 * real SQLite index, and HTTP requests that may send any Host or Origin (fetch may not).
 */
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { locate, type Context } from "../src/cli/context.js";
import { startServer, type RunningServer } from "../src/web/server.js";
import { indexed, ROOT, workspace } from "./helpers.js";

export interface Served {
  readonly ws: ReturnType<typeof workspace>;
  readonly server: RunningServer;
  readonly url: string;
}

export const AUTHOR = "web-tester";

/** Indexes the runs dir `fill` writes, then serves it; close `server` after the test. */
export async function serve(fill: (runsDir: string) => void): Promise<Served> {
  const ws = workspace();
  fill(ws.runsDir);
  (await indexed(ws.runsDir, ws.dbPath)).db.close();
  const ctx: Context = locate({ runsDir: ws.runsDir, db: ws.dbPath });
  const server = await startServer({ ctx, host: "127.0.0.1", port: 0, webRoot: join(ROOT, "dist", "web"), author: AUTHOR, version: "test" });
  return { ws, server, url: server.url };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = unknown>(): T;
}

/** One HTTP request; `headers` may set Host and Origin to anything. */
export function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? "GET", headers: o.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A write as the server's own page sends it: JSON, with this server's Origin. */
export function write(url: string, method: "POST" | "PATCH", path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const origin = new URL(url).origin;
  return request(new URL(path, url).href, { method, body, headers: { "Content-Type": "application/json", Origin: origin, ...headers } });
}

export async function getJson<T>(base: string, path: string): Promise<T> {
  const a = await request(new URL(path, base).href);
  if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.text}`);
  return a.json<T>();
}
