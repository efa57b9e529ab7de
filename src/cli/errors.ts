import { OtherRunsDirError } from "../index/binding.js";
import { UsageError } from "../query/filters.js";

/**
 * A failure to report as one line on stderr with exit code 1; `details` (candidates of an
 * ambiguous spec) follow it, indented.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export { UsageError };

/** Exit codes (docs/cli.md): 0 ok, 1 error, 2 usage. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
};

/**
 * One line for any error: a system error says what it was doing to which path, in words,
 * rather than `EACCES: permission denied, open '…'`.
 */
export function oneLine(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof Error && typeof e.code === "string" && typeof e.path === "string" && e.code in ERRNO_TEXT) {
    return `cannot ${e.syscall ?? "use"} ${e.path}: ${ERRNO_TEXT[e.code]}`;
  }
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/gu, " ").trim();
}

/**
 * A database failure said so that the user can act on it: which file, what is wrong, what to do.
 * Errors that are not about the database pass through unchanged.
 */
export function explainDbError(err: unknown, dbPath: string): Error {
  if (err instanceof CliError || err instanceof UsageError) return err;
  if (err instanceof OtherRunsDirError) {
    return new CliError(
      `${err.message}; pass --runs-dir ${err.indexed} to use it, or --db to give ${err.given} a database of its own (by default each runs dir has one)`,
    );
  }
  const code = (err as { code?: unknown }).code;
  if (code === "SQLITE_READONLY" || (typeof code === "string" && code.startsWith("SQLITE_READONLY_")) || code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new CliError(`the index ${dbPath} cannot be written by you (${oneLine(err)}); add --no-refresh to query it as it is, or give a --db you can write`);
  }
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new CliError(`${dbPath} is not a readable catalog database (${oneLine(err)}); run \`catalog reindex\` to rebuild it from the files`);
  }
  if (code === "SQLITE_CANTOPEN") return new CliError(`cannot open the index ${dbPath}: ${oneLine(err)}; check the path and its directory`);
  if (code === "SQLITE_FULL" || code === "ENOSPC") return new CliError(`no space left to write the index ${dbPath}; the index is unchanged — free some space and try again`);
  if (typeof code === "string" && code.startsWith("SQLITE_IOERR")) {
    return new CliError(`cannot write the index ${dbPath} (${oneLine(err)}); the index is unchanged — check the disk (space, quota, file size limit) and try again`);
  }
  // a host name with several addresses fails as an AggregateError of one error per address
  const first = err instanceof AggregateError ? (err.errors[0] as { code?: unknown } | undefined)?.code : undefined;
  const pg = explainPgError(code ?? first, err, dbPath);
  if (pg !== null) return pg;
  return err instanceof Error ? err : new Error(String(err));
}

/** A team database's errors (PostgreSQL SQLSTATEs and connection failures), or null. */
function explainPgError(code: unknown, err: unknown, db: string): CliError | null {
  if (!db.startsWith("postgres")) return null;
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
      return new CliError(`cannot reach the team database ${db} (${oneLine(err)}); check the host and port in the URL and that the server is running`);
    case "28P01":
    case "28000":
      return new CliError(`the team database ${db} refused the login (${oneLine(err)}); check the user, and the password in the URL, PGPASSWORD or ~/.pgpass`);
    case "3D000":
      return new CliError(`the team database ${db} does not exist (${oneLine(err)}); create it (createdb) or fix the URL`);
    case "42501":
      return new CliError(`the team database ${db} refused an operation (${oneLine(err)}); the user needs rights to create and write the catalog's tables`);
    case "53100":
      return new CliError(`the team database server ${db} is out of disk space (${oneLine(err)}); nothing was changed — free space on the server`);
  }
  if (err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/iu.test(err.message)) {
    return new CliError(`cannot reach the team database ${db} (${oneLine(err)}); check the URL and that the server is running`);
  }
  return null;
}
