import Database from "better-sqlite3";

export type Db = Database.Database;

/** How long a connection waits for another writer before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

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
  return db;
}
