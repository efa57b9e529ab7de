import { checkIndex } from "../../index/check.js";
import { locate, openForRead, type GlobalArgs } from "../context.js";

/**
 * `catalog check`: index versus disk, without writing. Returns the exit code: 1 when the index
 * differs from the disk or holds index errors.
 */
export function runCheckCommand(args: GlobalArgs, out: (s: string) => void): number {
  const ctx = locate(args);
  const db = openForRead(ctx);
  try {
    const r = checkIndex(db, ctx.runsDir);
    if (r.otherRunsDir !== null) out(`note: the index was built from ${r.otherRunsDir}\n`);
    for (const u of r.stale) out(`stale: ${u} changed on disk since it was indexed\n`);
    for (const u of r.notIndexed) out(`not indexed: ${u}\n`);
    for (const u of r.gone) out(`gone from disk: ${u}\n`);
    for (const e of r.errors) out(`index error: ${e.path}: ${e.message}\n`);
    const differs = r.stale.length + r.notIndexed.length + r.gone.length;
    if (differs === 0 && r.errors.length === 0) {
      out(`ok: the index matches ${ctx.runsDir} (${r.units} entries)\n`);
      return 0;
    }
    out(
      `${differs === 0 ? "the index matches the disk" : `the index differs from the disk: ${r.stale.length} stale, ${r.notIndexed.length} not indexed, ${r.gone.length} gone`}; ${r.errors.length} index errors\n`,
    );
    if (differs > 0) out("run `catalog index` (or `catalog reindex`) to bring it up to date\n");
    return 1;
  } finally {
    db.close();
  }
}
