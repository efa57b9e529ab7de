/**
 * The attr-log entries each change writes (docs/writing.md), built the same for the CLI and the
 * web page: tags, labels, comments, and a group's label, tags and members.
 */
import type { AttrLogEntry } from "./attr-log-write.js";
import type { PyJson } from "./py-json.js";
import { nowMs, ulidUuid } from "./ulid.js";

/** `tag:<T>` set for each tag added (value `""`), deleted for each removed. */
export function tagEntry(author: string, add: readonly string[], remove: readonly string[]): AttrLogEntry {
  return { author, set: new Map(add.map((t) => [`tag:${t}`, ""])), delete: remove.map((t) => `tag:${t}`) };
}

/** `label` set, or deleted (`gage label --set L | --clear`). */
export function labelEntry(author: string, label: string | null): AttrLogEntry {
  return label === null ? { author, set: new Map(), delete: ["label"] } : { author, set: new Map([["label", label]]), delete: [] };
}

/**
 * A new comment, as Gage's `run_comment.add_comment`: its id is the first 13 characters of a
 * ULID-uuid of its millisecond, which is also its `timestamp`.
 */
export function newCommentEntry(author: string, msg: string): { cid: string; entry: AttrLogEntry } {
  const timestamp = nowMs();
  const cid = ulidUuid(timestamp).slice(0, 13);
  return { cid, entry: { author, set: new Map([[`comment:${cid}`, { msg, timestamp }]]), delete: [] } };
}

/** An edit sets the same key with the new text and the time of the edit (`set_comment`). */
export function editCommentEntry(author: string, cid: string, msg: string): AttrLogEntry {
  return { author, set: new Map([[`comment:${cid}`, { msg, timestamp: nowMs() }]]), delete: [] };
}

export function deleteCommentEntry(author: string, cid: string): AttrLogEntry {
  return { author, set: new Map(), delete: [`comment:${cid}`] };
}

/** A new group's first entry: `label`, then `tag:<T>` for each tag, then `run:<id>` for each member. */
export function groupEntry(author: string, o: { label?: string | undefined; tags?: readonly string[]; members?: readonly string[] }): AttrLogEntry {
  const set = new Map<string, PyJson>();
  if (o.label !== undefined) set.set("label", o.label);
  for (const t of o.tags ?? []) set.set(`tag:${t}`, "");
  for (const id of o.members ?? []) set.set(`run:${id}`, "");
  return { author, set, delete: [] };
}

/** Members added (`run:<id>` set) or removed (deleted). */
export function membersEntry(author: string, op: "add" | "remove", runIds: readonly string[]): AttrLogEntry {
  return op === "add"
    ? { author, set: new Map(runIds.map((id) => [`run:${id}`, ""])), delete: [] }
    : { author, set: new Map(), delete: runIds.map((id) => `run:${id}`) };
}
