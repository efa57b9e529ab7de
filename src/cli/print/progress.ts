/**
 * A progress bar on stderr, shown only on a TTY and only once the work has run for a second, so
 * quick and scripted runs print nothing.
 */
export class ProgressBar {
  private readonly start = Date.now();
  private shown = false;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    if (!this.stream.isTTY || total === 0) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const pct = Math.floor((done / total) * 100);
    this.stream.write(`\r${this.label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} ${pct}%`);
  }

  finish(): void {
    if (this.shown) this.stream.write("\r\x1b[K");
  }
}
