/**
 * The command table: every `catalog` command declared once — options, positionals, a summary,
 * examples and a handler imported on demand. Parsing, help and completion derive from it
 * (parse.ts, help.ts, completion.ts); nothing else lists commands or options. Each command's
 * options and positionals stand apart as `<NAME>_ARGS`, the type its handler's arguments are
 * derived from (spec.ts ArgsOf).
 */
import { STATUSES } from "../query/filters.js";
import type { ArgsSpec, CommandSpec, Handler, Options } from "./spec.js";

export const FORMATS = ["table", "json", "jsonl", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** Table rows shown when no `--limit`/`--all` is given (machine formats print everything). */
export const DEFAULT_TABLE_LIMIT = 20;

/** Fields `--sort` takes, runs and groups alike (groups sort `timestamp` as `started`). */
export const SORT_FIELDS = ["timestamp", "started", "initialized", "staged", "stopped", "id", "name", "operation", "status", "label"] as const;

/** Where the index is: every command takes these. */
export const LOCATION_OPTIONS = {
  "runs-dir": {
    type: "string",
    placeholder: "DIR",
    describe: "Gage runs dir (default: GAGE_RUNS, RUNS_DIR, the project's .gage/runs, ~/.gage/runs)",
  },
  db: {
    type: "string",
    placeholder: "DB",
    describe: "catalog database: a SQLite file, or postgres://… for a team database (default: CATALOG_DB, else one per runs dir in ~/.cache/gage-catalog)",
  },
  host: { type: "string", placeholder: "NAME", describe: "host name the runs dir is indexed under in a team database (default: CATALOG_HOST, else this machine's)" },
} as const satisfies Options;

/** What makes up the listing that rows are numbered in (Gage's selection, docs/cli.md). */
export const LISTING_OPTIONS = {
  groups: { alias: "g", type: "boolean", default: false, describe: "run groups instead of runs" },
  tag: { type: "string", array: true, placeholder: "TAG", describe: "has this tag (repeatable: all must match; * globs)" },
  label: { type: "string", placeholder: "TEXT", describe: "label contains this text (case-sensitive)" },
  status: { type: "string", array: true, choices: STATUSES, placeholder: "STATUS", describe: "status is one of these (repeatable)" },
  op: { type: "string", placeholder: "NAME", describe: "operation name, or ns:name" },
  since: { type: "string", placeholder: "WHEN", describe: "started at or after: 2d, 3h, 30m, 1w, today, yesterday, 2024-06-01, an ISO time" },
  until: { type: "string", placeholder: "WHEN", describe: "started at or before; a date includes that whole day" },
  "in-group": { type: "string", placeholder: "GROUP", describe: "runs listed by this group: its number in `catalog query -g`, or an id or name prefix" },
  deleted: { alias: "d", type: "boolean", default: false, describe: "runs in the trash" },
  archive: { alias: "A", type: "string", placeholder: "NAME", describe: "runs in this archive (name or id)" },
  where: {
    alias: "w",
    type: "string",
    placeholder: "EXPR",
    describe: "only what the expression selects (docs/filters.md), e.g. 'metrics.loss < 0.3 and started > (today)'",
  },
} as const satisfies Options;

const REFRESH_OPTIONS = {
  refresh: { type: "boolean", default: true, describe: "bring the index up to date first (--no-refresh: answer from it as it is)" },
} as const satisfies Options;

const WATCH_OPTIONS = {
  sweep: { type: "number", default: 30, min: 0.1, placeholder: "SECONDS", describe: "seconds between stat sweeps of the directories not watched" },
  "lock-check": { type: "number", default: 2, min: 0.1, placeholder: "SECONDS", describe: "seconds between pid checks of running runs" },
  "max-watches": {
    type: "integer",
    default: 2048,
    min: 1,
    placeholder: "N",
    describe: "most inotify watches: the runs dir and the most recently active run dirs (the sweep covers the rest)",
  },
} as const satisfies Options;

const SPECS = {
  name: "specs",
  variadic: true,
  describe: "runs to show: a listing number (1), a slice (2:4, :3, -2:), or an id or name prefix",
} as const;

export const QUERY_ARGS = {
  positionals: [SPECS],
  options: {
    ...LISTING_OPTIONS,
    format: { alias: "f", type: "string", choices: FORMATS, default: "table", placeholder: "FORMAT", describe: "output format" },
    limit: { alias: "n", type: "integer", min: 1, placeholder: "N", describe: `show at most N rows (table default ${DEFAULT_TABLE_LIMIT})` },
    all: { alias: "a", type: "boolean", default: false, describe: "show every row" },
    sort: {
      type: "string",
      placeholder: "[-]NAME",
      describe: `sort by NAME, descending with '-': ${SORT_FIELDS.join(", ")}, or config.KEY, metrics.KEY… (default -timestamp; missing values last)`,
    },
    columns: {
      type: "string",
      placeholder: "LIST",
      describe: "show these columns (table, csv, json, jsonl): e.g. name,operation,config.lr,metrics.loss; auto: the config that varies and every metric",
    },
    "full-op": { type: "boolean", default: false, describe: "show operations as ns:name" },
    ...REFRESH_OPTIONS,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const QUERY = {
  name: "query",
  aliases: ["list", "ls"],
  summary: "list runs (or run groups with -g), newest first",
  description:
    "Rows are numbered 1..N in listing order after the filters; those numbers, slices and id or name prefixes select rows, which keep their numbers (as in `gage list`).",
  examples: [
    ["catalog query", "the 20 newest runs"],
    ["catalog query -g --tag color=green", "run groups tagged color=green"],
    ["catalog query 1:5 --status error --format json", "the five newest failed runs, as JSON"],
    ["catalog query -w 'metrics.loss < 0.3 and started > (today)' --sort metrics.loss", "today's runs under a loss, best first"],
    ["catalog query --in-group 1 --columns auto --format csv", "a sweep side by side: the config that varied, every metric"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/query.js").then((m) => m.runQuery),
  ...QUERY_ARGS,
} as const satisfies CommandSpec;

export const SHOW_ARGS = {
  positionals: [{ name: "spec", describe: "a listing number, an id or a name prefix (default: 1)" }],
  options: {
    ...LISTING_OPTIONS,
    format: { alias: "f", type: "string", choices: ["text", "json"], default: "text", placeholder: "FORMAT", describe: "output format" },
    ...REFRESH_OPTIONS,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const SHOW = {
  name: "show",
  summary: "everything known about one run or group",
  description:
    "SPEC is a listing number (as `catalog query` numbers rows with the same filters), an id or a name prefix; without SPEC, the newest run. An id or prefix not in the listing is looked up among every run and group.",
  examples: [
    ["catalog show", "the newest run"],
    ["catalog show 3", "run 3 of `catalog query`"],
    ["catalog show -g 1 --format json", "the newest group, as JSON"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/show.js").then((m) => m.runShow),
  ...SHOW_ARGS,
} as const satisfies CommandSpec;

export const INDEX_ARGS = {
  options: {
    format: { alias: "f", type: "string", choices: ["text", "json"], default: "text", placeholder: "FORMAT", describe: "format of the summary line" },
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const INDEX = {
  name: "index",
  summary: "bring the index up to date with the runs dir (incremental)",
  examples: [
    ["catalog index", "index the runs dir Gage would use here"],
    ["catalog index --runs-dir ~/proj/.gage/runs", "index another runs dir (into its own database)"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/index.js").then((m) => m.runIndexCommand),
  ...INDEX_ARGS,
} as const satisfies CommandSpec;

export const REINDEX_ARGS = {
  options: { ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const REINDEX = {
  name: "reindex",
  summary: "rebuild the index from the files and swap it in atomically",
  description: "Queries running meanwhile keep answering from the old index. Use it after a large sync.",
  examples: [
    ["catalog reindex", "rebuild after rsync brought in thousands of runs"],
    ["catalog reindex --db /tmp/runs.sqlite", "rebuild a database kept elsewhere"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/index.js").then((m) => m.runReindexCommand),
  ...REINDEX_ARGS,
} as const satisfies CommandSpec;

export const CHECK_ARGS = {
  options: { ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const CHECK = {
  name: "check",
  summary: "compare the index with the runs dir; list index errors and notes",
  description: "Exits 1 when the index is stale or holds errors; notes (entries Gage itself skips) do not fail it.",
  examples: [
    ["catalog check", "is the index current, and what could not be read?"],
    ["catalog check || catalog index", "index when the check fails"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/check.js").then((m) => m.runCheckCommand),
  ...CHECK_ARGS,
} as const satisfies CommandSpec;

export const WATCH_ARGS = {
  options: { ...WATCH_OPTIONS, ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const WATCH = {
  name: "watch",
  summary: "keep the index fresh in the foreground (the daemon's loop)",
  examples: [
    ["catalog watch", "watch until Ctrl-C"],
    ["catalog watch --sweep 10", "with a full sweep every 10 seconds"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/daemon.js").then((m) => m.runWatch),
  ...WATCH_ARGS,
} as const satisfies CommandSpec;

export const DAEMON_START_ARGS = {
  options: { ...WATCH_OPTIONS, ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const DAEMON_START = {
  name: "start",
  summary: "start the background indexer for this runs dir",
  examples: [
    ["catalog daemon start", "queries then answer at once, without indexing first"],
    ["catalog daemon start --runs-dir ~/proj/.gage/runs", "for another runs dir"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/daemon.js").then((m) => m.runDaemonStart),
  ...DAEMON_START_ARGS,
} as const satisfies CommandSpec;

export const DAEMON_STOP_ARGS = {
  options: { ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const DAEMON_STOP = {
  name: "stop",
  summary: "stop the background indexer (it finishes its current pass)",
  examples: [["catalog daemon stop", "stop the daemon of this runs dir's database"]],
  handler: (): Promise<Handler<never>> => import("./commands/daemon.js").then((m) => m.runDaemonStop),
  ...DAEMON_STOP_ARGS,
} as const satisfies CommandSpec;

export const DAEMON_STATUS_ARGS = {
  options: { ...LOCATION_OPTIONS },
} as const satisfies ArgsSpec;

export const DAEMON_STATUS = {
  name: "status",
  summary: "what the background indexer is doing (exit 1 when none runs)",
  examples: [["catalog daemon status", "pid, watches, last change, lag"]],
  handler: (): Promise<Handler<never>> => import("./commands/daemon.js").then((m) => m.runDaemonStatus),
  ...DAEMON_STATUS_ARGS,
} as const satisfies CommandSpec;

export const DAEMON = {
  name: "daemon",
  summary: "start, stop or ask the background indexer",
  subcommands: [DAEMON_START, DAEMON_STOP, DAEMON_STATUS],
  examples: [
    ["catalog daemon start", "start it"],
    ["catalog daemon status", "ask it"],
  ],
} as const satisfies CommandSpec;

/** What every write command takes besides its own options (docs/writing.md). */
const WRITE_OPTIONS = {
  yes: { alias: "y", type: "boolean", default: false, describe: "change several runs or groups without asking" },
  "dry-run": { type: "boolean", default: false, describe: "print the attr-log entries that would be written; write nothing" },
  author: { type: "string", placeholder: "NAME", describe: "author of what is written (default: the OS user, as Gage)" },
} as const satisfies Options;

const ALL_OPTION = {
  all: { alias: "a", type: "boolean", default: false, describe: "every row of the listing (no SPEC needed; a filter alone also selects)" },
} as const satisfies Options;

const TARGETS = {
  name: "specs",
  variadic: true,
  describe: "what to change: listing numbers (1), slices (2:4), id or name prefixes; with -g, groups",
} as const;

/** The listing options, for choosing the runs of a group (a group's own --tag/--label are its attributes). */
const { tag: _tag, label: _label, groups: _groups, ...MEMBER_FILTERS } = LISTING_OPTIONS;

export const TAG_ARGS = {
  positionals: [TARGETS],
  options: {
    add: { type: "string", array: true, placeholder: "TAG", describe: "add this tag (repeatable), e.g. color=green" },
    remove: { type: "string", array: true, placeholder: "TAG", describe: "remove this tag (repeatable)" },
    ...LISTING_OPTIONS,
    ...ALL_OPTION,
    ...WRITE_OPTIONS,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const TAG = {
  name: "tag",
  summary: "add or remove tags of runs (or groups with -g)",
  description: "Each tag is an attr-log key `tag:<TAG>` in Gage's format; the index shows it when the command returns.",
  examples: [
    ["catalog tag 1 --add color=green", "tag the newest run"],
    ["catalog tag -g 2 --add reviewed --remove draft", "change the tags of group 2"],
    ["catalog tag --status error --add broken -y", "tag every failed run"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/tag.js").then((m) => m.runTag),
  ...TAG_ARGS,
} as const satisfies CommandSpec;

export const LABEL_ARGS = {
  positionals: [TARGETS],
  options: {
    set: { alias: "s", type: "string", placeholder: "LABEL", describe: "set this label" },
    clear: { alias: "c", type: "boolean", default: false, describe: "clear the label" },
    ...LISTING_OPTIONS,
    ...ALL_OPTION,
    ...WRITE_OPTIONS,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const LABEL = {
  name: "label",
  summary: "set or clear the label of runs (or groups with -g), as `gage label`",
  examples: [
    ["catalog label 1 --set 'best so far'", "label the newest run"],
    ["catalog label 2:4 --clear -y", "clear three labels"],
    ["catalog label -g 1 --set 'lr sweep'", "label the newest group"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/label.js").then((m) => m.runLabel),
  ...LABEL_ARGS,
} as const satisfies CommandSpec;

export const COMMENT_ARGS = {
  positionals: [TARGETS],
  options: {
    msg: { alias: "m", type: "string", placeholder: "MSG", describe: "the comment (add it, or with --edit, the new text)" },
    list: { alias: "l", type: "boolean", default: false, describe: "list the comments" },
    edit: { alias: "e", type: "string", placeholder: "ID", describe: "edit the comment with this id (one run; with -m)" },
    delete: { alias: "d", type: "string", placeholder: "ID", describe: "delete the comment with this id (one run)" },
    ...LISTING_OPTIONS,
    // -d is --delete here, as in `gage comment`
    deleted: { type: "boolean", default: false, describe: "runs in the trash" },
    ...ALL_OPTION,
    ...WRITE_OPTIONS,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const COMMENT = {
  name: "comment",
  summary: "add, list, edit or delete comments of runs (or groups with -g), as `gage comment`",
  examples: [
    ["catalog comment 1 -m 'diverged after epoch 3'", "comment on the newest run"],
    ["catalog comment 1 --list", "its comments, with their ids"],
    ["catalog comment 1 --edit 0190847b-b4cb -m 'diverged after epoch 4'", "change one"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/comment.js").then((m) => m.runComment),
  ...COMMENT_ARGS,
} as const satisfies CommandSpec;

export const GROUP_CREATE_ARGS = {
  positionals: [{ name: "specs", variadic: true, describe: "member runs: listing numbers, slices, id or name prefixes" }],
  options: {
    label: { type: "string", placeholder: "LABEL", describe: "the group's label" },
    tag: { type: "string", array: true, placeholder: "TAG", describe: "a tag of the group (repeatable)" },
    ...MEMBER_FILTERS,
    ...ALL_OPTION,
    "dry-run": WRITE_OPTIONS["dry-run"],
    author: WRITE_OPTIONS.author,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const GROUP_CREATE = {
  name: "create",
  summary: "make a run group of the selected runs",
  description: "Writes a new <gid>.group dir with its id file and one attr-log entry (label, tags, members); prints its number, id and name.",
  examples: [
    ["catalog group create 1:3 --label 'Sample group' --tag color=green", "group the three newest runs"],
    ["catalog group create --op train --since today --label 'today'", "group today's train runs"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/group.js").then((m) => m.runGroupCreate),
  ...GROUP_CREATE_ARGS,
} as const satisfies CommandSpec;

export const GROUP_MEMBERS_ARGS = {
  positionals: [
    { name: "group", required: true, describe: "the group: its number in `catalog query -g`, an id or a name prefix" },
    { name: "specs", variadic: true, describe: "runs: listing numbers, slices, id or name prefixes" },
  ],
  options: {
    ...MEMBER_FILTERS,
    ...ALL_OPTION,
    "dry-run": WRITE_OPTIONS["dry-run"],
    author: WRITE_OPTIONS.author,
    ...LOCATION_OPTIONS,
  },
} as const satisfies ArgsSpec;

export const GROUP_ADD = {
  name: "add",
  summary: "add runs to a group",
  examples: [["catalog group add 1 4 5", "add runs 4 and 5 to the newest group"]],
  handler: (): Promise<Handler<never>> => import("./commands/group.js").then((m) => m.runGroupAdd),
  ...GROUP_MEMBERS_ARGS,
} as const satisfies CommandSpec;

export const GROUP_REMOVE = {
  name: "remove",
  summary: "remove runs from a group",
  examples: [["catalog group remove 1 5", "take run 5 out of the newest group"]],
  handler: (): Promise<Handler<never>> => import("./commands/group.js").then((m) => m.runGroupRemove),
  ...GROUP_MEMBERS_ARGS,
} as const satisfies CommandSpec;

export const GROUP = {
  name: "group",
  summary: "make run groups and change their members",
  subcommands: [GROUP_CREATE, GROUP_ADD, GROUP_REMOVE],
  examples: [
    ["catalog group create 1:3 --label 'lr sweep'", "a group of the three newest runs"],
    ["catalog group add 1 4", "add run 4 to group 1"],
  ],
} as const satisfies CommandSpec;

export const SERVE_ARGS = {
  options: {
    port: { alias: "p", type: "integer", default: 8765, min: 0, placeholder: "PORT", describe: "TCP port to listen on (0: any free port)" },
    ...REFRESH_OPTIONS,
    ...LOCATION_OPTIONS,
    // As `mlflow ui`, `aim up` and `guild view` take it. Here the host a runs dir is indexed
    // under (the other commands' --host) comes from CATALOG_HOST, else this machine's name.
    host: {
      type: "string",
      default: "127.0.0.1",
      placeholder: "ADDR",
      describe: "address to listen on; the default, loopback, keeps the page to this machine (docs/web.md). The host name a runs dir is indexed under comes from CATALOG_HOST here",
    },
  },
} as const satisfies ArgsSpec;

export const SERVE = {
  name: "serve",
  summary: "serve a web page and a JSON API from the index",
  description:
    "Runs and groups as tables filtered with --where, a group's members side by side with a chart, a run's details; tags, labels, comments and new groups written as the CLI writes them. The page follows the index as it changes (docs/web.md).",
  examples: [
    ["catalog serve", "open http://127.0.0.1:8765/ in a browser"],
    ["catalog serve --port 9000 --runs-dir ~/proj/.gage/runs", "another runs dir, on another port"],
    ["catalog daemon start && catalog serve", "a page that shows new runs as they are made"],
  ],
  handler: (): Promise<Handler<never>> => import("./commands/serve.js").then((m) => m.runServe),
  ...SERVE_ARGS,
} as const satisfies CommandSpec;

export const COMPLETION_ARGS = {
  positionals: [{ name: "shell", describe: "bash (default) or zsh" }],
} as const satisfies ArgsSpec;

export const COMPLETION = {
  name: "completion",
  summary: "print a bash or zsh completion script",
  examples: [
    ["source <(catalog completion)", "complete catalog commands in this bash"],
    ["catalog completion zsh > ~/.zfunc/_catalog", "for zsh"],
  ],
  handler: (): Promise<Handler<never>> => import("./completion.js").then((m) => m.runCompletion),
  ...COMPLETION_ARGS,
} as const satisfies CommandSpec;

export const HELP = {
  name: "help",
  summary: "help on a command",
  positionals: [{ name: "command", variadic: true, describe: "the command (and subcommand)" }],
  examples: [
    ["catalog help query", "options of query"],
    ["catalog help daemon start", "options of daemon start"],
  ],
} as const satisfies CommandSpec;

export const COMMANDS: readonly CommandSpec[] = [QUERY, SHOW, GROUP, TAG, LABEL, COMMENT, INDEX, REINDEX, CHECK, DAEMON, WATCH, SERVE, COMPLETION, HELP];
