import parse from "yargs-parser";
import { UsageError } from "../query/filters.js";
import type { GlobalArgs } from "./context.js";
import { GLOBAL_OPTIONS, INDEX_OPTIONS, QUERY_OPTIONS, SHOW_OPTIONS } from "./options.js";
// Static: `query` and `show` are the start-up-critical commands, so they live in the entry chunk.
import { runQuery } from "./commands/query.js";
import { runShow } from "./commands/show.js";

type OptionDef = {
  readonly alias?: string;
  readonly type: "string" | "boolean" | "number";
  readonly array?: boolean;
  readonly default?: unknown;
  readonly choices?: readonly string[];
};
type Options = Readonly<Record<string, OptionDef>>;

/** Commands served without loading yargs, with their options and positional arguments. */
const LEAN: Readonly<Record<string, { options: Options; positionals: readonly string[] }>> = {
  query: { options: QUERY_OPTIONS, positionals: [] },
  show: { options: SHOW_OPTIONS, positionals: ["spec"] },
  index: { options: INDEX_OPTIONS, positionals: [] },
  reindex: { options: {}, positionals: [] },
  check: { options: {}, positionals: [] },
};

export function isLeanCommand(command: string | undefined): boolean {
  return command !== undefined && command in LEAN;
}

/**
 * Runs `query`, `show`, `index`, `reindex` or `check` without loading yargs. yargs costs ~70 ms
 * of start-up here (its help renderer pulls in string-width and cliui) — more than a query over
 * 100k runs, and as much as a no-change refresh — so these commands parse with yargs-parser,
 * yargs's own parser, from the same option tables, held to the same rules: unknown options,
 * extra arguments and bad choices are usage errors. `--help` and the daemon commands go through
 * yargs (main.ts). Returns the exit code.
 */
export async function runLean(command: string, argv: readonly string[], out: (s: string) => void): Promise<number> {
  const spec = LEAN[command]!;
  const args = parseArgs(argv, { ...GLOBAL_OPTIONS, ...spec.options }, spec.positionals);
  switch (command) {
    case "query":
      await runQuery(args as never, out);
      return 0;
    case "show":
      await runShow(args as never, out);
      return 0;
    case "index": {
      const { runIndexCommand } = await import("./commands/index.js");
      await runIndexCommand(args as never, out);
      return 0;
    }
    case "reindex": {
      const { runReindexCommand } = await import("./commands/index.js");
      await runReindexCommand(args as GlobalArgs, out);
      return 0;
    }
    default: {
      const { runCheckCommand } = await import("./commands/check.js");
      return runCheckCommand(args as GlobalArgs, out);
    }
  }
}

function parseArgs(argv: readonly string[], options: Options, positionals: readonly string[]): Record<string, unknown> {
  const names = Object.keys(options);
  const pick = (t: OptionDef["type"]) => names.filter((n) => options[n]!.type === t);
  const parsed = parse([...argv], {
    alias: Object.fromEntries(names.filter((n) => options[n]!.alias).map((n) => [n, [options[n]!.alias!]])),
    boolean: pick("boolean"),
    string: pick("string"),
    number: pick("number"),
    array: names.filter((n) => options[n]!.array),
    default: Object.fromEntries(names.filter((n) => options[n]!.default !== undefined).map((n) => [n, options[n]!.default])),
    configuration: { "strip-aliased": false, "greedy-arrays": false },
  });
  const known = new Set(["_", "$0", ...names, ...names.map(camel), ...names.flatMap((n) => (options[n]!.alias ? [options[n]!.alias!] : []))]);
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new UsageError(`Unknown argument: ${unknown[0]}`);
  const rest = parsed._.slice(1).map(String);
  if (rest.length > positionals.length) throw new UsageError(`Unknown argument: ${rest[positionals.length]}`);
  if (rest.length < positionals.length) throw new UsageError(`Not enough non-option arguments: got ${rest.length}, need at least ${positionals.length}`);
  positionals.forEach((p, i) => (parsed[p] = rest[i]));
  for (const [name, def] of Object.entries(options)) {
    const v = parsed[camel(name)] as unknown;
    if (def.choices && v !== undefined && !def.choices.includes(String(v))) {
      throw new UsageError(`Invalid values: Argument: ${name}, Given: ${JSON.stringify(v)}, Choices: ${def.choices.map((c) => JSON.stringify(c)).join(", ")}`);
    }
    if (def.type !== "boolean" && !def.array && Array.isArray(v)) throw new UsageError(`--${name} given more than once`);
  }
  return parsed;
}

const camel = (s: string) => s.replace(/-([a-z])/gu, (_m, c: string) => c.toUpperCase());
