import { isTerminal } from "../terminal.js";

/**
 * A progress bar on stderr, shown only on a TTY and only once the work has run for a second, so
 * quick and scripted runs print nothing (and never create the stderr stream: docs/benchmarks.md,
 * "Start-up").
 */
export class ProgressBar {
  private readonly start = Date.now();
  private shown = false;
  private lastDraw = 0;
  /** stderr when it is a terminal, null when not; undefined until asked */
  private stream: NodeJS.WriteStream | null | undefined;

  constructor(private readonly label: string) {}

  update(done: number, total: number): void {
    if (total === 0) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.lastDraw < 100) return;
    this.stream ??= isTerminal(2) ? process.stderr : null;
    if (this.stream === null) return;
    this.lastDraw = now;
    this.shown = true;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const pct = Math.floor((done / total) * 100);
    this.stream.write(`\r${this.label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} ${pct}%`);
  }

  finish(): void {
    if (this.shown) this.stream?.write("\r\x1b[K");
  }
}
