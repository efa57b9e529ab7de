import { exitCodeFor, oneLine } from "./errors.js";

/**
 * The `catalog` process: `query` (without --help) takes the lean path; everything else loads
 * the full yargs CLI. Modules only some commands need are imported lazily by those commands.
 */
export async function run(argv: string[]): Promise<number> {
  const { joinDashValues } = await import("./argv.js");
  const args = joinDashValues(argv);
  if (args[0] === "query" && !args.some((a) => a === "--help" || a === "-h" || a === "--version")) {
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
