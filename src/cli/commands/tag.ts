import { osUser } from "../../write/author.js";
import type { PlannedWrite } from "../../write/commit.js";
import { tagEntry } from "../../write/entries.js";
import { confirmAndWrite, sameEntryFor, selectTargets, type Target } from "../changes.js";
import type { TAG_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { UsageError } from "../errors.js";
import { prepareListing } from "../listing.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

/** `catalog tag [SPEC...] --add T... --remove T...`: one attr-log entry per target. */
export async function runTag(a: ArgsOf<typeof TAG_ARGS>, io: Io): Promise<number> {
  if (a.add.length === 0 && a.remove.length === 0) throw new UsageError("give --add TAG or --remove TAG (or both)");
  const both = a.add.filter((t) => a.remove.includes(t));
  if (both.length > 0) throw new UsageError(`--add and --remove both name ${JSON.stringify(both[0])}; give each tag once`);
  const req = prepareListing(a);
  const ctx = locate(a);
  const author = a.author ?? osUser();
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined);
  let targets: Target[];
  let writes: PlannedWrite[];
  try {
    targets = await selectTargets(store, req, a.specs, a.all);
    // Removing from a run that has no attr log yet changes nothing (Gage's log_user_attrs).
    writes = await sameEntryFor(store, ctx, targets, tagEntry(author, a.add, a.remove), a.add.length === 0);
  } finally {
    await store.close();
  }
  const action = [a.add.length > 0 ? `tag ${a.add.join(", ")}` : "", a.remove.length > 0 ? `untag ${a.remove.join(", ")}` : ""].filter(Boolean).join(" and ");
  if (!(await confirmAndWrite(ctx, targets, writes, action, a, io))) return 1;
  if (!a.dryRun) io.out(`${action}: ${targets.length} ${targets[0]!.kind}${targets.length === 1 ? "" : "s"}\n`);
  return 0;
}
