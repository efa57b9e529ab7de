/**
 * Where an index pass writes (docs/architecture.md, "Stores"): a SQLite file indexing one runs
 * dir, or one source of a team database on PostgreSQL. The indexer, `reindex`, `check`, the
 * writes' follow-up index and the daemon all go through this, so they work on both backends.
 * The PostgreSQL side is imported only when used.
 */
import type { IndexOptions, IndexStats } from "./indexer.js";
import type { IndexSink } from "./sink.js";

export interface PassOptions {
  /** how long to wait for another indexer of the same runs dir */
  readonly waitMs?: number;
}

export interface IndexTarget {
  readonly backend: "sqlite" | "postgres";
  readonly runsDir: string;
  /** the host the rows are recorded under */
  readonly host: string;
  /** the database as messages name it (never with a password) */
  readonly label: string;
  /** runs `fn` with a sink holding this runs dir's writer role; LockBusyError when another indexer keeps it */
  withSink<T>(role: string, o: PassOptions, fn: (sink: IndexSink) => Promise<T>): Promise<T>;
  /** runs `fn` with a sink for reading only (`check`), taking no lock */
  withReader<T>(fn: (sink: IndexSink) => Promise<T>): Promise<T>;
  /** the index built again from the files, replacing the old one whole when done */
  reindex(o: Omit<IndexOptions, "runsDir">): Promise<IndexStats>;
  /** index options this backend needs */
  readonly indexOptions: Pick<IndexOptions, "filesTime">;
  close(): Promise<void>;
}

export interface SqliteTargetOptions {
  readonly dbPath: string;
  readonly runsDir: string;
  readonly host: string;
  /** the database's directory may be created */
  readonly createDir: boolean;
  /** told when the file was not a readable database and was rebuilt */
  readonly onRebuild?: (why: string) => void;
}

export async function sqliteTarget(o: SqliteTargetOptions): Promise<IndexTarget> {
  const [{ withWriter }, { SqliteSink }, { openDb }] = await Promise.all([import("./writer.js"), import("./sqlite-sink.js"), import("./db.js")]);
  return {
    backend: "sqlite",
    runsDir: o.runsDir,
    host: o.host,
    label: o.dbPath,
    indexOptions: {},
    withSink: (role, p, fn) =>
      withWriter(
        o.dbPath,
        role,
        { runsDir: o.runsDir, createDir: o.createDir, ...(p.waitMs === undefined ? {} : { waitMs: p.waitMs }), ...(o.onRebuild ? { onRebuild: o.onRebuild } : {}) },
        (db) => fn(new SqliteSink(db, o.runsDir, o.host)),
      ),
    withReader: async (fn) => {
      const db = openDb(o.dbPath, { readonly: true });
      try {
        return await fn(new SqliteSink(db, o.runsDir, o.host));
      } finally {
        db.close();
      }
    },
    reindex: async (io) => {
      const { reindex } = await import("./reindex.js");
      return reindex(o.dbPath, { ...io, runsDir: o.runsDir }, o.host, o.createDir);
    },
    close: async () => undefined,
  };
}

export interface PgTargetOptions {
  readonly url: string;
  readonly runsDir: string;
  readonly host: string;
  /** what the connection calls itself (another indexer's busy message names it) */
  readonly role: string;
}

export async function pgTarget(o: PgTargetOptions): Promise<IndexTarget> {
  const { realpathSync } = await import("node:fs");
  const { PgIndexTarget } = await import("./pg/pg-target.js");
  const { indexRunsDir } = await import("./indexer.js");
  // a source is (host, real path): the same dir reached through a symlink is the same source
  const t = new PgIndexTarget(o.url, { host: o.host, runsDir: realpathSync(o.runsDir) }, o.role);
  const indexOptions = { filesTime: true };
  return {
    backend: "postgres",
    runsDir: o.runsDir,
    host: o.host,
    get label() {
      return t.label;
    },
    indexOptions,
    withSink: (role, p, fn) => t.withSink(role, p, fn),
    withReader: (fn) => t.withReader(fn),
    // one transaction replaces the source's rows: queries see the old rows until it commits
    reindex: (io) => t.withSink("catalog reindex", { fresh: true }, (sink) => indexRunsDir(sink, { ...io, ...indexOptions, runsDir: o.runsDir })),
    close: () => t.close(),
  };
}
