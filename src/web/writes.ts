/**
 * The page's writes — a new group, tags, a label, a comment — made as the CLI's write commands
 * make them (docs/writing.md): entries built by src/write/entries.ts, written by `writeEntries`
 * (or `createGroupDir` for a new group), then the entries written indexed, so that the answer
 * to the request already shows the change. The author is the OS user of the server.
 */
import { existsSync } from "node:fs";
import { writeEntries, checkWritable, WriteError, type PlannedWrite } from "../write/commit.js";
import { groupEntry, labelEntry, newCommentEntry, tagEntry } from "../write/entries.js";
import { createGroupDir, newGroupId } from "../write/group-write.js";
import { groupLogTarget, runLogTarget, targetDir, UnsafeNameError, type LogTarget } from "../write/targets.js";
import type { AttrChange, NewComment, NewGroup } from "./api-types.js";
import type { IndexData } from "./data.js";
import { HttpError } from "./http.js";

export type Owner = { readonly kind: "run" | "group"; readonly id: string };

/** Run ids a group may list at once from the page (a selection of a few pages). */
const MAX_MEMBERS = 10_000;

// ---- request bodies, checked ----

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new HttpError(400, `unknown field ${JSON.stringify(k)}; use ${keys.join(", ")}`);
}

function text(name: string, v: unknown): string {
  if (typeof v !== "string" || v.trim() === "") throw new HttpError(400, `${name} must be a non-empty string`);
  return v;
}

function texts(name: string, v: unknown, max = 1000): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > max) throw new HttpError(400, `${name} must be a list of at most ${max} strings`);
  return v.map((x, i) => text(`${name}[${i}]`, x));
}

export function newGroupBody(body: unknown): NewGroup {
  const o = object(body);
  only(o, ["members", "label", "tags"]);
  const members = texts("members", o["members"], MAX_MEMBERS);
  return { members: [...new Set(members)], ...(o["label"] === undefined ? {} : { label: text("label", o["label"]) }), tags: texts("tags", o["tags"]) };
}

export function attrChangeBody(body: unknown): AttrChange {
  const o = object(body);
  only(o, ["label", "addTags", "removeTags"]);
  const addTags = texts("addTags", o["addTags"]);
  const removeTags = texts("removeTags", o["removeTags"]);
  const both = addTags.find((t) => removeTags.includes(t));
  if (both !== undefined) throw new HttpError(400, `addTags and removeTags both name ${JSON.stringify(both)}`);
  const label = o["label"] === undefined ? undefined : o["label"] === null ? null : text("label", o["label"]);
  if (label === undefined && addTags.length === 0 && removeTags.length === 0) throw new HttpError(400, "nothing to change: give label, addTags or removeTags");
  return { ...(label === undefined ? {} : { label }), addTags, removeTags };
}

export function newCommentBody(body: unknown): NewComment {
  const o = object(body);
  only(o, ["msg"]);
  return { msg: text("msg", o["msg"]) };
}

// ---- writing ----

/** Where an owner's attributes are logged; 404 when the index does not know it. */
async function logTarget(data: IndexData, owner: Owner): Promise<LogTarget> {
  const runsDir = data.ctx.runsDir;
  try {
    if (owner.kind === "run") {
      if (!(await data.existingRuns([owner.id])).has(owner.id)) throw new HttpError(404, `no run ${owner.id}`);
      return runLogTarget(runsDir, owner.id);
    }
    const dir = await data.groupDir(owner.id);
    if (dir === undefined) throw new HttpError(404, `no group ${owner.id}`);
    return groupLogTarget(runsDir, dir);
  } catch (err) {
    if (err instanceof UnsafeNameError) throw new HttpError(400, err.message);
    throw err;
  }
}

/** Writes the entries and indexes what was written, even when only some could be. */
async function commit(data: IndexData, writes: readonly PlannedWrite[]): Promise<void> {
  let written: readonly string[];
  try {
    written = writeEntries(writes);
  } catch (err) {
    if (err instanceof WriteError && err.written.length > 0) await data.indexWritten(err.written);
    throw err;
  }
  if (written.length > 0) await data.indexWritten(written);
}

/** A new `<gid>.group/` listing these runs (each must be in the index); returns the group id. */
export async function createGroup(data: IndexData, author: string, g: NewGroup): Promise<string> {
  const known = await data.existingRuns(g.members);
  const unknown = g.members.find((id) => !known.has(id));
  if (unknown !== undefined) throw new HttpError(400, `no run ${unknown}; nothing was written`);
  const gid = newGroupId();
  const entry = `${gid}.group`;
  checkWritable({ runsDir: data.ctx.runsDir, entry, create: true });
  createGroupDir(data.ctx.runsDir, gid, groupEntry(author, { label: g.label, tags: g.tags ?? [], members: g.members }));
  await data.indexWritten([entry]);
  return gid;
}

/** Tags added and removed in one entry, then the label in another (as `catalog tag` and `catalog label`). */
export async function changeAttrs(data: IndexData, author: string, owner: Owner, c: AttrChange): Promise<void> {
  const target = await logTarget(data, owner);
  const add = c.addTags ?? [];
  const remove = c.removeTags ?? [];
  // Removing a tag or clearing the label of a run that has no attr log yet changes nothing
  // (Gage's log_user_attrs), and writes nothing, as the CLI.
  const hasLog = !target.create || existsSync(targetDir(target));
  const writes: PlannedWrite[] = [];
  if (add.length > 0 || (remove.length > 0 && hasLog)) writes.push({ target, entry: tagEntry(author, add, remove) });
  if (c.label !== undefined && (c.label !== null || hasLog)) writes.push({ target, entry: labelEntry(author, c.label) });
  await commit(data, writes);
}

/** A new comment (as `catalog comment -m`); returns its id. */
export async function addComment(data: IndexData, author: string, owner: Owner, c: NewComment): Promise<string> {
  const target = await logTarget(data, owner);
  const { cid, entry } = newCommentEntry(author, c.msg);
  await commit(data, [{ target, entry }]);
  return cid;
}
