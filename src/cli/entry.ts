import { readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { COMMANDS } from "./commands.js";
import { WhereSyntaxError } from "../query/where/errors.js";
import { CliError, exitCodeFor, oneLine } from "./errors.js";
import { parseCommandLine } from "./parse.js";
import { isTerminal } from "./terminal.js";
import type { Io } from "./spec.js";

/** Where a process writes, and what kind of terminal it has (docs/cli.md, "Output"). */
export function processIo(): Io {
  // Not process.stdout/stdin.isTTY: each of those streams costs a query several ms of start-up
  // to create, and a query piped elsewhere needs neither.
  const tty = isTerminal(1);
  const fromEnv = Number(process.env["COLUMNS"]);
  return {
    out: tty ? (s) => void terminalOut().write(s) : pipeOut(),
    err: (s) => void process.stderr.write(s),
    tty,
    // A pipe or a file gets whole lines; COLUMNS (set by tests, or exported) fits them anyway.
    columns: tty ? terminalOut().columns || 80 : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Infinity,
    color: tty && !process.env["NO_COLOR"],
    // looked at only by a command that must confirm: most never look at stdin
    get ask() {
      return isTerminal(0) ? ask : undefined;
    },
  };
}

/** process.stdout, which ends the process quietly when the reader closes the pipe early. */
function terminalOut(): NodeJS.WriteStream {
  if (process.stdout.listenerCount("error") === 0) {
    // `catalog query | head` closes the pipe early: that is not an error.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(0);
      throw err;
    });
  }
  return process.stdout;
}

/**
 * Writes to a pipe or a file with write(2), as Node's own stdout does on Linux (synchronously),
 * without creating the stream. A descriptor someone made non-blocking (EAGAIN) is handed to
 * process.stdout for the rest, which waits for the reader.
 */
function pipeOut(): (s: string) => void {
  let stream: NodeJS.WriteStream | undefined;
  return (s) => {
    if (stream) return void stream.write(s);
    const buf = Buffer.from(s);
    for (let done = 0; done < buf.length; ) {
      try {
        done += writeSync(1, buf, done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EPIPE") process.exit(0);
        if (code !== "EAGAIN") throw err;
        stream = terminalOut();
        stream.write(buf.subarray(done));
        return;
      }
    }
  };
}

/** One line from the terminal, after a prompt on stderr (stdout may be a pipe). */
async function ask(question: string): Promise<string | null> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/**
 * The `catalog` process: the command line is read against the command table (parse.ts), then
 * help, the version or the command's handler, imported only now. Returns the exit code.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    switch (parsed.kind) {
      case "version": {
        const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
        io.out(`${pkg.version}\n`);
        return 0;
      }
      case "help": {
        const { renderHelp } = await import("./help.js");
        io.out(await renderHelp(COMMANDS, parsed.path, Number.isFinite(io.columns) ? io.columns : 100));
        io.out("\n");
        return 0;
      }
      case "run": {
        const handler = await parsed.path[parsed.path.length - 1]!.handler!();
        // The parser built `args` from this very command's declaration, which is what the
        // handler's parameter type is derived from (spec.ts ArgsOf); the table cannot say so.
        const code = await handler(parsed.args as never, io);
        return code ?? 0;
      }
    }
  } catch (err) {
    io.err(`catalog: ${oneLine(err)}\n`);
    if (err instanceof CliError) for (const d of err.details) io.err(`${d}\n`);
    // the expression with a caret under the bad spot
    if (err instanceof WhereSyntaxError) io.err(`${err.render()}\n`);
    return exitCodeFor(err);
  }
}
