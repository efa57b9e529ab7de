-- The views that a team database (PostgreSQL, migrations/postgres) has too, with the same names
-- and columns: the query layer reads these, whatever the backend (docs/team.md). A SQLite file
-- indexes one runs dir of one machine, so here they are simple: one source, every copy shown.

-- Where rows were indexed from: the host and runs dir the indexer records (catalog_meta).
DROP VIEW run_list;
CREATE VIEW run_list AS
SELECT r.id, r.name, r.op_ns, r.op_name, r.op_version,
       r.initialized, r.staged, r.started, r.stopped, r.timestamp,
       r.exit_code, r.status,
       CASE WHEN r.legacy_deleted THEN 'legacy-deleted' ELSE coalesce(m.container, 'active') END AS container,
       CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$'
            ELSE r.summary_label END AS label,
       (SELECT value FROM catalog_meta WHERE key = 'host') AS source_host,
       (SELECT value FROM catalog_meta WHERE key = 'runs_dir') AS source_runs_dir
  FROM runs r
  LEFT JOIN moves m ON m.run_id = r.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'run' AND a.owner_id = r.id AND a.key = 'label';

DROP VIEW group_list;
CREATE VIEW group_list AS
SELECT g.id, g.name, s.operation, s.started, s.status,
  CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$' END AS label,
  (SELECT value FROM catalog_meta WHERE key = 'host') AS source_host,
  (SELECT value FROM catalog_meta WHERE key = 'runs_dir') AS source_runs_dir
  FROM groups g
  JOIN group_state s ON s.id = g.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'group' AND a.owner_id = g.id AND a.key = 'label';

-- Runs stored as running, for a query to check their pids; host null: this machine's.
CREATE VIEW live_locks AS
SELECT id, lock_pid, NULL AS host FROM runs WHERE lock_present = 1 AND lock_alive = 1;

-- The dir each group was read from, where writes to it go, and the runs dir it is in.
CREATE VIEW group_dirs AS
SELECT id, dir_name,
       (SELECT value FROM catalog_meta WHERE key = 'host') AS host,
       (SELECT value FROM catalog_meta WHERE key = 'runs_dir') AS runs_dir
  FROM groups;

-- Config and summary of the copy shown.
CREATE VIEW run_data AS
SELECT id, config_json, metrics_json, attributes_json FROM runs;

-- Every copy of a run and where it was indexed from; shown: the copy listings show.
CREATE VIEW run_copies AS
SELECT id,
       (SELECT value FROM catalog_meta WHERE key = 'host') AS host,
       (SELECT value FROM catalog_meta WHERE key = 'runs_dir') AS runs_dir,
       1 AS shown
  FROM runs;
