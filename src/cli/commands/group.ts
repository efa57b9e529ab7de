import { join } from "node:path";
import { allGroups, groupMembers, type GroupRow } from "../../query/groups.js";
import { osUser } from "../../write/author.js";
import { attrLogText } from "../../write/attr-log-write.js";
import type { LogTarget } from "../../write/targets.js";
import { createGroupDir, newGroupId } from "../../write/group-write.js";
import { runName } from "../../disk/proquint.js";
import { checkWritable } from "../../write/commit.js";
import { groupEntry, membersEntry } from "../../write/entries.js";
import { applyWrites, indexAfterWrite, logTargetOf, selectTargets, type Target } from "../changes.js";
import type { GROUP_CREATE_ARGS, GROUP_MEMBERS_ARGS } from "../commands.js";
import { locate, openStore, type Context } from "../context.js";
import { CliError } from "../errors.js";
import { prepareListing, selectOne, type ListingRequest } from "../listing.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

type CreateArgs = ArgsOf<typeof GROUP_CREATE_ARGS>;
type MembersArgs = ArgsOf<typeof GROUP_MEMBERS_ARGS>;

/** The run listing a group's members are chosen from (the group's own --tag/--label are not filters). */
function memberListing(a: CreateArgs | MembersArgs): ListingRequest {
  return prepareListing({ ...a, groups: false, tag: [], label: undefined });
}

function memberFiltered(req: ListingRequest, specs: readonly string[], all: boolean): boolean {
  const f = req.args;
  return specs.length > 0 || all || f.status.length > 0 || f.deleted || [f.op, f.since, f.until, f.inGroup, f.archive, f.where].some((v) => v !== undefined);
}

/**
 * `catalog group create [SPEC...] [--label L] [--tag T]...`: a new `<gid>.group/` with its id
 * file and one attr-log entry setting `label`, `tag:<T>` and `run:<id>` for each member
 * (docs/groups.md). Prints the group's number in `catalog query -g`, its id and name.
 */
export async function runGroupCreate(a: CreateArgs, io: Io): Promise<number> {
  const req = memberListing(a);
  const ctx = locate(a);
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined, false);
  let members: Target[];
  try {
    // No SPEC and no filter: an empty group, to fill with `group add`.
    members = memberFiltered(req, a.specs, a.all) ? await selectTargets(store, req, a.specs, true) : [];
  } finally {
    await store.close();
  }
  const entry = groupEntry(a.author ?? osUser(), { label: a.label, tags: a.tag, members: members.map((m) => m.row.id) });
  const gid = newGroupId();
  const dir = join(ctx.runsDir, `${gid}.group`);
  if (a.dryRun) {
    io.out(`would create ${dir}/ with id ${gid}\nwould write ${join(dir, "<new ULID-uuid>.json")}: ${attrLogText(entry)}\n`);
    return 0;
  }
  checkWritable({ runsDir: ctx.runsDir, entry: `${gid}.group`, create: true });
  createGroupDir(ctx.runsDir, gid, entry);
  await indexAfterWrite(ctx, [`${gid}.group`], io);
  io.out(`${await groupNumber(ctx, gid)}  ${gid}  ${runName(gid) ?? ""}\n`);
  return 0;
}

/** The new group's number in the default group listing. */
async function groupNumber(ctx: Context, gid: string): Promise<string> {
  const store = await openStore(ctx);
  try {
    const listing = allGroups(store);
    const row = (await listing.matching(gid)).find((g) => g.id === gid);
    return row === undefined ? "-" : String((await listing.numbers([row])).get(gid) ?? "-");
  } finally {
    await store.close();
  }
}

/** `catalog group add GROUP SPEC...`: sets `run:<id>` for each run not yet a member. */
export async function runGroupAdd(a: MembersArgs, io: Io): Promise<number> {
  return changeMembers(a, io, "add");
}

/** `catalog group remove GROUP SPEC...`: deletes `run:<id>` for each member named. */
export async function runGroupRemove(a: MembersArgs, io: Io): Promise<number> {
  return changeMembers(a, io, "remove");
}

async function changeMembers(a: MembersArgs, io: Io, op: "add" | "remove"): Promise<number> {
  const req = memberListing(a);
  const ctx = locate(a);
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined, false);
  let group: GroupRow;
  let ids: string[];
  let target: LogTarget;
  try {
    group = (await selectOne(allGroups(store), a.group, "group")).row;
    target = await logTargetOf(store, ctx, { kind: "group", n: 0, row: group });
    const members = new Set((await groupMembers(store, [group.id])).map((m) => m.run_id));
    let selected: string[];
    if (op === "remove") {
      // A member in the trash, an archive or gone from disk is in no listing: its id prefix names it.
      const byPrefix = [...members].filter((id) => a.specs.some((s) => s.length > 0 && id.startsWith(s)));
      let listed: string[] = [];
      try {
        listed = (await selectTargets(store, req, a.specs, a.all)).map((t) => t.row.id);
      } catch (err) {
        if (byPrefix.length === 0) throw err;
      }
      selected = [...new Set([...listed, ...byPrefix])];
      ids = selected.filter((id) => members.has(id));
      if (ids.length === 0) throw new CliError(`none of the runs named is a member of group ${group.name ?? group.id}; nothing was written`);
    } else {
      selected = (await selectTargets(store, req, a.specs, a.all)).map((t) => t.row.id);
      ids = selected.filter((id) => !members.has(id));
      if (ids.length === 0) {
        io.out(`every run named is already a member of group ${group.name ?? group.id}; nothing was written\n`);
        return 0;
      }
    }
  } finally {
    await store.close();
  }
  const author = a.author ?? osUser();
  await applyWrites(ctx, [{ target, entry: membersEntry(author, op, ids) }], { dryRun: a.dryRun }, io);
  if (!a.dryRun) io.out(`${op === "add" ? "added" : "removed"} ${ids.length} run${ids.length === 1 ? "" : "s"} ${op === "add" ? "to" : "from"} group ${group.name ?? group.id}\n`);
  return 0;
}
