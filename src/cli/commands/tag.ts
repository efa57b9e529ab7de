import { tagEntry } from "../../write/entries.js";
import { confirmAndWrite, planSameEntry } from "../changes.js";
import type { TAG_ARGS } from "../commands.js";
import { UsageError } from "../errors.js";
import type { ArgsOf, Io } from "../spec.js";

/** `catalog tag [SPEC...] --add T... --remove T...`: one attr-log entry per target. */
export async function runTag(a: ArgsOf<typeof TAG_ARGS>, io: Io): Promise<number> {
  if (a.add.length === 0 && a.remove.length === 0) throw new UsageError("give --add TAG or --remove TAG (or both)");
  const both = a.add.filter((t) => a.remove.includes(t));
  if (both.length > 0) throw new UsageError(`--add and --remove both name ${JSON.stringify(both[0])}; give each tag once`);
  // Removing from a run that has no attr log yet changes nothing (Gage's log_user_attrs).
  const { ctx, targets, writes } = await planSameEntry(a, io, (author) => tagEntry(author, a.add, a.remove), a.add.length === 0);
  const action = [a.add.length > 0 ? `tag ${a.add.join(", ")}` : "", a.remove.length > 0 ? `untag ${a.remove.join(", ")}` : ""].filter(Boolean).join(" and ");
  if (!(await confirmAndWrite(ctx, targets, writes, action, a, io))) return 1;
  if (!a.dryRun) io.out(`${action}: ${targets.length} ${targets[0]!.kind}${targets.length === 1 ? "" : "s"}\n`);
  return 0;
}
