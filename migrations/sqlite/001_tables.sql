-- Tables mirror the runs dir, one row per thing on disk (docs/architecture.md). The indexer owns them; views
-- (002) derive everything a user sees. Times are integer epoch microseconds.

-- One row per unit the indexer reads, with the fingerprint it had when read (docs/freshness.md).
-- unit: 'run:<id>' (meta dir/zip), 'user:<id>' (attr log), 'move:<id>' (markers),
--       'group:<dir name>', 'archives'.
CREATE TABLE entries (
  unit        TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE runs (
  id              TEXT PRIMARY KEY,
  name            TEXT,
  meta_entry      TEXT NOT NULL,
  meta_kind       TEXT NOT NULL CHECK (meta_kind IN ('dir', 'zip')),
  legacy_deleted  INTEGER NOT NULL DEFAULT 0,
  opref_schema    INTEGER NOT NULL,
  op_ns           TEXT NOT NULL,
  op_name         TEXT NOT NULL,
  op_version      TEXT,
  initialized     INTEGER,
  staged          INTEGER,
  started         INTEGER,
  stopped         INTEGER,
  has_initialized INTEGER NOT NULL DEFAULT 0,
  has_staged      INTEGER NOT NULL DEFAULT 0,
  has_started     INTEGER NOT NULL DEFAULT 0,
  has_stopped     INTEGER NOT NULL DEFAULT 0,
  exit_code       INTEGER,
  lock_present    INTEGER NOT NULL DEFAULT 0,
  lock_pid        INTEGER,
  -- pid liveness cannot live in a view: the indexer, the daemon and queries keep it current
  lock_alive      INTEGER NOT NULL DEFAULT 0,
  config_json     TEXT NOT NULL DEFAULT '{}',
  metrics_json    TEXT NOT NULL DEFAULT '{}',
  attributes_json TEXT NOT NULL DEFAULT '{}',
  summary_label   TEXT,
  -- Gage's run_attr.run_status precedence (docs/format.md, "Status"), derived by SQLite from the row.
  status          TEXT GENERATED ALWAYS AS (
    CASE
      WHEN exit_code = 0 THEN 'completed'
      WHEN exit_code < 0 THEN 'terminated'
      WHEN exit_code > 0 THEN 'error'
      WHEN lock_present THEN CASE WHEN lock_alive THEN 'running' ELSE 'terminated' END
      WHEN has_staged THEN 'staged'
      WHEN has_initialized THEN 'pending'
      ELSE 'unknown'
    END) VIRTUAL,
  -- Gage's listing timestamp: started, else staged, else initialized.
  timestamp       INTEGER GENERATED ALWAYS AS (coalesce(started, staged, initialized)) STORED
);
CREATE INDEX runs_lock ON runs (lock_alive) WHERE lock_present;
CREATE INDEX runs_timestamp ON runs (timestamp, id);

-- The container named by the newest `<id>.move` marker; no row means 'active'.
CREATE TABLE moves (
  run_id    TEXT PRIMARY KEY,
  container TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE groups (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  dir_name TEXT NOT NULL UNIQUE
);

-- One row per attr-log file. owner_kind: 'run' (`<id>.user/`) or 'group' (`<gid>.group/`).
CREATE TABLE attr_log (
  owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('run', 'group')),
  owner_id    TEXT NOT NULL,
  log_name    TEXT NOT NULL,
  author      TEXT NOT NULL,
  set_json    TEXT NOT NULL,
  delete_json TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, log_name)
) WITHOUT ROWID;

-- The archive registry `RUNS/.archives/<id>/`, current revision only.
CREATE TABLE archives (
  id      TEXT PRIMARY KEY,
  name    TEXT,
  date    INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0
);

-- What could not be read, by unit, so that a re-read of the unit replaces them.
CREATE TABLE index_errors (
  unit    TEXT NOT NULL,
  path    TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX index_errors_unit ON index_errors (unit);

-- Key/value facts about the index itself (runs dir, last index time).
CREATE TABLE catalog_meta (
  key   TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;
