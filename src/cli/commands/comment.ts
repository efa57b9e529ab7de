import { commentsOf } from "../../query/details.js";
import { osUser } from "../../write/author.js";
import type { PlannedWrite } from "../../write/commit.js";
import { deleteCommentEntry, editCommentEntry, newCommentEntry } from "../../write/entries.js";
import { confirmAndWrite, logTargetOf, selectTargets, type Target } from "../changes.js";
import type { COMMENT_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { prepareListing } from "../listing.js";
import { escapeControls, localIso } from "../print/text.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

type CommentArgs = ArgsOf<typeof COMMENT_ARGS>;

/**
 * `catalog comment`, as `gage comment` (docs/writing.md, "Comments"): `-m MSG` adds a
 * comment to each target, `--list` lists them, `--edit ID -m MSG` and `--delete ID` change one
 * comment of one run (the newest run when none is named).
 */
export async function runComment(a: CommentArgs, io: Io): Promise<number> {
  const modes = [a.list, a.edit !== undefined, a.delete !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError("give one of --list, --edit ID and --delete ID");
  if (a.delete !== undefined && a.msg !== undefined) throw new UsageError("--delete takes no -m");
  if (!a.list && a.delete === undefined && a.msg === undefined) throw new UsageError("give the comment with -m MSG (or --list, --edit ID -m MSG, --delete ID)");
  const single = a.edit !== undefined || a.delete !== undefined;
  if (single && (a.specs.length > 1 || a.all)) throw new UsageError(`--${a.edit !== undefined ? "edit" : "delete"} changes one comment of one run or group; name one`);
  const specs = (single || a.list) && a.specs.length === 0 && !a.all ? ["1"] : a.specs;
  const req = prepareListing(a);
  const ctx = locate(a);
  const author = a.author ?? osUser();
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined);
  let targets: Target[];
  const writes: PlannedWrite[] = [];
  try {
    targets = await selectTargets(store, req, specs, a.all);
    if (single && targets.length > 1) throw new CliError(`${JSON.stringify(specs[0])} selects ${targets.length} ${targets[0]!.kind}s; name one`);
    const comments = await commentsOf(store, targets[0]!.kind, targets.map((t) => t.row.id));
    if (a.list) {
      for (const t of targets) {
        io.out(`${t.n}  ${t.row.name ?? ""}  ${t.row.id}\n`);
        for (const c of comments.get(t.row.id) ?? []) {
          const when = c.timestamp_ms === null ? "" : localIso(c.timestamp_ms * 1000);
          io.out(`  ${c.comment_id}  ${escapeControls(c.author)}  ${when}  ${escapeControls(c.msg)}\n`);
        }
      }
      return 0;
    }
    const id = a.edit ?? a.delete;
    if (id !== undefined) {
      const t = targets[0]!;
      if (!(comments.get(t.row.id) ?? []).some((c) => c.comment_id === id)) {
        throw new CliError(`${t.kind} ${t.row.name ?? t.row.id} has no comment ${JSON.stringify(id)}; \`catalog comment --list ${t.row.id.slice(0, 8)}${t.kind === "group" ? " -g" : ""}\` lists them`);
      }
    }
    for (const t of targets) {
      const target = await logTargetOf(store, ctx, t);
      const entry =
        a.delete !== undefined ? deleteCommentEntry(author, a.delete) : a.edit !== undefined ? editCommentEntry(author, a.edit, a.msg!) : newCommentEntry(author, a.msg!).entry;
      writes.push({ target, entry });
    }
  } finally {
    await store.close();
  }
  const action = a.delete !== undefined ? "delete a comment of" : a.edit !== undefined ? "edit a comment of" : "comment on";
  if (!(await confirmAndWrite(ctx, targets, writes, action, a, io))) return 1;
  if (a.dryRun) return 0;
  const t = targets[0]!;
  const what = targets.length === 1 ? `${t.kind} ${t.row.name ?? t.row.id}` : `${targets.length} ${t.kind}s`;
  if (a.delete !== undefined) io.out(`deleted comment ${a.delete} of ${what}\n`);
  else if (a.edit !== undefined) io.out(`edited comment ${a.edit} of ${what}\n`);
  else if (writes.length === 1) io.out(`added comment ${[...writes[0]!.entry.set.keys()][0]!.slice("comment:".length)} to ${what}\n`);
  else io.out(`added a comment to ${what}\n`);
  return 0;
}
