/**
 * Help text, rendered by yargs from the command table. Loaded only when help is asked for:
 * yargs and its renderer cost more start-up than a whole query.
 */
import type { Argv, Options as YargsOption, PositionalOptions } from "yargs";
import { commandName } from "./parse.js";
import type { CommandSpec, OptionSpec, Options } from "./spec.js";

function yargsOption(spec: OptionSpec): YargsOption {
  const o: YargsOption = {
    describe: spec.describe,
    type: spec.type === "integer" ? "number" : spec.type,
  };
  if (spec.alias) o.alias = spec.alias;
  if (spec.array) o.array = true;
  if (spec.choices) o.choices = [...spec.choices];
  if (spec.default !== undefined) o.default = spec.default;
  return o;
}

function usage(c: CommandSpec): string {
  if (c.subcommands) return `${c.name} <${c.subcommands.map((s) => s.name).join("|")}>`;
  const positionals = (c.positionals ?? []).map((p) => (p.variadic ? `[${p.name}..]` : p.required ? `<${p.name}>` : `[${p.name}]`));
  return [c.name, ...positionals].join(" ");
}

function declare(y: Argv, c: CommandSpec): Argv {
  return y.command([usage(c), ...(c.aliases ?? [])], c.summary, (sub) => {
    let b = sub;
    if (c.description) b = b.usage(`$0 ${usage(c)}\n\n${c.description}`);
    for (const p of c.positionals ?? []) {
      const po: PositionalOptions = { describe: p.describe, type: "string" };
      if (p.variadic) po.array = true;
      b = b.positional(p.name, po);
    }
    b = b.options(yargsOptions(c.options ?? {}));
    for (const [cmd, what] of c.examples ?? []) b = b.example(cmd, what);
    for (const s of c.subcommands ?? []) b = declare(b, s);
    return b;
  });
}

function yargsOptions(options: Options): Record<string, YargsOption> {
  return Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, yargsOption(spec)]));
}

/** The help of a command (or of `catalog` itself for an empty path), as yargs renders it. */
export async function renderHelp(table: readonly CommandSpec[], path: readonly CommandSpec[], width: number): Promise<string> {
  const { default: yargs } = await import("yargs");
  let y = yargs()
    .scriptName("catalog")
    .usage(path.length === 0 ? "$0 <command> [options]\n\nAn index of Gage ML runs and run groups." : commandName(path))
    .wrap(Math.min(width, 100))
    .help("help")
    .alias("help", "h")
    .version(false)
    .strict(false)
    .exitProcess(false);
  for (const c of table) y = declare(y, c);
  if (path.length === 0) {
    y = y
      .example("catalog query -g --tag color=green", "run groups tagged color=green")
      .example("catalog show 1", "the newest run")
      .epilog("Run `catalog help COMMAND` (or COMMAND --help) for a command's options. Exit codes: 0 ok, 1 error, 2 usage.");
  }
  return new Promise((resolve, reject) => {
    y.parse(
      [...path.map((c) => c.name), "--help"],
      {},
      (err: Error | undefined, _argv: unknown, output: string) => (err ? reject(err) : resolve(output)),
    );
  });
}
