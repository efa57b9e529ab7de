/**
 * Kysely and `pg`, as the team database needs them. The CLI's bundle builds this module into a
 * file of its own with both packages inside (scripts/bundle.mjs): loaded only when a process
 * talks to PostgreSQL, and then as one file rather than Kysely's hundreds of modules.
 */
export * as kysely from "kysely";
export { default as pg } from "pg";
