import { existsSync } from "node:fs";
import { osUser } from "../../write/author.js";
import { targetDir } from "../../write/targets.js";
import type { PlannedWrite } from "../../write/commit.js";
import { labelEntry } from "../../write/entries.js";
import { applyWrites, confirm, logTargetOf, selectTargets, type Target } from "../changes.js";
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
  const writes: PlannedWrite[] = [];
  let targets: Target[];
  try {
    targets = await selectTargets(store, req, a.specs, a.all);
    for (const t of targets) {
      const target = await logTargetOf(store, ctx, t);
      // Clearing the label of a run that has no attr log changes nothing (Gage writes nothing).
      if (a.set === undefined && target.create && !existsSync(targetDir(target))) continue;
      writes.push({ target, entry: labelEntry(author, a.set ?? null) });
    }
  } finally {
    await store.close();
  }
  const action = a.set !== undefined ? `set the label of` : "clear the label of";
  if (!(await confirm(targets, action, a.yes || a.dryRun, io))) {
    io.err("nothing was written\n");
    return 1;
  }
  await applyWrites(ctx, writes, { dryRun: a.dryRun }, io);
  const n = `${targets.length} ${targets[0]!.kind}${targets.length === 1 ? "" : "s"}`;
  if (!a.dryRun) io.out(a.set !== undefined ? `set the label of ${n}\n` : `cleared the label of ${n}\n`);
  return 0;
}
