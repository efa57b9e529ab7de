/**
 * The JSON API (docs/web.md, "The API"): listings and details read through IndexData, writes
 * through writes.ts. A handler returns the status and body to send, or throws an HttpError.
 */
import type { IncomingMessage } from "node:http";
import { CliError } from "../cli/errors.js";
import { UsageError } from "../query/filters.js";
import { WhereSyntaxError } from "../query/where/errors.js";
import { WriteError } from "../write/commit.js";
import type { ServerInfo } from "./api-types.js";
import type { IndexData } from "./data.js";
import { checkWrite } from "./guard.js";
import { HttpError, readJson } from "./http.js";
import { listingQuery } from "./params.js";
import { addComment, attrChangeBody, changeAttrs, createGroup, newCommentBody, newGroupBody, type Owner } from "./writes.js";

export interface ApiContext {
  readonly data: IndexData;
  readonly info: ServerInfo;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

type Handler = (req: IncomingMessage, url: URL, m: readonly string[], c: ApiContext) => Promise<Reply>;

const ok = (body: unknown): Reply => ({ status: 200, body });
const found = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new HttpError(404, `no ${what}`);
  return v;
};

/** A group's members default to one page of the size a sweep has (all of them, usually). */
const MEMBERS_LIMIT = 1000;

const ID = "([^/]+)";
const ROUTES: ReadonlyArray<readonly [method: string, path: RegExp, handler: Handler]> = [
  ["GET", /^\/api\/info$/u, async (_r, _u, _m, c) => ok(c.info)],
  ["GET", /^\/api\/runs$/u, async (_r, u, _m, c) => ok(await c.data.runs(listingQuery(u.searchParams, "run")))],
  ["GET", /^\/api\/groups$/u, async (_r, u, _m, c) => ok(await c.data.groups(listingQuery(u.searchParams, "group")))],
  ["GET", new RegExp(`^/api/runs/${ID}$`, "u"), async (_r, _u, m, c) => ok(found(await c.data.run(m[0]!), `run ${m[0]}`))],
  ["GET", new RegExp(`^/api/groups/${ID}$`, "u"), async (_r, _u, m, c) => ok(found(await c.data.group(m[0]!), `group ${m[0]}`))],
  [
    "GET",
    new RegExp(`^/api/groups/${ID}/members$`, "u"),
    async (_r, u, m, c) => {
      const q = listingQuery(u.searchParams, "run", { limit: MEMBERS_LIMIT });
      if (q.args.inGroup !== undefined) throw new HttpError(400, "in-group is the group of the path", { param: "in-group" });
      return ok(found(await c.data.members(m[0]!, q), `group ${m[0]}`));
    },
  ],
  [
    "POST",
    /^\/api\/groups$/u,
    async (r, _u, _m, c) => {
      const gid = await createGroup(c.data, c.info.author, newGroupBody(await readJson(r)));
      return { status: 201, body: found(await c.data.group(gid), `group ${gid}`) };
    },
  ],
  ["PATCH", new RegExp(`^/api/(runs|groups)/${ID}$`, "u"), async (r, _u, m, c) => patch(owner(m), await readJson(r), c)],
  [
    "POST",
    new RegExp(`^/api/(runs|groups)/${ID}/comments$`, "u"),
    async (r, _u, m, c) => {
      const o = owner(m);
      await addComment(c.data, c.info.author, o, newCommentBody(await readJson(r)));
      return { status: 201, body: await current(o, c) };
    },
  ],
];

function owner(m: readonly string[]): Owner {
  return { kind: m[0] === "runs" ? "run" : "group", id: m[1]! };
}

async function current(o: Owner, c: ApiContext): Promise<unknown> {
  return found(o.kind === "run" ? await c.data.run(o.id) : await c.data.group(o.id), `${o.kind} ${o.id}`);
}

async function patch(o: Owner, body: unknown, c: ApiContext): Promise<Reply> {
  await changeAttrs(c.data, c.info.author, o, attrChangeBody(body));
  return ok(await current(o, c));
}

/** Answers an `/api/...` request. */
export async function handleApi(req: IncomingMessage, url: URL, c: ApiContext): Promise<Reply> {
  const method = req.method ?? "GET";
  let pathMatched = false;
  for (const [m, path, handler] of ROUTES) {
    const match = path.exec(url.pathname);
    if (!match) continue;
    pathMatched = true;
    if (m !== method && !(m === "GET" && method === "HEAD")) continue;
    if (method !== "GET" && method !== "HEAD") checkWrite(req);
    try {
      return await handler(req, url, match.slice(1).map(decodeURIComponent), c);
    } catch (err) {
      throw asHttpError(err);
    }
  }
  throw pathMatched ? new HttpError(405, `${method} is not allowed on ${url.pathname}`) : new HttpError(404, `no API at ${url.pathname}`);
}

/** The query layer's errors as answers: a bad expression or option is the request's fault. */
function asHttpError(err: unknown): unknown {
  if (err instanceof WhereSyntaxError) {
    const param = err.option === "--columns" ? "columns" : "where";
    return new HttpError(400, `${param}: ${err.reason} (column ${err.column + 1})`, { param, expression: err.expression, column: err.column, reason: err.reason });
  }
  if (err instanceof UsageError) return new HttpError(400, err.message.replace(/^--/u, ""));
  if (err instanceof WriteError) return new HttpError(500, err.message);
  if (err instanceof CliError) return new HttpError(400, err.message);
  return err;
}
