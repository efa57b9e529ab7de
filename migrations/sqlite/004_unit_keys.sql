-- Each unit gets a 53-bit hash of its name (unit_key): a no-change refresh loads (unit_key,
-- fingerprint) pairs of numbers rather than 200k strings. The table starts empty again: the next
-- index reads every unit, exactly as a first index would.
DROP TABLE entries;
CREATE TABLE entries (
  unit        TEXT PRIMARY KEY,
  unit_key    INTEGER NOT NULL,
  fingerprint INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX entries_unit_key ON entries (unit_key);
