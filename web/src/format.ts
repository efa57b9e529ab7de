/** How values read in the page: ages as the CLI shows them, floats to 4 significant digits. */
import { humanAgo } from "../../src/query/ago.js";
import type { Cell, Column, RunJson } from "./api.js";

/** "2 hours ago", as `catalog query` (and `gage list`) show `started`. */
export function ago(iso: string | null, nowMs = Date.now()): string {
  return humanAgo(iso === null ? null : Date.parse(iso) * 1000, nowMs);
}

/** A local date-time for tooltips and detail pages. */
export function localTime(iso: string | null): string {
  if (iso === null) return "";
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function shortFloat(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(4);
  if (s.includes("e")) return s.replace(/\.?0+e/u, "e");
  return s.includes(".") ? s.replace(/\.?0+$/u, "") : s;
}

/** A `--columns` cell for people: times as ages, sets joined, numbers shortened. */
export function cellText(c: Cell, column: Column): string {
  if (c === null) return "";
  if (column.kind === "time" && typeof c === "number") return ago(new Date(c / 1000).toISOString());
  if (Array.isArray(c)) return c.join(", ");
  if (typeof c === "number") return shortFloat(c);
  return String(c);
}

/** A config, metric or attribute value as `catalog show` prints it: a summary's `value`, else JSON. */
export function valueText(v: unknown): string {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v) return valueText((v as { value: unknown }).value);
  if (typeof v === "number") return shortFloat(v);
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function opText(r: Pick<RunJson, "operation" | "op">): string {
  return r.op.version === null ? r.operation : `${r.operation} v${r.op.version}`;
}

export const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
