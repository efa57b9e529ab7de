import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type DatabaseType from "better-sqlite3";
import { registerSqlFunctions } from "./sql-functions.js";

/**
 * better-sqlite3 is CommonJS; loaded through `require` rather than an ESM `import`, it skips the
 * ESM loader's CommonJS translation, which costs a query process ~3 ms of start-up (measured).
 */
const require = createRequire(import.meta.url);
const Database = require("better-sqlite3") as typeof DatabaseType;

let addon: object | null | undefined;

/**
 * better-sqlite3's addon, from where its build puts it. Left to itself, better-sqlite3 finds it
 * through the `bindings` package, which probes a dozen paths first (~3 ms of a query's start-up);
 * null (let it search) when it is elsewhere, as with a prebuilt binary in another layout.
 */
function nativeBinding(): object | null {
  if (addon === undefined) {
    try {
      const lib = dirname(require.resolve("better-sqlite3"));
      addon = require(join(lib, "..", "build", "Release", "better_sqlite3.node")) as object;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/** The options every connection opens with. */
function driverOptions(o: DatabaseType.Options): DatabaseType.Options {
  const binding = nativeBinding();
  // the driver's typings declare only the path form; it takes the addon object as well
  return binding === null ? o : { ...o, nativeBinding: binding as unknown as string };
}

export type Db = DatabaseType.Database;

/** How long a connection waits for another writer before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * Page cache of a writing connection, KiB. Ids are random UUIDs, so inserts land on random
 * B-tree pages; with SQLite's default 2 MB cache a 100k-run index spills and re-reads pages
 * all along (minutes instead of seconds). The cache only grows as far as it is used.
 */
const WRITER_CACHE_KIB = 256 * 1024;

export interface OpenOptions {
  /** read-only: queries; such a connection never checkpoints or deletes the WAL on close */
  readonly readonly?: boolean;
  /** a private file being built from scratch (reindex): no journal, no syncs */
  readonly bulk?: boolean;
}

/** Opens the catalog database. WAL so readers never wait for the writer (docs/architecture.md). */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  if (readonly) return openForReading(path);
  const db = new Database(path, driverOptions({ readonly, fileMustExist: readonly }));
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (options.bulk) {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
  } else if (!readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  if (!readonly) {
    db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    db.pragma("temp_store = MEMORY");
  }
  registerSqlFunctions(db);
  return db;
}

/**
 * A read-only connection. A WAL database needs its `-shm` file even to be read; when it has none
 * and the user cannot create one (someone else's index in a directory they cannot write), the
 * committed database is read from a private in-memory copy instead — with no `-wal` file there is
 * nothing committed outside the main file. The copy's header is marked as a rollback-journal
 * database (bytes 18–19), since an in-memory database cannot be in WAL mode.
 */
function openForReading(path: string): Db {
  const db = new Database(path, driverOptions({ readonly: true, fileMustExist: true }));
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  try {
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
    registerSqlFunctions(db);
    return db;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if ((code !== "SQLITE_READONLY_DIRECTORY" && code !== "SQLITE_CANTOPEN") || existsSync(`${path}-wal`)) throw err;
    db.close();
  }
  const image = readFileSync(path);
  if (image.length > 19 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1;
  const copy = new Database(image, driverOptions({ readonly: true }));
  registerSqlFunctions(copy);
  return copy;
}
