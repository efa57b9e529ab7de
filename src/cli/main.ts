import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { exitCodeFor, oneLine, UsageError } from "./errors.js";
import { queryOptions, runQuery, type QueryArgs } from "./commands/query.js";
import { runShow, type ShowArgs } from "./commands/show.js";
import { runIndexCommand } from "./commands/index.js";
import type { GlobalArgs } from "./context.js";

const out = (s: string) => void process.stdout.write(s);

function globalOptions<T>(y: Argv<T>) {
  return y
    .option("runs-dir", { type: "string", describe: "Gage runs dir (default: GAGE_RUNS, RUNS_DIR, project .gage/runs, ~/.gage/runs)" })
    .option("db", { type: "string", describe: "catalog database (default: CATALOG_DB, else in ~/.cache/gage-catalog)" });
}

/**
 * `--sort -started` reads naturally but yargs would take `-started` for flags; join such a value
 * to its option so it stays one argument.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === "--sort" && next !== undefined && /^-[a-z_]/u.test(next)) {
      out.push(`${a}=${next}`);
      i += 1;
    } else {
      out.push(a);
    }
  }
  return out;
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  let failure: unknown = null;
  const cli = globalOptions(yargs(joinDashValues(argv)))
    .scriptName("catalog")
    .command("index", "update the index from the runs dir (incremental)", {}, (a) => runIndexCommand(a as GlobalArgs, out))
    .command("query", "list runs (or --groups) from the index", (y) => queryOptions(y), (a) => runQuery(a as unknown as QueryArgs, out))
    .command(
      "show <spec>",
      "everything known about one run or group (id, id prefix or name prefix)",
      (y) =>
        y
          .positional("spec", { type: "string", demandOption: true })
          .option("format", { alias: "f", choices: ["text", "json"] as const, default: "text" as const })
          .option("refresh", { type: "boolean", default: true, describe: "update the index first" }),
      (a) => runShow(a as unknown as ShowArgs, out),
    )
    .demandCommand(1, "name a command: index, query or show")
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => {
      failure = err ?? new UsageError(msg);
    })
    .exitProcess(false);
  try {
    await cli.parseAsync();
  } catch (err) {
    failure ??= err;
  }
  if (failure !== null) {
    process.stderr.write(`catalog: ${oneLine(failure)}\n`);
    return exitCodeFor(failure);
  }
  return 0;
}
