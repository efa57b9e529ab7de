import { cut, escapeControls, padEnd, textWidth } from "./text.js";

export interface TableOptions {
  /** terminal width to fit; Infinity: no fitting (a pipe or a file) */
  readonly width: number;
  /** ANSI style of a cell (by column header and value), when colour is on */
  readonly style?: (header: string, value: string) => string | null;
  /** drop columns on narrow terminals as `gage list` does (the standard listing only) */
  readonly gageDrops?: boolean;
}

/** A column is never cut below this (or its header's width, if less). */
const MIN_CUT = 8;
const GAP = "  ";

/**
 * Gage's narrow-terminal rule (`impl_support._fit`) for its listing columns: at 28 columns or
 * less only `#` and `name` stay, at 45 `operation` too, at 60 everything but the label.
 */
const GAGE_DROPS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [28, ["operation", "started", "status", "label"]],
  [45, ["started", "status", "label"]],
  [60, ["label"]],
];

/**
 * Left-aligned columns two spaces apart, fitted to the width: columns dropped as Gage drops
 * them on narrow terminals, then the widest cells cut with `…` (the last column first).
 * Control characters in cells are escaped; styles apply after padding, so they never count.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], o: TableOptions): string {
  const drops = (o.gageDrops && GAGE_DROPS.find(([limit]) => o.width <= limit)?.[1]) || [];
  const keep = header.map((h, i) => [h, i] as const).filter(([h]) => !drops.includes(h));
  const head = keep.map(([h]) => h);
  const body = rows.map((r) => keep.map(([, i]) => escapeControls(r[i] ?? "")));
  const widths = head.map((h, c) => Math.max(textWidth(h), ...body.map((r) => textWidth(r[c]!))));
  fit(widths, head, o.width);
  const line = (cells: readonly string[], styled: boolean) =>
    cells
      .map((cell, c) => {
        const text = cut(cell, widths[c]!);
        const padded = c === cells.length - 1 ? text : padEnd(text, widths[c]!);
        const style = styled && o.style ? o.style(head[c]!, cell) : null;
        return style ? `\u001b[${style}m${padded}\u001b[0m` : padded;
      })
      .join(GAP)
      .trimEnd();
  return [line(head, false), ...body.map((r) => line(r, true))].join("\n");
}

/** Shrinks column widths in place until the row fits `width`: the last column, then the widest. */
function fit(widths: number[], head: readonly string[], width: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const floor = (c: number) => Math.min(widths[c]!, Math.max(MIN_CUT, textWidth(head[c]!)));
  const last = widths.length - 1;
  let excess = total() - width;
  if (excess <= 0) return;
  const take = Math.min(excess, widths[last]! - floor(last));
  widths[last]! -= Math.max(0, take);
  excess = total() - width;
  while (excess > 0) {
    let widest = -1;
    for (let c = 1; c < widths.length; c++) if (widths[c]! > floor(c) && (widest < 0 || widths[c]! > widths[widest]!)) widest = c;
    if (widest < 0) return; // cannot fit: the terminal wraps
    widths[widest]! -= 1;
    excess -= 1;
  }
}
