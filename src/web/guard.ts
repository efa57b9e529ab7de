/**
 * Who may talk to the server (docs/web.md, "Security"). A page on another site cannot read the
 * API (no CORS headers are ever sent), but it could point a name it controls at 127.0.0.1 (DNS
 * rebinding) and so become same-origin: every request must name this server in its Host header.
 * Writes also need a same-origin `Origin` and a JSON content type, which no cross-site form or
 * simple request can send.
 */
import type { IncomingMessage } from "node:http";
import { hostname, networkInterfaces } from "node:os";
import { HttpError } from "./http.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const ANY = new Set(["0.0.0.0", "::"]);

/** `host:port` as a Host header writes it (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`.toLowerCase();
}

/**
 * The Host headers that name this server: the bound address and port; for a loopback address
 * also `localhost` and the other loopback spellings; for a wildcard bind, this machine's name
 * and addresses (the page is then reachable from the network on purpose).
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host]);
  if (LOOPBACK.has(host) || ANY.has(host)) for (const h of LOOPBACK) names.add(h);
  if (ANY.has(host)) {
    names.add(hostname());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address);
  }
  return new Set([...names].map((h) => hostPort(h, port)));
}

/** Refuses a request whose Host header does not name this server. */
export function checkHost(req: IncomingMessage, allowed: ReadonlySet<string>): void {
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !allowed.has(host)) {
    throw new HttpError(421, `this server answers to ${[...allowed].join(", ")}, not ${JSON.stringify(req.headers.host ?? "")}`);
  }
}

/** A write must come from this server's own page: a JSON body and a same-origin Origin header. */
export function checkWrite(req: IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "writes take a JSON body (Content-Type: application/json)");
  const origin = req.headers.origin;
  if (origin === undefined || origin.toLowerCase() !== `http://${req.headers.host?.toLowerCase()}`) {
    throw new HttpError(403, `writes are accepted only from this server's own page (Origin ${JSON.stringify(origin ?? "")} is not http://${req.headers.host})`);
  }
  if (req.headers["sec-fetch-site"] !== undefined && req.headers["sec-fetch-site"] !== "same-origin") {
    throw new HttpError(403, "writes are accepted only from this server's own page (a cross-site request)");
  }
}
