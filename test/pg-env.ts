/** The PostgreSQL server the tests may use (see test/backends.ts); no vitest import: the global setup reads it too. */

/** A server the tests may create databases on, e.g. postgres://postgres@127.0.0.1:5432/postgres */
export const PG_URL = process.env["CATALOG_TEST_PG_URL"] || undefined;

/** Test databases are named with this prefix; the global teardown drops them. */
export const TEST_DB_PREFIX = "catalog_test_";
