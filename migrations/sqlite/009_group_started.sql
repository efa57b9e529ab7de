-- The group listing, newest first start, walks this index and stops at its page: without it a
-- page of `catalog query --groups` sorted every group (docs/benchmarks.md, "Start-up"), and a
-- common `--tag` could only start from its matches (src/query/where/plan.ts). NULL starts (groups
-- with no started member) come last in a descending walk, as the listing orders them.
CREATE INDEX group_state_started ON group_state (started, id);
