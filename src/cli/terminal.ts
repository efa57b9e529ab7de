/** Which standard streams are terminals, found without creating Node's streams for them. */
import { fstatSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Whether `fd` is a terminal. Only a character device can be one; node:tty, which loads Node's
 * network stack (~8 ms), is asked only then (/dev/null is a character device too). Creating
 * process.stdout or process.stderr to ask costs as much: a pipe stream loads the same modules.
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const { isatty } = createRequire(import.meta.url)("node:tty") as typeof import("node:tty");
  return isatty(fd);
}
