import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDb, type Db } from "./db.js";
import { ensureSchema } from "./schema.js";
import { acquireWriterLock } from "./writer-lock.js";

/**
 * Runs `fn` with a read-write connection, holding the writer lock for the connection's whole life
 * (see writer-lock.ts for why), with the schema brought up to date first.
 */
export async function withWriter<T>(dbPath: string, role: string, fn: (db: Db) => Promise<T>, waitMs?: number): Promise<T> {
  mkdirSync(dirname(dbPath), { recursive: true });
  const lock = await acquireWriterLock(dbPath, role, waitMs);
  try {
    const db = openDb(dbPath);
    try {
      await ensureSchema(db);
      return await fn(db);
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}
