/**
 * One runs dir as a source of a team database (docs/team.md): its row in `sources`, the schema
 * brought up to date, and the source's advisory lock held while a sink writes its rows.
 */
import { readdirSync } from "node:fs";
import type pg from "pg";
import { connectPg, type PgHandle } from "../../store/pg.js";
import { redactUrl } from "../../store/pg-url.js";
import { migrationsDir } from "../migrate-dir.js";
import { LockBusyError } from "../writer-lock.js";
import { PgSink } from "./pg-sink.js";
import { sourceLock } from "./pg-locks.js";

export interface PgSource {
  readonly host: string;
  /** the runs dir's real path */
  readonly runsDir: string;
}

export interface PgSinkOptions {
  /** how long to wait for another indexer of the same source (default 3 s) */
  readonly waitMs?: number;
  /** replace the source's rows whole (reindex) */
  readonly fresh?: boolean;
}

const POLL_MS = 100;
/** SQLSTATE of a missing table: a database no catalog has indexed into yet. */
const UNDEFINED_TABLE = "42P01";

/** The migrations of `migrations/postgres`, by name, in order. */
function migrationNames(): string[] {
  return readdirSync(migrationsDir("postgres"))
    .filter((f) => /^\d+_.+\.sql$/u.test(f))
    .map((f) => f.replace(/\.sql$/u, ""))
    .sort();
}

/** Applies pending migrations (Kysely's Migrator takes its own advisory lock: machines may race). */
export async function migratePg(h: PgHandle): Promise<void> {
  const names = migrationNames();
  try {
    const r = await h.pool.query<{ name: string | null }>("SELECT max(name) AS name FROM kysely_migration");
    if (r.rows[0]?.name === names[names.length - 1]) return;
  } catch {
    // no migrations table yet: a new database
  }
  const { migratePgFiles } = await import("./pg-migrate.js");
  await migratePgFiles(h);
}

/** The schema is current: a reader refuses a database an older or newer catalog made. */
export async function pgSchemaIsCurrent(h: PgHandle): Promise<boolean> {
  const names = migrationNames();
  try {
    const r = await h.pool.query<{ name: string | null }>("SELECT max(name) AS name FROM kysely_migration");
    return r.rows[0]?.name === names[names.length - 1];
  } catch (err) {
    if ((err as { code?: unknown }).code === UNDEFINED_TABLE) return false;
    throw err; // cannot connect, cannot log in: said as such
  }
}

export class PgIndexTarget {
  private handle: Promise<PgHandle> | null = null;
  private migrated = false;

  constructor(
    private readonly url: string,
    readonly source: PgSource,
    private readonly appName: string,
  ) {}

  get label(): string {
    return redactUrl(this.url);
  }

  private db(): Promise<PgHandle> {
    this.handle ??= connectPg(this.url, { max: 2, applicationName: this.appName });
    return this.handle;
  }

  /**
   * Runs `fn` with a sink for this source on one connection holding the source's advisory lock:
   * one indexer per source at a time, any number of sources at once. The lock is a session lock,
   * so an indexer that dies (kill -9, a lost connection) releases it with its session.
   */
  async withSink<T>(role: string, o: PgSinkOptions, fn: (sink: PgSink) => Promise<T>): Promise<T> {
    const h = await this.db();
    if (!this.migrated) {
      await migratePg(h);
      this.migrated = true;
    }
    const client = await h.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("SELECT set_config('application_name', $1, false)", [`${role} (pid ${process.pid})`.slice(0, 63)]);
      const id = await sourceId(client, this.source);
      await this.lock(client, id, o.waitMs ?? 3000);
      try {
        return await fn(new PgSink(client, id, o.fresh ?? false));
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, $2)", sourceLock(id));
      }
    } catch (err) {
      // a connection in an unknown state is not given back to the pool
      if (!(err instanceof LockBusyError)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** A sink that only reads this source's rows (no lock, no schema change); none when never indexed. */
  async withReader<T>(fn: (sink: PgSink) => Promise<T>): Promise<T> {
    const client = await (await this.db()).pool.connect();
    try {
      let id = -1; // matches no rows: a source never indexed holds nothing
      try {
        const r = await client.query<{ id: number }>("SELECT id FROM sources WHERE host = $1 AND runs_dir = $2", [this.source.host, this.source.runsDir]);
        id = r.rows[0]?.id ?? -1;
      } catch (err) {
        if ((err as { code?: unknown }).code !== UNDEFINED_TABLE) throw err;
      }
      return await fn(new PgSink(client, id, false));
    } finally {
      client.release();
    }
  }

  private async lock(client: pg.PoolClient, id: number, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", sourceLock(id));
      if (r.rows[0]?.ok) return;
      if (Date.now() >= deadline) {
        const [classId, objId] = sourceLock(id);
        const holder = await client.query<{ application_name: string }>(
          `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted LIMIT 1`,
          [classId, objId],
        );
        const who = holder.rows[0]?.application_name || "another indexer";
        throw new LockBusyError(
          `the runs dir ${this.source.runsDir} of ${this.source.host} in ${this.label} is being written by ${who} right now; try again when it is done`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async close(): Promise<void> {
    await (await this.handle)?.close();
    this.handle = null;
  }
}

/** The source's id, its row made on first use. */
async function sourceId(client: pg.PoolClient, s: PgSource): Promise<number> {
  // DO NOTHING rather than an update: a running pass holds its source row until it commits
  await client.query("INSERT INTO sources (host, runs_dir) VALUES ($1, $2) ON CONFLICT (host, runs_dir) DO NOTHING", [s.host, s.runsDir]);
  const r = await client.query<{ id: number }>("SELECT id FROM sources WHERE host = $1 AND runs_dir = $2", [s.host, s.runsDir]);
  return r.rows[0]!.id;
}
