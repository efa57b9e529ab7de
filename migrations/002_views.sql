-- Derived values, all in SQL (DESIGN §2).

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

-- Tags are exactly the `tag:<tag>` keys (DESIGN §7).
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

-- Gage's `run_attr.run_status` precedence (gage-format §7).
CREATE VIEW run_status AS
SELECT id,
  CASE
    WHEN exit_code = 0 THEN 'completed'
    WHEN exit_code < 0 THEN 'terminated'
    WHEN exit_code > 0 THEN 'error'
    WHEN lock_present THEN CASE WHEN lock_alive THEN 'running' ELSE 'terminated' END
    WHEN has_staged THEN 'staged'
    WHEN has_initialized THEN 'pending'
    ELSE 'unknown'
  END AS status
FROM runs;

CREATE VIEW run_container AS
SELECT r.id,
  CASE WHEN r.legacy_deleted THEN 'legacy-deleted' ELSE coalesce(m.container, 'active') END AS container
  FROM runs r LEFT JOIN moves m ON m.run_id = r.id;

-- The user label when it is a non-empty string, else the summary's `run.label` (DESIGN §7).
CREATE VIEW run_label AS
SELECT r.id,
  CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$'
       ELSE r.summary_label END AS label
  FROM runs r
  LEFT JOIN current_attrs a ON a.owner_kind = 'run' AND a.owner_id = r.id AND a.key = 'label';

-- One row per run with what listings show.
CREATE VIEW run_list AS
SELECT r.id, r.name, r.op_ns, r.op_name, r.op_version,
       r.initialized, r.staged, r.started, r.stopped,
       coalesce(r.started, r.staged, r.initialized) AS timestamp,
       r.exit_code, s.status, c.container, l.label
  FROM runs r
  JOIN run_status s ON s.id = r.id
  JOIN run_container c ON c.id = r.id
  JOIN run_label l ON l.id = r.id;

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

-- What a group shows (DESIGN §2), from its active members only.
CREATE VIEW group_summary AS
WITH m AS (
  SELECT gm.group_id, r.id, r.op_name, r.started, s.status,
         row_number() OVER (PARTITION BY gm.group_id ORDER BY r.started IS NULL, r.started, r.id) AS pos
    FROM group_members gm
    JOIN runs r ON r.id = gm.run_id
    JOIN run_status s ON s.id = r.id
   WHERE gm.state = 'active'
), agg AS (
  SELECT group_id,
         count(*) AS n,
         count(DISTINCT op_name) AS n_ops,
         min(started) AS started,
         sum(status = 'completed') AS n_completed, sum(status = 'error') AS n_error,
         sum(status = 'running') AS n_running, sum(status = 'terminated') AS n_terminated,
         sum(status = 'staged') AS n_staged, sum(status = 'pending') AS n_pending,
         max(CASE WHEN pos = 1 THEN op_name END) AS op1,
         max(CASE WHEN pos = 2 THEN op_name END) AS op2
    FROM m GROUP BY group_id
)
SELECT g.id,
  CASE WHEN a.n IS NULL THEN NULL WHEN a.n_ops = 1 THEN a.op1 ELSE a.op1 || '...' || a.op2 END AS operation,
  a.started,
  CASE
    WHEN a.n IS NULL THEN 'unknown'
    WHEN a.n_completed = a.n THEN 'completed'
    WHEN a.n_error > 0 THEN 'error'
    WHEN a.n_running > 0 THEN 'running'
    WHEN a.n_terminated > 0 THEN 'terminated'
    WHEN a.n_staged > 0 THEN 'staged'
    WHEN a.n_pending > 0 THEN 'pending'
    ELSE 'unknown'
  END AS status,
  coalesce(a.n, 0) AS n_active
FROM groups g LEFT JOIN agg a ON a.group_id = g.id;

CREATE VIEW group_list AS
SELECT g.id, g.name, s.operation, s.started, s.status,
  CASE WHEN json_type(a.value_json) = 'text' AND a.value_json <> '""' THEN a.value_json ->> '$' END AS label
  FROM groups g
  JOIN group_summary s ON s.id = g.id
  LEFT JOIN current_attrs a ON a.owner_kind = 'group' AND a.owner_id = g.id AND a.key = 'label';
