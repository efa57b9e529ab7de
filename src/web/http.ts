/** Answers, refusals and request bodies of the server, over Node's `http`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "./api-types.js";

/** A request the server refuses, with its status and the JSON body saying why. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly detail: Omit<ApiError["error"], "message"> = {},
  ) {
    super(message);
  }

  body(): ApiError {
    return { error: { message: this.message, ...this.detail } };
  }
}

/**
 * Headers of every answer: the page loads nothing from elsewhere (no CDN, no fonts) and may not
 * be framed. Plot writes style attributes and a <style> element into its SVG, hence inline styles.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

/** Bodies are small JSON objects (a label, a comment, a few hundred run ids). */
const MAX_BODY_BYTES = 1 << 20;

/** The request's JSON body; too large or not JSON is a 413 or a 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "the request body is not JSON");
  }
}
