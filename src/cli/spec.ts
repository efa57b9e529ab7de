/**
 * The shape of the command table (commands.ts): every command, its options, positionals,
 * examples and lazily imported handler are declared once, and parsing (parse.ts), help
 * (help.ts) and shell completion (completion.ts) are all derived from it. The types below also
 * derive each handler's argument type from its declaration, so a handler cannot read an option
 * its command does not declare.
 */

export type OptionType = "string" | "boolean" | "integer" | "number";

export interface OptionSpec {
  readonly type: OptionType;
  /** a one-letter short form, `-n` for `--limit` */
  readonly alias?: string;
  /** repeatable; the value is a list */
  readonly array?: boolean;
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  /** smallest value of a number option */
  readonly min?: number;
  /** the value's name in help, `TAG` in `--tag TAG` */
  readonly placeholder?: string;
  readonly describe: string;
}

export type Options = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  readonly name: string;
  readonly describe: string;
  /** takes every remaining argument (last positional only) */
  readonly variadic?: boolean;
  readonly required?: boolean;
}

/** What a handler is given besides its arguments: where to write and what the terminal is. */
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** stdout is a terminal */
  readonly tty: boolean;
  /** the width to fit tables to; Infinity when output goes to a pipe or file */
  readonly columns: number;
  /** colour statuses (a terminal and no NO_COLOR) */
  readonly color: boolean;
  /** asks a question on the terminal and returns the answer; absent when stdin is no terminal */
  readonly ask?: (question: string) => Promise<string | null>;
}

/** A handler returns its exit code (0 when it returns nothing). */
export type Handler<A> = (args: A, io: Io) => Promise<number | void> | number | void;

/** The part of a declaration that parsing reads: what a handler's arguments derive from. */
export interface ArgsSpec {
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: Options;
}

export interface CommandSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** more about the command, shown by its help under the usage line */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: Options;
  /** `[command line, what it does]` */
  readonly examples?: ReadonlyArray<readonly [string, string]>;
  /** imports the handler on demand: most commands' code is never loaded by the others */
  readonly handler?: () => Promise<Handler<never>>;
  readonly subcommands?: readonly CommandSpec[];
}

// ---- argument types derived from a declaration ----

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

type Scalar<O extends OptionSpec> = O extends { choices: readonly (infer C)[] }
  ? C
  : O["type"] extends "boolean"
    ? boolean
    : O["type"] extends "integer" | "number"
      ? number
      : string;

type OptionValue<O extends OptionSpec> = O extends { array: true }
  ? Scalar<O>[]
  : O extends { type: "boolean" }
    ? boolean
    : O extends { default: string | number | boolean }
      ? Scalar<O>
      : Scalar<O> | undefined;

export type OptionArgs<O extends Options> = { -readonly [K in keyof O & string as Camel<K>]: OptionValue<O[K]> };

type PositionalArgs<P extends readonly PositionalSpec[]> = {
  -readonly [E in P[number] as E["name"]]: E extends { variadic: true } ? string[] : E extends { required: true } ? string : string | undefined;
};

/** The parsed arguments of a command declared with these options and positionals. */
export type ArgsOf<C extends { options?: Options; positionals?: readonly PositionalSpec[] }> = (C["options"] extends Options
  ? OptionArgs<C["options"]>
  : unknown) &
  (C["positionals"] extends readonly PositionalSpec[] ? PositionalArgs<C["positionals"]> : unknown);

export const camel = (s: string): string => s.replace(/-([a-z])/gu, (_m, c: string) => c.toUpperCase());
