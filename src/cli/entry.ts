import { exitCodeFor, oneLine } from "./errors.js";

/**
 * The `catalog` process: `query` (without --help) takes the lean path; everything else loads
 * the full yargs CLI. Modules only some commands need are imported lazily by those commands.
 */
export async function run(argv: string[]): Promise<number> {
  // `catalog query | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const { joinDashValues } = await import("./argv.js");
  const args = joinDashValues(argv);
  if (commandOf(args) === "query" && !args.some((a) => a === "--help" || a === "-h" || a === "--version")) {
    try {
      const { fastQuery } = await import("./fast-query.js");
      await fastQuery(args, (s) => void process.stdout.write(s));
      return 0;
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
