-- A team's catalog on PostgreSQL (docs/team.md): the runs dirs of many machines in one database.
-- Each runs dir is a *source*; the tables that mirror the disk hold one source's rows each, keyed
-- by source_id, and indexing one source never touches another's rows. What a query sees is
-- derived across sources: a run id indexed from several sources (a synced copy) is listed once,
-- from the copy whose meta files are newest; attr logs are the union of every copy's entries (as
-- a sync would make them); a run's container is its newest move marker from any copy.
--
-- The views have the names and columns of SQLite's (migrations/sqlite): the query layer reads
-- only them. Every text column sorts and compares by code point (COLLATE "C"), as SQLite does.
-- Times are integer epoch microseconds (bigint).

CREATE TABLE sources (
  id         serial PRIMARY KEY,
  host       text COLLATE "C" NOT NULL,
  runs_dir   text COLLATE "C" NOT NULL,
  indexed_at text,
  UNIQUE (host, runs_dir)
);

-- One row per unit the indexer reads, with its fingerprint (docs/freshness.md).
CREATE TABLE entries (
  source_id   integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  unit        text COLLATE "C" NOT NULL,
  unit_key    bigint NOT NULL,
  fingerprint bigint NOT NULL,
  PRIMARY KEY (source_id, unit)
);
CREATE INDEX entries_unit_key ON entries (source_id, unit_key);

CREATE TABLE runs (
  source_id       integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  id              text COLLATE "C" NOT NULL,
  name            text COLLATE "C",
  meta_entry      text COLLATE "C" NOT NULL,
  meta_kind       text COLLATE "C" NOT NULL CHECK (meta_kind IN ('dir', 'zip')),
  legacy_deleted  integer NOT NULL DEFAULT 0,
  opref_schema    integer NOT NULL,
  op_ns           text COLLATE "C" NOT NULL,
  op_name         text COLLATE "C" NOT NULL,
  op_version      text COLLATE "C",
  initialized     bigint,
  staged          bigint,
  started         bigint,
  stopped         bigint,
  has_initialized integer NOT NULL DEFAULT 0,
  has_staged      integer NOT NULL DEFAULT 0,
  has_started     integer NOT NULL DEFAULT 0,
  has_stopped     integer NOT NULL DEFAULT 0,
  exit_code       bigint,
  lock_present    integer NOT NULL DEFAULT 0,
  lock_pid        bigint,
  -- pid liveness: kept by the indexer and the daemon of the source's own host
  lock_alive      integer NOT NULL DEFAULT 0,
  config_json     text NOT NULL DEFAULT '{}',
  metrics_json    text NOT NULL DEFAULT '{}',
  attributes_json text NOT NULL DEFAULT '{}',
  summary_label   text COLLATE "C",
  -- the meta entry's modification time, µs: of several copies of a run, the newest is shown
  files_us        bigint NOT NULL DEFAULT 0,
  -- Gage's run_attr.run_status precedence (docs/format.md, "Status")
  status          text COLLATE "C" GENERATED ALWAYS AS (
    CASE
      WHEN exit_code = 0 THEN 'completed'
      WHEN exit_code < 0 THEN 'terminated'
      WHEN exit_code > 0 THEN 'error'
      WHEN lock_present = 1 THEN CASE WHEN lock_alive = 1 THEN 'running' ELSE 'terminated' END
      WHEN has_staged = 1 THEN 'staged'
      WHEN has_initialized = 1 THEN 'pending'
      ELSE 'unknown'
    END) STORED,
  -- Gage's listing timestamp: started, else staged, else initialized
  timestamp       bigint GENERATED ALWAYS AS (coalesce(started, staged, initialized)) STORED,
  PRIMARY KEY (source_id, id)
);
CREATE INDEX runs_id ON runs (id);
CREATE INDEX runs_lock ON runs (lock_alive) WHERE lock_present = 1;

-- The newest `<id>.move` marker of each run in each source.
CREATE TABLE moves (
  source_id integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  run_id    text COLLATE "C" NOT NULL,
  marker    text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  PRIMARY KEY (source_id, run_id)
);
CREATE INDEX moves_run ON moves (run_id, marker);

CREATE TABLE groups (
  source_id integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  id        text COLLATE "C" NOT NULL,
  name      text COLLATE "C",
  dir_name  text COLLATE "C" NOT NULL,
  PRIMARY KEY (source_id, id),
  UNIQUE (source_id, dir_name)
);
CREATE INDEX groups_id ON groups (id);

-- One row per attr-log file of a source. owner_kind: 'run' (`<id>.user/`) or 'group'.
CREATE TABLE attr_log (
  source_id   integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  owner_kind  text COLLATE "C" NOT NULL CHECK (owner_kind IN ('run', 'group')),
  owner_id    text COLLATE "C" NOT NULL,
  log_name    text COLLATE "C" NOT NULL,
  author      text COLLATE "C" NOT NULL,
  set_json    text NOT NULL,
  delete_json text NOT NULL,
  PRIMARY KEY (source_id, owner_kind, owner_id, log_name)
);
CREATE INDEX attr_log_owner ON attr_log (owner_kind, owner_id, log_name);

CREATE TABLE archives (
  source_id integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  id        text COLLATE "C" NOT NULL,
  name      text COLLATE "C",
  date      bigint,
  deleted   integer NOT NULL DEFAULT 0,
  PRIMARY KEY (source_id, id)
);

CREATE TABLE index_errors (
  source_id integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  unit      text COLLATE "C" NOT NULL,
  path      text COLLATE "C" NOT NULL,
  message   text NOT NULL,
  severity  text COLLATE "C" NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'note'))
);
CREATE INDEX index_errors_unit ON index_errors (source_id, unit);

-- ---- Derived across sources, kept by whichever indexer changes what they derive from ----

-- The copy of each run that listings show: the newest meta files, ties to the lowest source.
CREATE TABLE run_shown (
  run_id    text COLLATE "C" PRIMARY KEY,
  source_id integer NOT NULL
);

-- attr_replay materialised (per owner, over every source's entries).
CREATE TABLE current_attrs (
  owner_kind text COLLATE "C" NOT NULL,
  owner_id   text COLLATE "C" NOT NULL,
  key        text COLLATE "C" NOT NULL,
  value_json text NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, key)
);
CREATE INDEX current_attrs_key ON current_attrs (key, owner_kind, owner_id);

-- group_summary materialised, per group id.
CREATE TABLE group_state (
  id        text COLLATE "C" PRIMARY KEY,
  operation text COLLATE "C",
  started   bigint,
  status    text COLLATE "C" NOT NULL
);

-- The values of the shown copy of each run, one row per top-level key (as SQLite's 006).
CREATE TABLE run_values (
  run_id  text COLLATE "C" NOT NULL,
  section text COLLATE "C" NOT NULL CHECK (section IN ('config', 'metrics', 'attributes')),
  key     text COLLATE "C" NOT NULL,
  num     double precision,
  text    text COLLATE "C",
  CHECK ((num IS NULL) <> (text IS NULL)),
  PRIMARY KEY (run_id, section, key)
);
CREATE INDEX run_values_num ON run_values (section, key, num) WHERE num IS NOT NULL;
CREATE INDEX run_values_text ON run_values (section, key, text) WHERE text IS NOT NULL;

-- ---- Views: the contract, with the names and columns of SQLite's ----

-- Every attr-log entry once: a file synced to several sources is the same entry.
CREATE VIEW attr_entries AS
SELECT DISTINCT ON (owner_kind, owner_id, log_name) owner_kind, owner_id, log_name, author, set_json, delete_json
  FROM attr_log
 ORDER BY owner_kind, owner_id, log_name, source_id;

-- Gage's attr_log.get_attrs: per key the newest entry that mentions it wins; within one entry a
-- delete beats a set.
CREATE VIEW attr_replay AS
WITH ops AS (
  SELECT e.owner_kind, e.owner_id, e.log_name, s.key AS key, s.value::text AS value_json, 0 AS is_delete
    FROM attr_entries e, jsonb_each(e.set_json::jsonb) s
  UNION ALL
  SELECT e.owner_kind, e.owner_id, e.log_name, d.value, NULL, 1
    FROM attr_entries e, jsonb_array_elements_text(e.delete_json::jsonb) d
), ranked AS (
  SELECT owner_kind, owner_id, key, value_json, is_delete,
         row_number() OVER (PARTITION BY owner_kind, owner_id, key ORDER BY log_name DESC, is_delete DESC) AS rn
    FROM ops
)
SELECT owner_kind, owner_id, key, value_json FROM ranked WHERE rn = 1 AND is_delete = 0;

-- The same per author, as Gage's get_attrs_by_author (for comments).
CREATE VIEW author_attr_replay AS
WITH ops AS (
  SELECT e.owner_kind, e.owner_id, e.author, e.log_name, s.key AS key, s.value::text AS value_json, 0 AS is_delete
    FROM attr_entries e, jsonb_each(e.set_json::jsonb) s
  UNION ALL
  SELECT e.owner_kind, e.owner_id, e.author, e.log_name, d.value, NULL, 1
    FROM attr_entries e, jsonb_array_elements_text(e.delete_json::jsonb) d
), ranked AS (
  SELECT owner_kind, owner_id, author, key, value_json, is_delete,
         row_number() OVER (PARTITION BY owner_kind, owner_id, author, key ORDER BY log_name DESC, is_delete DESC) AS rn
    FROM ops
)
SELECT owner_kind, owner_id, author, key, value_json FROM ranked WHERE rn = 1 AND is_delete = 0;

CREATE VIEW tags AS
SELECT owner_kind, owner_id, substr(key, 5) AS tag
  FROM current_attrs
 WHERE key >= 'tag:' AND key < 'tag;';

CREATE VIEW comments AS
SELECT owner_kind, owner_id, substr(key, 9) AS comment_id, author,
       CASE jsonb_typeof(value_json::jsonb -> 'timestamp') WHEN 'number' THEN (value_json::jsonb ->> 'timestamp')::double precision::bigint END AS timestamp_ms,
       coalesce(value_json::jsonb ->> 'msg', '') AS msg
  FROM author_attr_replay
 WHERE key >= 'comment:' AND key < 'comment;' AND jsonb_typeof(value_json::jsonb) = 'object';

-- The shown copy of each run, and where it comes from.
CREATE VIEW shown_runs AS
SELECT r.*, s.host AS source_host, s.runs_dir AS source_runs_dir
  FROM run_shown sh
  JOIN runs r ON r.source_id = sh.source_id AND r.id = sh.run_id
  JOIN sources s ON s.id = r.source_id;

CREATE VIEW run_status AS
SELECT id, status FROM shown_runs;

-- A legacy-deleted copy is legacy-deleted; else the newest marker of any copy, else active.
CREATE VIEW run_container AS
SELECT r.id,
  CASE WHEN r.legacy_deleted = 1 THEN 'legacy-deleted'
       ELSE coalesce((SELECT m.container FROM moves m WHERE m.run_id = r.id ORDER BY m.marker DESC LIMIT 1), 'active') END AS container
  FROM shown_runs r;

CREATE VIEW run_list AS
SELECT r.id, r.name, r.op_ns, r.op_name, r.op_version,
       r.initialized, r.staged, r.started, r.stopped, r.timestamp,
       r.exit_code, r.status,
       CASE WHEN r.legacy_deleted = 1 THEN 'legacy-deleted'
            ELSE coalesce((SELECT m.container FROM moves m WHERE m.run_id = r.id ORDER BY m.marker DESC LIMIT 1), 'active') END AS container,
       CASE WHEN jsonb_typeof(a.value_json::jsonb) = 'string' AND a.value_json <> '""' THEN a.value_json::jsonb #>> '{}'
            ELSE r.summary_label END AS label,
       r.source_host, r.source_runs_dir
  FROM shown_runs r
  LEFT JOIN current_attrs a ON a.owner_kind = 'run' AND a.owner_id = r.id AND a.key = 'label';

-- Members of each group: current `run:<id>` keys; 'active' feeds the group rules, 'inactive' is
-- in the trash or an archive, 'missing' has no run in any source.
CREATE VIEW group_members AS
SELECT a.owner_id AS group_id, substr(a.key, 5) AS run_id,
  CASE WHEN c.id IS NULL THEN 'missing'
       WHEN c.container = 'active' THEN 'active'
       ELSE 'inactive' END AS state
  FROM current_attrs a
  LEFT JOIN run_container c ON c.id = substr(a.key, 5)
 WHERE a.owner_kind = 'group' AND a.key >= 'run:' AND a.key < 'run;';

CREATE VIEW group_active_members AS
SELECT a.owner_id AS group_id, r.id AS run_id, r.op_name, r.started, r.status
  FROM current_attrs a
  JOIN run_list r ON r.id = substr(a.key, 5)
 WHERE a.owner_kind = 'group' AND a.key >= 'run:' AND a.key < 'run;' AND r.container = 'active';

-- What a group shows (docs/groups.md), from its active members only.
CREATE VIEW group_summary AS
SELECT g.id,
  (SELECT CASE
            WHEN count(*) = 0 THEN NULL
            WHEN count(DISTINCT op_name) = 1 THEN min(op_name)
            ELSE (SELECT op_name FROM group_active_members o WHERE o.group_id = g.id
                   ORDER BY o.started IS NULL, o.started, o.run_id LIMIT 1)
                 || '...' ||
                 (SELECT op_name FROM group_active_members o WHERE o.group_id = g.id
                   ORDER BY o.started IS NULL, o.started, o.run_id LIMIT 1 OFFSET 1)
          END
     FROM group_active_members m WHERE m.group_id = g.id) AS operation,
  (SELECT min(started) FROM group_active_members m WHERE m.group_id = g.id) AS started,
  (SELECT CASE
            WHEN count(*) = 0 THEN 'unknown'
            WHEN sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) = count(*) THEN 'completed'
            WHEN sum(CASE WHEN status = 'error' THEN 1 ELSE 0 END) > 0 THEN 'error'
            WHEN sum(CASE WHEN status = 'running' THEN 1 ELSE 0 END) > 0 THEN 'running'
            WHEN sum(CASE WHEN status = 'terminated' THEN 1 ELSE 0 END) > 0 THEN 'terminated'
            WHEN sum(CASE WHEN status = 'staged' THEN 1 ELSE 0 END) > 0 THEN 'staged'
            WHEN sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) > 0 THEN 'pending'
            ELSE 'unknown'
          END
     FROM group_active_members m WHERE m.group_id = g.id) AS status
FROM (SELECT DISTINCT id FROM groups) g;

-- Each group once (a group dir synced to several sources is one group), from its first source.
CREATE VIEW group_list AS
SELECT g.id, g.name, st.operation, st.started, st.status,
  CASE WHEN jsonb_typeof(a.value_json::jsonb) = 'string' AND a.value_json <> '""' THEN a.value_json::jsonb #>> '{}' END AS label,
  s.host AS source_host, s.runs_dir AS source_runs_dir
  FROM (SELECT DISTINCT ON (id) * FROM groups ORDER BY id, source_id) g
  JOIN sources s ON s.id = g.source_id
  JOIN group_state st ON st.id = g.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'group' AND a.owner_id = g.id AND a.key = 'label';

-- Runs stored as running, with the host whose processes they are: only it can check the pids.
CREATE VIEW live_locks AS
SELECT r.id, r.lock_pid, s.host
  FROM runs r JOIN sources s ON s.id = r.source_id
 WHERE r.lock_present = 1 AND r.lock_alive = 1;

-- The dir of each group in each source, where writes to it go.
CREATE VIEW group_dirs AS
SELECT g.id, g.dir_name, s.host, s.runs_dir
  FROM groups g JOIN sources s ON s.id = g.source_id;

CREATE VIEW run_data AS
SELECT id, config_json, metrics_json, attributes_json FROM shown_runs;

CREATE VIEW run_copies AS
SELECT r.id, s.host, s.runs_dir, CASE WHEN sh.source_id = r.source_id THEN 1 ELSE 0 END AS shown
  FROM runs r
  JOIN sources s ON s.id = r.source_id
  LEFT JOIN run_shown sh ON sh.run_id = r.id;

-- The values of the shown copy of each run, as SQLite's run_value_rows (type names included).
CREATE VIEW run_value_rows AS
WITH raw AS (
  SELECT r.id AS run_id, 'config' AS section, j.key AS key, j.value AS value FROM run_data r, jsonb_each(r.config_json::jsonb) j
  UNION ALL
  SELECT r.id, 'metrics', j.key, j.value FROM run_data r, jsonb_each(r.metrics_json::jsonb) j
  UNION ALL
  SELECT r.id, 'attributes', j.key, j.value FROM run_data r, jsonb_each(r.attributes_json::jsonb) j
), flat AS (
  SELECT run_id, section, key,
         CASE WHEN jsonb_typeof(value) = 'object' AND value ? 'value' AND jsonb_typeof(value -> 'value') <> 'null' THEN value -> 'value' ELSE value END AS value
    FROM raw
)
SELECT run_id, section, key,
       CASE jsonb_typeof(value)
         WHEN 'number' THEN CASE WHEN (value #>> '{}') ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
         WHEN 'string' THEN 'text'
         WHEN 'boolean' THEN value #>> '{}'
         ELSE jsonb_typeof(value) END AS type,
       CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::double precision END AS num,
       CASE jsonb_typeof(value) WHEN 'string' THEN value #>> '{}' WHEN 'boolean' THEN value #>> '{}'
            WHEN 'array' THEN value::text WHEN 'object' THEN value::text END AS text
  FROM flat;

CREATE VIEW run_counts AS
SELECT container, count(*) AS n FROM run_container GROUP BY container;

-- Key/value facts about the index (the SQLite file's; here per source in `sources`).
CREATE TABLE catalog_meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text
);
