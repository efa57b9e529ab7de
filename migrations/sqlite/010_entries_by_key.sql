-- A no-change refresh reads every (unit_key, fingerprint) pair in key order into typed arrays
-- (src/index/fingerprint-table.ts): an index holding both gives them in that order without a
-- visit to the table for each.
DROP INDEX entries_unit_key;
CREATE INDEX entries_unit_key ON entries (unit_key, fingerprint);
