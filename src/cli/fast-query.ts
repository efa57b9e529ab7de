import parse from "yargs-parser";
import { UsageError } from "../query/filters.js";
import { GLOBAL_OPTIONS, QUERY_OPTIONS } from "./commands/query-options.js";
import { runQuery, type QueryArgs } from "./commands/query.js";

type OptionDef = {
  readonly alias?: string;
  readonly type: "string" | "boolean" | "number";
  readonly array?: boolean;
  readonly default?: unknown;
  readonly choices?: readonly string[];
};

const OPTIONS: Readonly<Record<string, OptionDef>> = { ...GLOBAL_OPTIONS, ...QUERY_OPTIONS };

/**
 * `catalog query` without loading yargs. yargs costs ~70 ms of start-up here (its help renderer
 * pulls in string-width and cliui), more than a query over 100k runs; so `query` — the command
 * scripts call in loops — parses with yargs-parser, yargs's own parser, from the same option
 * table, and is held to the same rules: unknown options and bad choices are usage errors.
 * `--help` and every other command go through yargs.
 */
export async function fastQuery(argv: readonly string[], out: (s: string) => void): Promise<void> {
  const names = Object.keys(OPTIONS);
  const pick = (t: OptionDef["type"]) => names.filter((n) => OPTIONS[n]!.type === t);
  const parsed = parse([...argv], {
    alias: Object.fromEntries(names.filter((n) => OPTIONS[n]!.alias).map((n) => [n, [OPTIONS[n]!.alias!]])),
    boolean: pick("boolean"),
    string: pick("string"),
    number: pick("number"),
    array: names.filter((n) => OPTIONS[n]!.array),
    default: Object.fromEntries(names.filter((n) => OPTIONS[n]!.default !== undefined).map((n) => [n, OPTIONS[n]!.default])),
    configuration: { "strip-aliased": false, "greedy-arrays": false },
  });
  const known = new Set(["_", "$0", ...names, ...names.map(camel), ...names.flatMap((n) => (OPTIONS[n]!.alias ? [OPTIONS[n]!.alias!] : []))]);
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  const extra = parsed._.slice(1);
  if (unknown.length > 0 || extra.length > 0) {
    const first = unknown[0] ?? String(extra[0]);
    throw new UsageError(`Unknown argument: ${first}`);
  }
  for (const [name, def] of Object.entries(OPTIONS)) {
    const v = parsed[camel(name)] as unknown;
    if (def.choices && v !== undefined && !def.choices.includes(String(v))) {
      throw new UsageError(`Invalid values: Argument: ${name}, Given: ${JSON.stringify(v)}, Choices: ${def.choices.map((c) => JSON.stringify(c)).join(", ")}`);
    }
    if (def.type !== "boolean" && !def.array && Array.isArray(v)) throw new UsageError(`--${name} given more than once`);
  }
  await runQuery(parsed as unknown as QueryArgs, out);
}

const camel = (s: string) => s.replace(/-([a-z])/gu, (_m, c: string) => c.toUpperCase());
