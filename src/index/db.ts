import Database from "better-sqlite3";
import { registerSqlFunctions } from "./sql-functions.js";

export type Db = Database.Database;

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

/** Opens the catalog database. WAL so readers never wait for the writer (DESIGN §3). */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const db = new Database(path, { readonly, fileMustExist: readonly });
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
