/** The server's JSON API, as the page calls it (docs/web.md, "The API"). */
import type { ApiError } from "../../src/web/api-types.js";

export type {
  ApiError,
  AttrChange,
  Cell,
  Column,
  CommentJson,
  GroupJson,
  ListingPage,
  MembersPage,
  NewGroup,
  RunDetailJson,
  RunJson,
  ServerInfo,
} from "../../src/web/api-types.js";

/** A refused request, with the server's reason (and, for a bad `where`, the spot). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError["error"],
  ) {
    super(error.message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const error = (body as ApiError | null)?.error ?? { message: `${res.status} ${res.statusText}` };
    throw new ApiFailure(res.status, error);
  }
  return body as T;
}

export async function getJson<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const q = params && [...params.keys()].length > 0 ? `?${params}` : "";
  return answer<T>(await fetch(`${path}${q}`, { headers: { Accept: "application/json" }, ...(signal ? { signal } : {}) }));
}

/** A write: the browser adds this page's Origin, which the server requires along with the JSON type. */
export async function sendJson<T>(method: "POST" | "PATCH", path: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(path, { method, headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }));
}

export const runPath = (id: string) => `/runs/${encodeURIComponent(id)}`;
export const groupPath = (id: string) => `/groups/${encodeURIComponent(id)}`;
