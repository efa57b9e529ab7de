/** Text for a terminal: control characters made visible, widths counted in characters. */

const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

/**
 * A label with a newline would break the table, and one with an escape sequence could rewrite
 * the terminal: C0, DEL and C1 control characters are shown escaped (`\n`, `\x07`).
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/gu, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Characters as a terminal shows them (code points; wide scripts are not measured). */
export function textWidth(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** Cut to `width` characters, the last one `…`, when longer. */
export function cut(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  if (width <= 0) return "";
  return [...s].slice(0, width - 1).join("") + "…";
}

export function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - textWidth(s)));
}

const two = (n: number) => String(n).padStart(2, "0");

/** Local time as ISO-8601 with the zone offset, to the second: `2024-06-20T14:03:22+02:00`. */
export function localIso(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}${zone}`;
}

/** Local time to the minute, for short listings: `2024-06-20 14:03`. */
export function localMinute(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
