/**
 * What a name in `--where`, `--sort` or `--columns` refers to (docs/filters.md, "Names").
 */

export type Target = "run" | "group";
export type Section = "config" | "metrics" | "attributes";

/** The view a target's listing reads; compiled SQL refers to its columns as `<view>.<column>`. */
export const VIEWS: Readonly<Record<Target, "run_list" | "group_list">> = { run: "run_list", group: "group_list" };

export type Field =
  /**
   * a column of the listing view (or an expression over it); times are numbers (epoch µs);
   * `indexed`: a runs index can find the rows by it
   */
  | { readonly kind: "column"; readonly name: string; readonly type: "text" | "number" | "time"; readonly sql: string; readonly indexed?: boolean }
  /** a run's operation: its op name, and also `ns:name` where equality is asked */
  | { readonly kind: "operation" }
  /** a key of config.json, or of summary.json's metrics or attributes (run_values) */
  | { readonly kind: "value"; readonly section: Section; readonly key: string }
  /** a user attribute from the attr log (current_attrs) */
  | { readonly kind: "attr"; readonly key: string }
  /** a name with no prefix: config, then metrics, then attributes, then attrs */
  | { readonly kind: "bare"; readonly key: string }
  /** a set of texts: a run's or group's tags, the groups listing a run, a group's member ops */
  | { readonly kind: "set"; readonly set: "tags" | "groups" | "ops"; readonly name: string };

type Columns = Readonly<Record<string, Field>>;

const column = (view: string, name: string, type: "text" | "number" | "time", sqlColumn = name, indexed = false): Field => ({
  kind: "column",
  name,
  type,
  sql: `${view}.${sqlColumn}`,
  indexed,
});

const RUN_NAMES: Columns = {
  id: column("run_list", "id", "text", "id", true),
  name: column("run_list", "name", "text"),
  operation: { kind: "operation" },
  status: column("run_list", "status", "text", "status", true),
  label: column("run_list", "label", "text"),
  version: column("run_list", "version", "text", "op_version"),
  exit_code: column("run_list", "exit_code", "number"),
  started: column("run_list", "started", "time", "started", true),
  stopped: column("run_list", "stopped", "time"),
  staged: column("run_list", "staged", "time"),
  initialized: column("run_list", "initialized", "time"),
  timestamp: column("run_list", "timestamp", "time", "timestamp", true),
  tags: { kind: "set", set: "tags", name: "tags" },
  groups: { kind: "set", set: "groups", name: "groups" },
};

const GROUP_NAMES: Columns = {
  id: column("group_list", "id", "text"),
  name: column("group_list", "name", "text"),
  operation: column("group_list", "operation", "text"),
  status: column("group_list", "status", "text"),
  label: column("group_list", "label", "text"),
  started: column("group_list", "started", "time"),
  timestamp: column("group_list", "timestamp", "time", "started"),
  members: {
    kind: "column",
    name: "members",
    type: "number",
    sql: "(SELECT count(*) FROM group_members gm WHERE gm.group_id = group_list.id AND gm.state = 'active')",
  },
  tags: { kind: "set", set: "tags", name: "tags" },
  ops: { kind: "set", set: "ops", name: "ops" },
};

export const BUILTIN_NAMES: Readonly<Record<Target, Columns>> = { run: RUN_NAMES, group: GROUP_NAMES };

const PREFIXES: ReadonlyArray<readonly [string, Section | "attrs"]> = [
  ["config.", "config"],
  ["metrics.", "metrics"],
  ["summary.", "metrics"],
  ["attributes.", "attributes"],
  ["attrs.", "attrs"],
];

/** A name as written: the word, and the key of the `section."key"` form if used. */
export interface NameText {
  readonly text: string;
  readonly key?: string;
}

export type Resolved = { readonly field: Field } | { readonly error: string } | null;

/**
 * Resolves a word. Built-in names and `section.key` names always resolve; any other word is a
 * bare name where `bare` is set (where a name is expected: the left of a comparison, a sort key)
 * and plain text (null) elsewhere.
 */
export function resolveName(name: NameText, target: Target, bare: boolean): Resolved {
  const builtin = name.key === undefined ? BUILTIN_NAMES[target][name.text] : undefined;
  if (builtin) return { field: builtin };
  // `config."a b"`: the word up to the quote names the section
  const head = name.key === undefined ? name.text : name.text.slice(0, name.text.search(/\.['"]/u) + 1);
  for (const [prefix, section] of PREFIXES) {
    if (!head.startsWith(prefix)) continue;
    const key = name.key ?? head.slice(prefix.length);
    if (name.key !== undefined && head !== prefix) break;
    if (key === "") return { error: `${prefix} needs a key after it` };
    if (section === "attrs") return { field: { kind: "attr", key } };
    if (target === "group") return { error: `groups have no ${prefix.slice(0, -1)} (only attrs.<key>)` };
    return { field: { kind: "value", section, key } };
  }
  if (name.key !== undefined) return { error: `unknown section ${JSON.stringify(head.slice(0, -1))}; use config, metrics, summary, attributes or attrs` };
  if (!bare) return null;
  return { field: target === "run" ? { kind: "bare", key: name.text } : { kind: "attr", key: name.text } };
}

/** The name under which `--columns` and `auto` columns refer to a section key, quoted when needed. */
export function sectionName(section: Section | "attrs", key: string): string {
  const plain = /^[^\s()[\],<>+*/'"=!~-][^\s()[\],<>+*/'"]*$/u.test(key) && !/[=!][=~]/u.test(key);
  return plain ? `${section}.${key}` : `${section}."${key.replace(/[\\"]/gu, (c) => `\\${c}`)}"`;
}
