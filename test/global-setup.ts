/**
 * Says whether the PostgreSQL half of the suites runs, and drops the databases the tests made.
 * Without CATALOG_TEST_PG_URL the PostgreSQL half does not run, and this says how to run it;
 * CATALOG_TEST_REQUIRE_PG=1 (set by .ci/run) makes that an error, so CI never skips it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PG_URL, runDbPrefix } from "./pg-env.js";

const HOW = [
  "PostgreSQL half of the suites not run: CATALOG_TEST_PG_URL is not set. To run it:",
  "  apt-get install -y postgresql            # Debian's server (once)",
  "  bash scripts/pg-cluster.sh start         # a throwaway cluster; prints its dir and URL",
  "  CATALOG_TEST_PG_URL=<the URL> npm test",
  "  bash scripts/pg-cluster.sh stop <dir>    # afterwards",
].join("\n");

/** Drops the test databases whose names start with `prefix`. */
async function dropTestDatabases(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${prefix.replaceAll("_", "\\_")}%`]);
    for (const { datname } of r.rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  // the workers inherit it: they start after the global setup
  process.env["CATALOG_TEST_RUN_ID"] ??= randomBytes(4).toString("hex");
  if (PG_URL === undefined) {
    if (process.env["CATALOG_TEST_REQUIRE_PG"] === "1") throw new Error(`CATALOG_TEST_REQUIRE_PG=1 but ${HOW}`);
    process.stderr.write(`\n${HOW}\n\n`);
    return;
  }
  // fails here, once, when the server cannot be reached; what a killed run left behind stays
  // until the throwaway cluster goes (another run on the same server may be using it)
  await dropTestDatabases(runDbPrefix());
}

export async function teardown(): Promise<void> {
  if (PG_URL !== undefined) await dropTestDatabases(runDbPrefix());
}
