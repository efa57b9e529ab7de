import Database from "better-sqlite3";

export type Db = Database.Database;

/** How long a connection waits for another writer before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Opens the catalog database. WAL so readers never wait for the writer (DESIGN §3). */
export function openDb(path: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = OFF");
  return db;
}
