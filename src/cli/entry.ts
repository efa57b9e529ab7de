import { exitCodeFor, oneLine } from "./errors.js";
import { joinDashValues } from "./argv.js";
import { isLeanCommand, runLean } from "./lean.js";

/**
 * The `catalog` process. The everyday commands take the lean path (lean.ts); `--help` and the
 * daemon commands load the full yargs CLI. Modules only some commands need are imported lazily.
 */
export async function run(argv: string[]): Promise<number> {
  // `catalog query | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const args = joinDashValues(argv);
  const command = commandOf(args);
  if (isLeanCommand(command) && !args.some((a) => a === "--help" || a === "-h" || a === "--version")) {
    try {
      return await runLean(command!, args, (s) => void process.stdout.write(s));
    } catch (err) {
      process.stderr.write(`catalog: ${oneLine(err)}\n`);
      return exitCodeFor(err);
    }
  }
  const { main } = await import("./main.js");
  return main(args);
}

/** The first positional argument, skipping global options and their values. */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--runs-dir" || a === "--db") i += 1;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}
