-- The newest-first listing at a million runs (docs/benchmarks.md, "Team database"): run_list
-- was ordered by a column of `runs` reached through run_shown, so every page sorted every run,
-- and the per-container counts replayed every run's move markers. run_shown now carries what a
-- page orders and filters by — the shown copy's timestamp and the run's container — kept by the
-- indexer with the rest of run_shown, so a page walks one index and stops at its limit.

ALTER TABLE run_shown
  ADD COLUMN timestamp bigint,
  ADD COLUMN container text COLLATE "C" NOT NULL DEFAULT 'active';

UPDATE run_shown sh
   SET timestamp = r.timestamp,
       container = CASE WHEN r.legacy_deleted = 1 THEN 'legacy-deleted'
                        ELSE coalesce((SELECT m.container FROM moves m WHERE m.run_id = r.id ORDER BY m.marker DESC LIMIT 1), 'active') END
  FROM runs r
 WHERE r.source_id = sh.source_id AND r.id = sh.run_id;

CREATE INDEX run_shown_newest ON run_shown (timestamp DESC NULLS LAST, run_id DESC);
CREATE INDEX run_shown_container ON run_shown (container);

CREATE OR REPLACE VIEW run_container AS
SELECT run_id AS id, container FROM run_shown;

CREATE OR REPLACE VIEW run_list AS
SELECT sh.run_id AS id, r.name, r.op_ns, r.op_name, r.op_version,
       r.initialized, r.staged, r.started, r.stopped, sh.timestamp,
       r.exit_code, r.status, sh.container,
       CASE WHEN jsonb_typeof(a.value_json::jsonb) = 'string' AND a.value_json <> '""' THEN a.value_json::jsonb #>> '{}'
            ELSE r.summary_label END AS label,
       s.host AS source_host, s.runs_dir AS source_runs_dir
  FROM run_shown sh
  JOIN runs r ON r.source_id = sh.source_id AND r.id = sh.run_id
  JOIN sources s ON s.id = sh.source_id
  LEFT JOIN current_attrs a ON a.owner_kind = 'run' AND a.owner_id = sh.run_id AND a.key = 'label';

CREATE OR REPLACE VIEW run_counts AS
SELECT container, count(*) AS n FROM run_shown GROUP BY container;
