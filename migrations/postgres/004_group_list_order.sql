-- Groups listed at a million runs (docs/benchmarks.md, "Team database"): group_list chose each
-- group's first source with DISTINCT ON over every group row, so any page sorted every group
-- (100k of them: 0.6–0.75 s of the plan) before a filter or a limit could apply. group_state —
-- one row per group id, kept by the indexer — now also holds that first source and is indexed
-- by start, as run_shown is by timestamp, and group_list starts from it: a page walks the index
-- (10 ms) or sorts only its matches (45 ms for the green groups of a million runs).

ALTER TABLE group_state ADD COLUMN source_id integer;
UPDATE group_state st SET source_id = (SELECT min(g.source_id) FROM groups g WHERE g.id = st.id);
CREATE INDEX group_state_newest ON group_state (started DESC NULLS LAST, id DESC);
CREATE OR REPLACE VIEW group_list AS
SELECT st.id, g.name, st.operation, st.started, st.status,
  CASE WHEN jsonb_typeof(a.value_json::jsonb) = 'string' AND a.value_json <> '""' THEN a.value_json::jsonb #>> '{}' END AS label,
  s.host AS source_host, s.runs_dir AS source_runs_dir
  FROM group_state st
  JOIN groups g ON g.source_id = st.source_id AND g.id = st.id
  JOIN sources s ON s.id = st.source_id
  LEFT JOIN current_attrs a ON a.owner_kind = 'group' AND a.owner_id = st.id AND a.key = 'label';

ANALYZE group_state;
