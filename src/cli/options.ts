import { STATUSES } from "../query/filters.js";

export const FORMATS = ["table", "json", "jsonl", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** Table rows shown when no `--limit`/`--all` is given (machine formats print everything). */
export const DEFAULT_TABLE_LIMIT = 20;

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  "runs-dir": { type: "string", describe: "Gage runs dir (default: GAGE_RUNS, RUNS_DIR, project .gage/runs, ~/.gage/runs)" },
  db: { type: "string", describe: "catalog database (default: CATALOG_DB, else in ~/.cache/gage-catalog)" },
} as const;

/**
 * `catalog query`'s options, as yargs option definitions. The same table drives yargs (help,
 * every other command) and the start-up fast path of `query` (fast-query.ts).
 */
export const QUERY_OPTIONS = {
  groups: { alias: "g", type: "boolean", default: false, describe: "list run groups instead of runs" },
  tag: { type: "string", array: true, default: [] as string[], describe: "has this tag (repeatable; all must match; * globs)" },
  label: { type: "string", describe: "label contains this text" },
  status: { type: "string", array: true, default: [] as string[], describe: `status is one of these (${STATUSES.join(", ")})` },
  op: { type: "string", describe: "operation name (or ns:name)" },
  since: { type: "string", describe: "started at or after (2d, 3h, 2024-06-01, ISO time)" },
  until: { type: "string", describe: "started at or before" },
  "in-group": { type: "string", describe: "runs that are members of this group (id or prefix)" },
  deleted: { alias: "d", type: "boolean", default: false, describe: "show runs in the trash" },
  archive: { alias: "A", type: "string", describe: "show runs in this archive (name or id)" },
  format: { alias: "f", type: "string", choices: FORMATS, default: "table", describe: "output format" },
  limit: { alias: "n", type: "number", describe: `show at most N (table default ${DEFAULT_TABLE_LIMIT})` },
  all: { alias: "a", type: "boolean", default: false, describe: "show all" },
  sort: { type: "string", describe: "sort by [-]field (default -started)" },
  "full-op": { type: "boolean", default: false, describe: "show operations as ns:name" },
  refresh: { type: "boolean", default: true, describe: "update the index first (--no-refresh skips it)" },
} as const;

export const SHOW_OPTIONS = {
  format: { alias: "f", type: "string", choices: ["text", "json"], default: "text", describe: "output format" },
  refresh: { type: "boolean", default: true, describe: "update the index first (--no-refresh skips it)" },
} as const;

export const WATCH_OPTIONS = {
  sweep: { type: "number", default: 30, describe: "seconds between full stat sweeps" },
  "lock-check": { type: "number", default: 2, describe: "seconds between pid checks of running runs" },
} as const;

export const INDEX_OPTIONS = {
  format: { alias: "f", type: "string", choices: ["text", "json"], default: "text", describe: "output format of the summary" },
} as const;
