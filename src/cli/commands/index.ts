import { locate, openForWrite, type GlobalArgs } from "../context.js";
import { runIndex } from "../refresh.js";

/** `catalog index`: an incremental index of the runs dir, in one transaction. */
export async function runIndexCommand(args: GlobalArgs, out: (s: string) => void): Promise<void> {
  const ctx = locate(args);
  const started = Date.now();
  const db = await openForWrite(ctx);
  try {
    const s = await runIndex(db, ctx);
    const secs = ((Date.now() - started) / 1000).toFixed(2);
    out(`indexed ${ctx.runsDir}: ${s.units} entries, ${s.read} read, ${s.removed} removed in ${secs}s\n`);
    if (s.errors > 0) out(`${s.errors} index errors (see \`catalog check\`)\n`);
  } finally {
    db.close();
  }
}
