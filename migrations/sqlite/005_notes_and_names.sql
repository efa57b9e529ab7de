-- Index errors become errors or notes: a note is something Gage itself skips without complaint (a
-- `.meta` dir with an empty opref), shown by `catalog check` but not failing it.
ALTER TABLE index_errors ADD COLUMN severity TEXT NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'note'));

-- Run selection matches name prefixes (`catalog show bakiz`); this makes them an index range.
CREATE INDEX runs_name ON runs (name);
CREATE INDEX groups_name ON groups (name);
