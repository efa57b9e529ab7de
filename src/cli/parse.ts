/**
 * Reads a command line against the command table. Strict, so that nothing a user types is
 * silently ignored: an unknown command or option, an option without its value, a value outside
 * the choices, a number that is not one, a non-repeatable option given twice, an extra argument —
 * each is a usage error naming the culprit. `-h`/`--help` anywhere before `--`, `catalog help ...`
 * and `--version` are recognised first, so they never run a command.
 */
import { UsageError } from "../query/filters.js";
import { camel, type CommandSpec, type OptionSpec, type Options } from "./spec.js";
import { nearest } from "./suggest.js";

export type Parsed =
  | { readonly kind: "help"; readonly path: readonly CommandSpec[] }
  | { readonly kind: "version" }
  | { readonly kind: "run"; readonly path: readonly CommandSpec[]; readonly args: Record<string, unknown> };

const isHelpFlag = (t: string) => t === "-h" || t === "--help";

/** Every option of every command: which take a value, while the command is not known yet. */
function allOptions(table: readonly CommandSpec[]): Options {
  const out: Record<string, OptionSpec> = {};
  const visit = (list: readonly CommandSpec[]) => {
    for (const c of list) {
      Object.assign(out, c.options ?? {});
      visit(c.subcommands ?? []);
    }
  };
  visit(table);
  return out;
}

export function commandName(path: readonly CommandSpec[]): string {
  return ["catalog", ...path.map((c) => c.name)].join(" ");
}

function findCommand(list: readonly CommandSpec[], word: string): CommandSpec | undefined {
  return list.find((c) => c.name === word || (c.aliases ?? []).includes(word));
}

function unknownCommand(word: string, list: readonly CommandSpec[], under: readonly CommandSpec[]): UsageError {
  const names = list.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const guess = nearest(word, names);
  const what = under.length === 0 ? "command" : `${under.map((c) => c.name).join(" ")} subcommand`;
  return new UsageError(
    `unknown ${what} ${JSON.stringify(word)}${guess ? ` (did you mean ${guess}?)` : ""}; choose one of: ${list.map((c) => c.name).join(", ")}`,
  );
}

export function parseCommandLine(argv: readonly string[], table: readonly CommandSpec[]): Parsed {
  const dashDash = argv.indexOf("--");
  const before = dashDash < 0 ? [...argv] : argv.slice(0, dashDash);
  const after = dashDash < 0 ? [] : argv.slice(dashDash + 1);
  if (before.includes("--version")) return { kind: "version" };

  // The command path: the first word names the command, and while the command so far has
  // subcommands the next word names one. Location options (`--db x`) may come before or between.
  const shared = allOptions(table);
  const path: CommandSpec[] = [];
  const used = new Set<number>();
  for (let i = 0; i < before.length; i++) {
    const leaf = path[path.length - 1];
    if (leaf !== undefined && !leaf.subcommands) break;
    const t = before[i]!;
    if (t.startsWith("-") && t.length > 1) {
      const spec = t.startsWith("--") ? shared[t.slice(2)] : undefined;
      if (spec !== undefined && spec.type !== "boolean") i += 1;
      continue;
    }
    const level = leaf?.subcommands ?? table;
    const c = findCommand(level, t);
    if (!c) throw unknownCommand(t, level, path);
    path.push(c);
    used.add(i);
  }
  if (path[0]?.name === "help") {
    const topic = before.filter((t, i) => !used.has(i) && !t.startsWith("-"));
    return { kind: "help", path: resolveHelpPath(topic, table) };
  }
  if (path.length === 0 || before.some(isHelpFlag)) return { kind: "help", path };
  const leaf = path[path.length - 1]!;
  if (leaf.subcommands) {
    throw new UsageError(`${commandName(path)} needs a subcommand: ${leaf.subcommands.map((c) => c.name).join(", ")}`);
  }
  return { kind: "run", path, args: parseArgs(before.filter((_, i) => !used.has(i)), after, leaf, path) };
}

/** `catalog help daemon start` → [daemon, start]; an unknown word is an error. */
function resolveHelpPath(words: readonly string[], table: readonly CommandSpec[]): CommandSpec[] {
  const path: CommandSpec[] = [];
  let level = table;
  for (const w of words) {
    if (level.length === 0) throw new UsageError(`${commandName(path)} has no subcommand ${JSON.stringify(w)}`);
    const c = findCommand(level, w);
    if (!c) throw unknownCommand(w, level, path);
    path.push(c);
    level = c.subcommands ?? [];
  }
  return path;
}

function describeValue(name: string, spec: OptionSpec): string {
  return `--${name} ${spec.placeholder ?? spec.type.toUpperCase()}`;
}

function parseArgs(tokens: readonly string[], afterDashDash: readonly string[], command: CommandSpec, path: readonly CommandSpec[]): Record<string, unknown> {
  const options: Options = command.options ?? {};
  const byAlias = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) if (spec.alias) byAlias.set(spec.alias, name);
  const seeHelp = `see \`${commandName(path)} --help\``;
  const values = new Map<string, unknown>();
  const positionals: string[] = [];

  // A token is an option (never a value) when it starts with `--`, or is `-` followed by
  // letters that are all short options of this command. `-started` (for --sort) and `-2:` (a
  // slice) are values.
  const isOptionToken = (t: string): boolean => {
    if (t.startsWith("--")) return true;
    if (!t.startsWith("-") || t.length < 2) return false;
    return [...t.slice(1)].every((ch) => byAlias.has(ch) || ch === "h");
  };

  const set = (name: string, spec: OptionSpec, raw: string | boolean) => {
    const value = convert(name, spec, raw);
    if (spec.array) {
      const list = (values.get(name) as unknown[] | undefined) ?? [];
      values.set(name, [...list, value]);
    } else {
      if (values.has(name)) throw new UsageError(`--${name} is given more than once; give it once`);
      values.set(name, value);
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const takeValue = (name: string, spec: OptionSpec): string => {
      const next = tokens[i + 1];
      if (next === undefined || isOptionToken(next)) {
        throw new UsageError(`--${name} needs a value (${describeValue(name, spec)}); ${seeHelp}`);
      }
      i += 1;
      return next;
    };
    if (t.startsWith("--")) {
      const eq = t.indexOf("=");
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      const inline = eq < 0 ? undefined : t.slice(eq + 1);
      const spec = options[name];
      if (spec) {
        if (spec.type === "boolean") set(name, spec, inline === undefined ? true : inline);
        else set(name, spec, inline ?? takeValue(name, spec));
        continue;
      }
      const negated = name.startsWith("no-") ? options[name.slice(3)] : undefined;
      if (negated?.type === "boolean" && inline === undefined) {
        set(name.slice(3), negated, false);
        continue;
      }
      const guess = nearest(name, Object.keys(options));
      throw new UsageError(`unknown option --${name} for ${commandName(path)}${guess ? ` (did you mean --${guess}?)` : ""}; ${seeHelp}`);
    }
    if (t.startsWith("-") && t.length > 1 && !/^-\d/u.test(t)) {
      const letters = t.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const name = byAlias.get(letters[j]!);
        if (name === undefined) throw new UsageError(`unknown option -${letters[j]} for ${commandName(path)}; ${seeHelp}`);
        const spec = options[name]!;
        if (spec.type === "boolean") {
          set(name, spec, true);
          continue;
        }
        const attached = letters.slice(j + 1).replace(/^=/u, "");
        set(name, spec, attached !== "" ? attached : takeValue(name, spec));
        break;
      }
      continue;
    }
    positionals.push(t);
  }
  positionals.push(...afterDashDash);

  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(options)) {
    const v = values.get(name) ?? (spec.array ? [] : spec.default);
    args[camel(name)] = v;
  }
  const declared = command.positionals ?? [];
  let p = 0;
  for (const d of declared) {
    if (d.variadic) {
      args[d.name] = positionals.slice(p);
      p = positionals.length;
    } else {
      if (p >= positionals.length && d.required) throw new UsageError(`${commandName(path)} needs ${d.name.toUpperCase()}; ${seeHelp}`);
      args[d.name] = positionals[p];
      p += 1;
    }
  }
  if (p < positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[p])} for ${commandName(path)}; ${seeHelp}`);
  }
  return args;
}

const INTEGER = /^[+-]?\d+$/u;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/u;

function convert(name: string, spec: OptionSpec, raw: string | boolean): string | number | boolean {
  if (spec.type === "boolean") {
    if (typeof raw === "boolean") return raw;
    if (raw === "true" || raw === "false") return raw === "true";
    throw new UsageError(`--${name} takes no value (or =true / =false), not ${JSON.stringify(raw)}`);
  }
  const text = String(raw);
  if (text === "") throw new UsageError(`--${name} needs a non-empty value (${describeValue(name, spec)})`);
  if (spec.type === "integer" || spec.type === "number") {
    const ok = spec.type === "integer" ? INTEGER.test(text) : NUMBER.test(text);
    const n = Number(text);
    const what = spec.type === "integer" ? "a whole number" : "a number";
    const least = spec.min === undefined ? "" : ` of at least ${spec.min}`;
    if (!ok || !Number.isFinite(n) || (spec.min !== undefined && n < spec.min)) {
      throw new UsageError(`--${name} takes ${what}${least}, not ${JSON.stringify(text)}`);
    }
    return n;
  }
  if (spec.choices && !spec.choices.includes(text)) {
    const guess = nearest(text, spec.choices);
    throw new UsageError(
      `--${name} ${JSON.stringify(text)} is not one of: ${spec.choices.join(", ")}${guess ? ` (did you mean ${guess}?)` : ""}`,
    );
  }
  return text;
}
