-- group_members with run_container's expression inlined, as run_list inlines it: a LEFT JOIN to
-- the run_container view made SQLite materialise every run's container to answer one group's
-- members (~200 ms at 100k runs). Same columns and rule (the contract, docs/architecture.md).
DROP VIEW group_members;
CREATE VIEW group_members AS
SELECT a.owner_id AS group_id, substr(a.key, 5) AS run_id,
  CASE WHEN r.id IS NULL THEN 'missing'
       WHEN NOT r.legacy_deleted AND coalesce(m.container, 'active') = 'active' THEN 'active'
       ELSE 'inactive' END AS state
  FROM current_attrs a
  LEFT JOIN runs r ON r.id = substr(a.key, 5)
  LEFT JOIN moves m ON m.run_id = r.id
 WHERE a.owner_kind = 'group' AND a.key >= 'run:' AND a.key < 'run;';
