-- Fingerprints become 53-bit integers (src/disk/fingerprint.ts). Old text fingerprints cannot be
-- compared with them, so the table starts empty: the next index reads every unit again, exactly
-- as a first index would, and the cache is whole again.
DROP TABLE entries;
CREATE TABLE entries (
  unit        TEXT PRIMARY KEY,
  fingerprint INTEGER NOT NULL
) WITHOUT ROWID;
