-- The total of an unfiltered listing ("20 of N") without counting: how many shown runs each
-- container holds, kept by the indexer as it changes run_shown (as SQLite's run_counts is kept
-- by triggers). Counting run_shown took a scan of every run: ~0.3 s at 100k runs, seconds at a
-- million (docs/benchmarks.md, "Team database").

CREATE TABLE container_counts (
  container text COLLATE "C" PRIMARY KEY,
  n         bigint NOT NULL
);

INSERT INTO container_counts (container, n)
SELECT container, count(*) FROM run_shown GROUP BY container;

CREATE OR REPLACE VIEW run_counts AS
SELECT container, n FROM container_counts WHERE n > 0;
