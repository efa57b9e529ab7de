import { osUser } from "../../write/author.js";
import type { PlannedWrite } from "../../write/commit.js";
import { labelEntry } from "../../write/entries.js";
import { confirmAndWrite, sameEntryFor, selectTargets, type Target } from "../changes.js";
import type { LABEL_ARGS } from "../commands.js";
import { locate } from "../context.js";
import { UsageError } from "../errors.js";
import { prepareListing } from "../listing.js";
import { openFresh } from "../refresh.js";
import type { ArgsOf, Io } from "../spec.js";

/** `catalog label [SPEC...] --set LABEL | --clear`, as `gage label`: one entry per target. */
export async function runLabel(a: ArgsOf<typeof LABEL_ARGS>, io: Io): Promise<number> {
  if ((a.set === undefined) === !a.clear) throw new UsageError("give either --set LABEL or --clear");
  const req = prepareListing(a);
  const ctx = locate(a);
  const author = a.author ?? osUser();
  const store = await openFresh(ctx, true, io.tty ? io.err : undefined);
  let targets: Target[];
  let writes: PlannedWrite[];
  try {
    targets = await selectTargets(store, req, a.specs, a.all);
    // Clearing the label of a run that has no attr log changes nothing (Gage writes nothing).
    writes = await sameEntryFor(store, ctx, targets, labelEntry(author, a.set ?? null), a.set === undefined);
  } finally {
    await store.close();
  }
  const action = a.set !== undefined ? `set the label of` : "clear the label of";
  if (!(await confirmAndWrite(ctx, targets, writes, action, a, io))) return 1;
  const n = `${targets.length} ${targets[0]!.kind}${targets.length === 1 ? "" : "s"}`;
  if (!a.dryRun) io.out(a.set !== undefined ? `set the label of ${n}\n` : `cleared the label of ${n}\n`);
  return 0;
}
