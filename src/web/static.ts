/**
 * The page's files, built by Vite into dist/web. Every path that is not a file there is one of
 * the page's own views (`/groups/<id>`, `/runs/<id>`, `/?where=…`), answered with index.html so
 * that a shared link opens where it was taken. Hashed assets are cached for good; index.html is
 * read again on each load, so a rebuilt page is picked up.
 */
import { readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { HttpError, SECURITY_HEADERS } from "./http.js";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** Sends the file a page path names under `root`, or index.html. */
export function sendStatic(res: ServerResponse, root: string, pathname: string, head: boolean): void {
  const index = join(root, "index.html");
  if (!isFile(index)) throw new HttpError(500, `the page is not built (no ${index}); run \`npm run build\``);
  let path = index;
  if (pathname.startsWith("/assets/")) {
    const assets = join(root, "assets");
    let candidate: string;
    try {
      candidate = normalize(join(root, decodeURIComponent(pathname)));
    } catch {
      throw new HttpError(400, `not a path: ${pathname}`);
    }
    if (!candidate.startsWith(assets + sep) || !isFile(candidate)) throw new HttpError(404, `no such file: ${pathname}`);
    path = candidate;
  } else if (pathname === "/favicon.svg" && isFile(join(root, "favicon.svg"))) {
    path = join(root, "favicon.svg");
  }
  const body = readFileSync(path);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
    "Content-Length": body.length,
    "Cache-Control": path === index ? "no-cache" : "public, max-age=31536000, immutable",
  });
  res.end(head ? undefined : body);
}
