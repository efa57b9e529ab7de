/**
 * A listing's query string, read as `catalog query` reads its options: the same names
 * (`where`, `tag`, `status`, `op`, `since`, `until`, `in-group`, `deleted`, `archive`, `label`,
 * `sort`, `columns`), repeatable where the option is, plus `offset` and `limit` for paging.
 * Strict like the CLI: an unknown parameter or a bad value is refused, never ignored.
 */
import type { ListingArgs } from "../cli/listing.js";
import { STATUSES, type Status } from "../query/filters.js";
import { HttpError } from "./http.js";

/** What a listing request asks for, checked. */
export interface ListingQuery {
  readonly args: ListingArgs;
  readonly sort: string | undefined;
  readonly offset: number;
  readonly limit: number;
  /** `--columns` text, parsed by the query layer */
  readonly columns: string | undefined;
}

export const DEFAULT_LIMIT = 50;
/** A page is read at once and sent whole; larger pages are refused rather than slow. */
export const MAX_LIMIT = 1000;

const RUN_ONLY = ["in-group", "deleted", "archive"] as const;
const COMMON = ["where", "tag", "label", "status", "op", "since", "until", "sort", "offset", "limit", "columns"] as const;
const REPEATABLE = new Set(["tag", "status"]);

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/u.test(text) || Number(text) < min || Number(text) > max) {
    throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`, { param: name });
  }
  return Number(text);
}

function flag(name: string, text: string): boolean {
  if (text === "" || text === "1" || text === "true") return true;
  if (text === "0" || text === "false") return false;
  throw new HttpError(400, `${name} is true or false, not ${JSON.stringify(text)}`, { param: name });
}

/** Reads the query string of `/api/runs` (or `/api/groups` with `kind` "group"). */
export function listingQuery(params: URLSearchParams, kind: "run" | "group", defaults: { limit?: number } = {}): ListingQuery {
  const known = new Set<string>(kind === "run" ? [...COMMON, ...RUN_ONLY] : COMMON);
  for (const name of new Set(params.keys())) {
    if (!known.has(name)) throw new HttpError(400, `unknown parameter ${JSON.stringify(name)}; use ${[...known].join(", ")}`, { param: name });
    if (!REPEATABLE.has(name) && params.getAll(name).length > 1) throw new HttpError(400, `${name} may be given once`, { param: name });
  }
  const one = (name: string): string | undefined => params.get(name) ?? undefined;
  // An empty box in the page means no filter (as `--where ''` is none); other empty values are refused as in the CLI.
  const text = (name: string): string | undefined => {
    const v = one(name);
    if (v === "") throw new HttpError(400, `${name} is empty; leave it out instead`, { param: name });
    return v;
  };
  const statuses = params.getAll("status");
  for (const s of statuses) {
    if (!(STATUSES as readonly string[]).includes(s)) throw new HttpError(400, `status ${JSON.stringify(s)} is not one of ${STATUSES.join(", ")}`, { param: "status" });
  }
  const tags = params.getAll("tag");
  if (tags.includes("")) throw new HttpError(400, "tag is empty", { param: "tag" });
  const where = one("where");
  const args: ListingArgs = {
    groups: kind === "group",
    tag: tags,
    label: text("label"),
    status: statuses as Status[],
    op: text("op"),
    since: text("since"),
    until: text("until"),
    inGroup: text("in-group"),
    deleted: params.has("deleted") ? flag("deleted", params.get("deleted")!) : false,
    archive: text("archive"),
    where: where === undefined || where.trim() === "" ? undefined : where,
  };
  const columns = one("columns");
  return {
    args,
    sort: text("sort"),
    offset: params.has("offset") ? wholeNumber("offset", params.get("offset")!, 0, Number.MAX_SAFE_INTEGER) : 0,
    limit: params.has("limit") ? wholeNumber("limit", params.get("limit")!, 1, MAX_LIMIT) : (defaults.limit ?? DEFAULT_LIMIT),
    columns: columns === undefined || columns.trim() === "" ? undefined : columns,
  };
}
