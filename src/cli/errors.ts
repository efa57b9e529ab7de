import { UsageError } from "../query/filters.js";

/** A failure to report as one line on stderr with exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

export { UsageError };

/** Exit codes (DESIGN §5): 0 ok, 1 error, 2 usage. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/gu, " ").trim();
}
