import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { exitCodeFor, oneLine, UsageError } from "./errors.js";
import { joinDashValues } from "./argv.js";
import { GLOBAL_OPTIONS, INDEX_OPTIONS, SHOW_OPTIONS, WATCH_OPTIONS } from "./options.js";
import type { GlobalArgs } from "./context.js";
import { queryOptions, runQuery, type QueryArgs } from "./commands/query.js";
import { runShow, type ShowArgs } from "./commands/show.js";
import { runIndexCommand, runReindexCommand } from "./commands/index.js";
import { runCheckCommand } from "./commands/check.js";
import { runDaemonStart, runDaemonStatus, runDaemonStop, runWatch, type WatchArgs } from "./commands/daemon.js";

const out = (s: string) => void process.stdout.write(s);

function globalOptions<T>(y: Argv<T>) {
  return y.options(GLOBAL_OPTIONS);
}

function watchOptions<T>(y: Argv<T>) {
  return y.options(WATCH_OPTIONS);
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  let failure: unknown = null;
  let code = 0;
  const setCode = (c: number | void) => {
    if (typeof c === "number") code = c;
  };
  const cli = globalOptions(yargs(joinDashValues(argv)))
    .scriptName("catalog")
    .command("index", "update the index from the runs dir (incremental)", (y) => y.options(INDEX_OPTIONS), (a) => runIndexCommand(a as never, out))
    .command("reindex", "rebuild the index from the files and swap it in atomically", {}, (a) => runReindexCommand(a as GlobalArgs, out))
    .command("check", "compare the index with the runs dir (exit 1 when they differ)", {}, (a) => setCode(runCheckCommand(a as GlobalArgs, out)))
    .command("query", "list runs (or --groups) from the index", (y) => queryOptions(y), (a) => runQuery(a as unknown as QueryArgs, out))
    .command(
      "show <spec>",
      "everything known about one run or group (id, id prefix or name prefix)",
      (y) =>
        y.positional("spec", { type: "string", demandOption: true }).options(SHOW_OPTIONS),
      (a) => runShow(a as unknown as ShowArgs, out),
    )
    .command("watch", "keep the index fresh in the foreground (the daemon's loop)", (y) => watchOptions(y), (a) => runWatch(a as unknown as WatchArgs))
    .command("daemon <action>", "start, stop or ask the background indexer", (y) =>
      watchOptions(y).positional("action", { choices: ["start", "stop", "status"] as const, demandOption: true }),
      async (a) => {
        const args = a as unknown as WatchArgs & { action: "start" | "stop" | "status" };
        if (args.action === "start") await runDaemonStart(args, out);
        else if (args.action === "stop") setCode(await runDaemonStop(args, out));
        else setCode(runDaemonStatus(args, out));
      },
    )
    .demandCommand(1, "name a command: index, reindex, check, query, show, watch or daemon")
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
  return code;
}
