import { labelEntry } from "../../write/entries.js";
import { confirmAndWrite, planSameEntry } from "../changes.js";
import type { LABEL_ARGS } from "../commands.js";
import { UsageError } from "../errors.js";
import type { ArgsOf, Io } from "../spec.js";

/** `catalog label [SPEC...] --set LABEL | --clear`, as `gage label`: one entry per target. */
export async function runLabel(a: ArgsOf<typeof LABEL_ARGS>, io: Io): Promise<number> {
  if ((a.set === undefined) === !a.clear) throw new UsageError("give either --set LABEL or --clear");
  // Clearing the label of a run that has no attr log changes nothing (Gage writes nothing).
  const { ctx, targets, writes } = await planSameEntry(a, io, (author) => labelEntry(author, a.set ?? null), a.set === undefined);
  const action = a.set !== undefined ? `set the label of` : "clear the label of";
  if (!(await confirmAndWrite(ctx, targets, writes, action, a, io))) return 1;
  const n = `${targets.length} ${targets[0]!.kind}${targets.length === 1 ? "" : "s"}`;
  if (!a.dryRun) io.out(a.set !== undefined ? `set the label of ${n}\n` : `cleared the label of ${n}\n`);
  return 0;
}
