/**
 * node dist/scripts/query-where.js DB [WHERE]
 *
 * The library's newest-first listing (20 runs, total counted) as a process of its own, the way
 * `catalog query --no-refresh --where WHERE` will run it once the CLI has --where: the benchmark
 * times it until then. Prints "<rows> of <total>".
 */
import { openDb } from "../src/index/db.js";
import { queryRuns } from "../src/query/runs.js";

const [dbPath, where] = process.argv.slice(2);
if (dbPath === undefined) throw new Error("usage: query-where.js DB [WHERE]");
const db = openDb(dbPath, { readonly: true });
const page = queryRuns(db, { tags: [], statuses: [], containers: ["active"], ...(where === undefined ? {} : { where }) }, undefined, 20);
db.close();
process.stdout.write(`${page.rows.length} of ${page.total}\n`);
