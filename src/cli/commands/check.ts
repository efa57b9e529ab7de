import { checkIndex, type CheckReport } from "../../index/check.js";
import type { CHECK_ARGS } from "../commands.js";
import { indexTargetOf, locate, openForRead, requireRunsDir } from "../context.js";
import { explainDbError } from "../errors.js";
import { escapeControls } from "../print/text.js";
import type { ArgsOf, Io } from "../spec.js";

/**
 * `catalog check`: index versus disk, without writing. Exit 1 when the index differs from the
 * disk or holds errors; notes (what Gage itself skips) are shown but do not fail it.
 */
export async function runCheckCommand(a: ArgsOf<typeof CHECK_ARGS>, io: Io): Promise<number> {
  const ctx = locate(a);
  requireRunsDir(ctx);
  // an existing SQLite file must be this runs dir's current index; a team database any
  if (ctx.backend === "sqlite") openForRead(ctx).close();
  const target = await indexTargetOf(ctx, "catalog check", false);
  let r: CheckReport;
  try {
    r = await target.withReader((sink) => checkIndex(sink, ctx.runsDir));
  } catch (err) {
    throw explainDbError(err, ctx.dbLabel);
  } finally {
    await target.close();
  }
  for (const u of r.stale) io.out(`stale: ${escapeControls(u)} changed on disk since it was indexed\n`);
  for (const u of r.notIndexed) io.out(`not indexed: ${escapeControls(u)}\n`);
  for (const u of r.gone) io.out(`gone from disk: ${escapeControls(u)}\n`);
  for (const e of r.errors) io.out(`index error: ${escapeControls(e.path)}: ${escapeControls(e.message)}\n`);
  for (const e of r.notes) io.out(`note: ${escapeControls(e.path)}: ${escapeControls(e.message)}\n`);
  const differs = r.stale.length + r.notIndexed.length + r.gone.length;
  const notes = r.notes.length > 0 ? `; ${r.notes.length} notes (entries Gage itself skips)` : "";
  if (differs === 0 && r.errors.length === 0) {
    io.out(`ok: the index matches ${ctx.runsDir} (${r.units} entries)${notes}\n`);
    return 0;
  }
  io.out(
    `${differs === 0 ? "the index matches the disk" : `the index differs from the disk: ${r.stale.length} stale, ${r.notIndexed.length} not indexed, ${r.gone.length} gone`}; ${r.errors.length} index errors${notes}\n`,
  );
  if (differs > 0) io.out("run `catalog index` (or `catalog reindex`) to bring it up to date\n");
  return 1;
}
