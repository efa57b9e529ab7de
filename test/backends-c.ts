/** Test helpers of the query suites beside those of backends.ts. */
import { join } from "node:path";
import { pgUrlFor, type Ws } from "./backends.js";
import { runDbPrefix } from "./pg-env.js";

/** A `--db` of the workspace's backend naming a database that does not exist (and is never made). */
export function absentDb(ws: Ws): string {
  return ws.backend === "sqlite" ? join(ws.dir, "none.sqlite") : pgUrlFor(`${runDbPrefix()}absent`);
}
