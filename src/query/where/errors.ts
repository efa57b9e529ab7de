import { UsageError } from "../filters.js";

/**
 * A `--where` expression that cannot be parsed or compiled, with the 0-based column of the bad
 * spot. It is a usage error (exit code 2); `render()` gives what the CLI prints.
 */
export class WhereSyntaxError extends UsageError {
  constructor(
    readonly expression: string,
    readonly column: number,
    readonly reason: string,
    /** the option the text came from: `--where`, or `--columns` for a column list */
    readonly option: string = "--where",
  ) {
    super(`${option}: ${reason} (column ${column + 1})`);
  }

  /**
   * Two lines: the expression, then a caret under the bad spot followed by the reason. Tabs and
   * line breaks in the expression are shown as spaces so that the caret lines up.
   */
  render(): string {
    const line = this.expression.replace(/[\t\n\r]/gu, " ");
    return `${line}\n${" ".repeat(this.column)}^ ${this.reason}`;
  }
}
