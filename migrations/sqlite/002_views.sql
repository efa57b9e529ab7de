-- Derived values, all in SQL (docs/groups.md, "What a group shows").

-- Current attributes exactly as Gage's `attr_log.get_attrs`: files applied in name order, each one
-- first updating with `set`, then popping `delete`. Per key the newest file that mentions it wins,
-- and within one file a delete beats a set. value_json is the value as JSON text.
CREATE VIEW attr_replay AS
WITH ops AS (
  SELECT a.owner_kind, a.owner_id, a.log_name, s.key AS key,
         CASE s.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(s.value) END AS value_json,
         0 AS is_delete
    FROM attr_log a, json_each(a.set_json) s
  UNION ALL
  SELECT a.owner_kind, a.owner_id, a.log_name, d.value, NULL, 1
    FROM attr_log a, json_each(a.delete_json) d
), ranked AS (
  SELECT owner_kind, owner_id, key, value_json, is_delete,
         row_number() OVER (PARTITION BY owner_kind, owner_id, key ORDER BY log_name DESC, is_delete DESC) AS rn
    FROM ops
)
SELECT owner_kind, owner_id, key, value_json FROM ranked WHERE rn = 1 AND is_delete = 0;

-- attr_replay, materialised: the indexer refreshes the rows of every owner whose log changed.
CREATE TABLE current_attrs (
  owner_kind TEXT NOT NULL,
  owner_id   TEXT NOT NULL,
  key        TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, key)
) WITHOUT ROWID;
CREATE INDEX current_attrs_key ON current_attrs (key, owner_kind, owner_id);

-- The same replay done per author, as Gage's `get_attrs_by_author` (used for comments).
CREATE VIEW author_attr_replay AS
WITH ops AS (
  SELECT a.owner_kind, a.owner_id, a.author, a.log_name, s.key AS key,
         CASE s.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(s.value) END AS value_json,
         0 AS is_delete
    FROM attr_log a, json_each(a.set_json) s
  UNION ALL
  SELECT a.owner_kind, a.owner_id, a.author, a.log_name, d.value, NULL, 1
    FROM attr_log a, json_each(a.delete_json) d
), ranked AS (
  SELECT owner_kind, owner_id, author, key, value_json, is_delete,
         row_number() OVER (PARTITION BY owner_kind, owner_id, author, key ORDER BY log_name DESC, is_delete DESC) AS rn
    FROM ops
)
SELECT owner_kind, owner_id, author, key, value_json FROM ranked WHERE rn = 1 AND is_delete = 0;

-- Tags are exactly the `tag:<tag>` keys (docs/decisions.md).
CREATE VIEW tags AS
SELECT owner_kind, owner_id, substr(key, 5) AS tag
  FROM current_attrs
 WHERE key >= 'tag:' AND key < 'tag;';

-- Comments as Gage's `run_comment.get_comments` lists them: per-author replay, so an edit by
-- another author shows beside the original. Values that are not objects are not comments.
CREATE VIEW comments AS
SELECT owner_kind, owner_id, substr(key, 9) AS comment_id, author,
       json_extract(value_json, '$.timestamp') AS timestamp_ms,
       coalesce(json_extract(value_json, '$.msg'), '') AS msg
  FROM author_attr_replay
 WHERE key >= 'comment:' AND key < 'comment;' AND json_type(value_json) = 'object';

-- Run status is a generated column of runs (001); this view names it as docs/architecture.md does.
CREATE VIEW run_status AS
SELECT id, status FROM runs;

CREATE VIEW run_container AS
SELECT r.id,
  CASE WHEN r.legacy_deleted THEN 'legacy-deleted' ELSE coalesce(m.container, 'active') END AS container
  FROM runs r LEFT JOIN moves m ON m.run_id = r.id;

-- One row per run with what listings show. The container is run_container's expression
-- inlined: queries read this view for every run, and a join to run_container would look each
-- run up twice. The label is the user label when it is a non-empty string, else the summary's
-- `run.label` (docs/decisions.md).
CREATE VIEW run_list AS
SELECT r.id, r.name, r.op_ns, r.op_name, r.op_version,
       r.initialized, r.staged, r.started, r.stopped, r.timestamp,
       r.exit_code, r.status,
       CASE WHEN r.legacy_deleted THEN 'legacy-deleted' ELSE coalesce(m.container, 'active') END AS container,
       CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$'
            ELSE r.summary_label END AS label
  FROM runs r
  LEFT JOIN moves m ON m.run_id = r.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'run' AND a.owner_id = r.id AND a.key = 'label';

-- Members of each group: current `run:<id>` keys. state: 'active' feeds the group rules;
-- 'inactive' is in the trash or an archive; 'missing' has no run on disk.
CREATE VIEW group_members AS
SELECT a.owner_id AS group_id, substr(a.key, 5) AS run_id,
  CASE WHEN r.id IS NULL THEN 'missing'
       WHEN c.container = 'active' THEN 'active'
       ELSE 'inactive' END AS state
  FROM current_attrs a
  LEFT JOIN runs r ON r.id = substr(a.key, 5)
  LEFT JOIN run_container c ON c.id = r.id
 WHERE a.owner_kind = 'group' AND a.key >= 'run:' AND a.key < 'run;';

-- Active members with what the group rules need. Read per group through the primary key of
-- current_attrs, so a group's summary costs only its own members.
CREATE VIEW group_active_members AS
SELECT a.owner_id AS group_id, r.id AS run_id, r.op_name, r.started, r.status
  FROM current_attrs a
  JOIN runs r ON r.id = substr(a.key, 5)
  JOIN run_container c ON c.id = r.id
 WHERE a.owner_kind = 'group' AND a.key >= 'run:' AND a.key < 'run;' AND c.container = 'active';

-- What a group shows (docs/groups.md, "What a group shows"), from its active members only. Members are ordered by started
-- time, never-started last, ties by id. Correlated subqueries, so that filtering groups first
-- (by tag, label) computes the summary of the matching groups only.
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
            WHEN sum(status = 'completed') = count(*) THEN 'completed'
            WHEN sum(status = 'error') > 0 THEN 'error'
            WHEN sum(status = 'running') > 0 THEN 'running'
            WHEN sum(status = 'terminated') > 0 THEN 'terminated'
            WHEN sum(status = 'staged') > 0 THEN 'staged'
            WHEN sum(status = 'pending') > 0 THEN 'pending'
            ELSE 'unknown'
          END
     FROM group_active_members m WHERE m.group_id = g.id) AS status
FROM groups g;

-- group_summary, materialised: the indexer refreshes the rows of every group whose log changed
-- or that lists a run that changed (index/group-state.ts). Listings read this table.
CREATE TABLE group_state (
  id        TEXT PRIMARY KEY,
  operation TEXT,
  started   INTEGER,
  status    TEXT NOT NULL
);

CREATE VIEW group_list AS
SELECT g.id, g.name, s.operation, s.started, s.status,
  CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$' END AS label
  FROM groups g
  JOIN group_state s ON s.id = g.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'group' AND a.owner_id = g.id AND a.key = 'label';
