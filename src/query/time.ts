import { UsageError } from "./filters.js";

/** ISO-8601 UTC with microseconds, e.g. `2024-05-10T14:03:22.123456Z` (DESIGN §5). */
export function isoFromMicros(us: number | null): string | null {
  if (us === null) return null;
  const ms = Math.floor(us / 1000);
  const frac = String(us - ms * 1000).padStart(3, "0");
  const base = new Date(ms).toISOString(); // ...SS.mmmZ
  return `${base.slice(0, -1)}${frac}Z`;
}

export function isoFromMillis(ms: number | null): string | null {
  return ms === null ? null : isoFromMicros(Math.round(ms * 1000));
}

const UNIT_US: Readonly<Record<string, number>> = {
  s: 1e6,
  m: 60e6,
  h: 3600e6,
  d: 86400e6,
  w: 7 * 86400e6,
};

/**
 * `--since/--until` values: a relative age (`30m`, `3h`, `2d`, `1w`) counted back from now, or an
 * ISO date or date-time. A bare date is local midnight, as a date-time without zone is local time.
 */
export function parseTimeArg(text: string, nowMs: number = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/u.exec(text.trim());
  if (rel) return Math.round(nowMs * 1000 - Number(rel[1]) * UNIT_US[rel[2]!]!);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(text.trim());
  const ms = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`not a time: ${JSON.stringify(text)} (use e.g. 2d, 3h, 2024-06-01 or an ISO time)`);
  return ms * 1000;
}

/** "2 hours ago", as Gage's listing shows `started`. */
export function humanAgo(us: number | null, nowMs: number = Date.now()): string {
  if (us === null) return "";
  const secs = Math.round((nowMs - us / 1000) / 1000);
  if (secs < 0) return "in the future";
  if (secs < 45) return "just now";
  const steps: ReadonlyArray<readonly [number, string]> = [
    [60, "minute"],
    [3600, "hour"],
    [86400, "day"],
    [7 * 86400, "week"],
    [30 * 86400, "month"],
    [365 * 86400, "year"],
  ];
  let unit = steps[0]!;
  for (const s of steps) if (secs >= s[0] * 0.9) unit = s;
  const n = Math.max(1, Math.round(secs / unit[0]));
  return `${n} ${unit[1]}${n === 1 ? "" : "s"} ago`;
}
