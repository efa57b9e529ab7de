/** The PostgreSQL server the tests may use (see test/backends.ts); no vitest import: the global setup reads it too. */

/** A server the tests may create databases on, e.g. postgres://postgres@127.0.0.1:5432/postgres */
export const PG_URL = process.env["CATALOG_TEST_PG_URL"] || undefined;

/** Every test database's name starts with this; a run's own also carry its run id. */
export const TEST_DB_PREFIX = "catalog_test_";

/**
 * The prefix of this test run's databases: the global setup names the run, so its teardown drops
 * only what this run made and test runs sharing one server leave each other alone.
 */
export function runDbPrefix(): string {
  const run = process.env["CATALOG_TEST_RUN_ID"];
  if (run === undefined) throw new Error("CATALOG_TEST_RUN_ID is unset: run the tests through vitest (its global setup sets it)");
  return `${TEST_DB_PREFIX}${run}_`;
}
