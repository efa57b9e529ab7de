-- Indexes for `--where` and `--sort` by name (docs/filters.md), and the run counts behind
-- "Showing 20 of N" (docs/architecture.md).
--
-- Existing databases are filled here, in SQL, from the config and summary JSON already stored in
-- runs: every value run_values needs is in those columns, so nothing has to be read from disk again
-- (clearing the entries fingerprints, as 003 and 004 do, would re-read every run instead).

-- The values of one run as listings compare them, one row per top-level key of config.json and of
-- summary.json's metrics and attributes. A summary value written as {"value": v, ...} stands for v
-- (as Gage's board flattens it). num holds numbers; text holds strings, booleans as 'true' or
-- 'false', and arrays or objects as JSON text; both are NULL for a JSON null. type is the JSON type
-- after flattening, for readers that need booleans back.
CREATE VIEW run_value_rows AS
WITH raw AS (
  SELECT r.id AS run_id, 'config' AS section, j.key AS key, j.type AS type, j.value AS value
    FROM runs r, json_each(r.config_json) j
  UNION ALL
  SELECT r.id, 'metrics', j.key, j.type, j.value FROM runs r, json_each(r.metrics_json) j
  UNION ALL
  SELECT r.id, 'attributes', j.key, j.type, j.value FROM runs r, json_each(r.attributes_json) j
), flat AS (
  SELECT run_id, section, key,
         CASE WHEN type = 'object' AND json_type(value, '$.value') IS NOT NULL
              THEN json_type(value, '$.value') ELSE type END AS type,
         CASE WHEN type = 'object' AND json_type(value, '$.value') IS NOT NULL
              THEN json_extract(value, '$.value') ELSE value END AS value
    FROM raw
)
SELECT run_id, section, key, type,
       CASE WHEN type IN ('integer', 'real') THEN value END AS num,
       CASE type WHEN 'text' THEN value WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
                 WHEN 'array' THEN value WHEN 'object' THEN value END AS text
  FROM flat;

-- run_value_rows materialised without its nulls (a null value is a missing one), kept by the
-- indexer wherever it writes or deletes a run (index/unit-writer.ts). Exactly one of num and text
-- is set, so each row sits in exactly one of the two partial indexes: a filter such as
-- `metrics.loss < 0.2` is a range of run_values_num, `config.optimizer == adam` a point of
-- run_values_text, and the primary key serves per-run lookups (--sort, --columns).
CREATE TABLE run_values (
  run_id  TEXT NOT NULL,
  section TEXT NOT NULL CHECK (section IN ('config', 'metrics', 'attributes')),
  key     TEXT NOT NULL,
  num     REAL,
  text    TEXT,
  CHECK ((num IS NULL) <> (text IS NULL)),
  PRIMARY KEY (run_id, section, key)
) WITHOUT ROWID;
CREATE INDEX run_values_num ON run_values (section, key, num) WHERE num IS NOT NULL;
CREATE INDEX run_values_text ON run_values (section, key, text) WHERE text IS NOT NULL;

INSERT INTO run_values (run_id, section, key, num, text)
SELECT run_id, section, key, num, text FROM run_value_rows WHERE num IS NOT NULL OR text IS NOT NULL;

-- Listing filters on run columns. Each equality index ends in (timestamp, id), so a filtered
-- listing in the default order walks the index backwards and stops at the limit.
CREATE INDEX runs_status ON runs (status, timestamp, id);
CREATE INDEX runs_op ON runs (op_name, timestamp, id);
CREATE INDEX runs_started ON runs (started, id);
-- Legacy-deleted runs by id, so a listing can tell a run's container without reading its row.
CREATE INDEX runs_legacy ON runs (id) WHERE legacy_deleted;

-- How many runs each container holds, so the unfiltered listing's "Showing 20 of N" reads one
-- row instead of counting every run. Kept exact by the triggers below on every write to runs and
-- moves, whoever makes it: a change first takes the run out of the count of the container it is
-- in, then puts it into the count of the container it ends up in. The indexer writes runs and
-- moves with INSERT OR REPLACE (the replaced row fires no DELETE trigger, which is why the
-- INSERT triggers come in before/after pairs) and DELETE; moves rows are never updated in place.
CREATE TABLE run_counts (
  container TEXT PRIMARY KEY,
  n         INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO run_counts (container, n) SELECT container, count(*) FROM run_container GROUP BY container;

CREATE TRIGGER run_counts_run_insert_before BEFORE INSERT ON runs BEGIN
  UPDATE run_counts SET n = n - 1 WHERE container = (SELECT container FROM run_container WHERE id = NEW.id);
END;
CREATE TRIGGER run_counts_run_insert_after AFTER INSERT ON runs BEGIN
  INSERT INTO run_counts (container, n) SELECT container, 1 FROM run_container WHERE id = NEW.id
    ON CONFLICT (container) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER run_counts_run_delete BEFORE DELETE ON runs BEGIN
  UPDATE run_counts SET n = n - 1 WHERE container = (SELECT container FROM run_container WHERE id = OLD.id);
END;
CREATE TRIGGER run_counts_run_update_before BEFORE UPDATE OF id, legacy_deleted ON runs BEGIN
  UPDATE run_counts SET n = n - 1 WHERE container = (SELECT container FROM run_container WHERE id = OLD.id);
END;
CREATE TRIGGER run_counts_run_update_after AFTER UPDATE OF id, legacy_deleted ON runs BEGIN
  INSERT INTO run_counts (container, n) SELECT container, 1 FROM run_container WHERE id = NEW.id
    ON CONFLICT (container) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER run_counts_move_insert_before BEFORE INSERT ON moves BEGIN
  UPDATE run_counts SET n = n - 1 WHERE container = (SELECT container FROM run_container WHERE id = NEW.run_id);
END;
CREATE TRIGGER run_counts_move_insert_after AFTER INSERT ON moves BEGIN
  INSERT INTO run_counts (container, n) SELECT container, 1 FROM run_container WHERE id = NEW.run_id
    ON CONFLICT (container) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER run_counts_move_delete_before BEFORE DELETE ON moves BEGIN
  UPDATE run_counts SET n = n - 1 WHERE container = (SELECT container FROM run_container WHERE id = OLD.run_id);
END;
CREATE TRIGGER run_counts_move_delete_after AFTER DELETE ON moves BEGIN
  INSERT INTO run_counts (container, n) SELECT container, 1 FROM run_container WHERE id = OLD.run_id
    ON CONFLICT (container) DO UPDATE SET n = n + 1;
END;
