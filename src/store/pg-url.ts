/** What a `--db` value is, and how messages name a PostgreSQL database (no driver loaded). */

/** True when `--db` (or CATALOG_DB) names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//iu.test(db);
}

/** The URL without its password: what messages, status files and process lists show. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/u, "//$1:***@");
  }
}
