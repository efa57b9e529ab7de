import { UsageError } from "./filters.js";

export { humanAgo } from "./ago.js";

/** ISO-8601 UTC with microseconds, e.g. `2024-05-10T14:03:22.123456Z` (docs/cli.md). */
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

/** A span of time in epoch µs, `start` inclusive, `end` exclusive. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/u;

/** Local midnight of a calendar day, or null when the day does not exist (2024-02-30). */
function localDay(y: number, m: number, d: number): number | null {
  const t = new Date(y, m - 1, d);
  return t.getFullYear() === y && t.getMonth() === m - 1 && t.getDate() === d ? t.getTime() : null;
}

function dayAfter(ms: number): number {
  const t = new Date(ms);
  return new Date(t.getFullYear(), t.getMonth(), t.getDate() + 1).getTime();
}

/**
 * A time as `--since`/`--until` take it, as the span it names: a relative age (`30s`, `15m`,
 * `3h`, `2d`, `1w`) back from now, `now`, `today`, `yesterday`, a date (the whole local day) or
 * an ISO date-time (local unless it has a zone). Instants span one microsecond, so `--until`
 * (before the span's end) includes them and a date includes its whole day. Anything else —
 * including dates that do not exist — is a usage error naming the text.
 */
export function parseTimeSpan(text: string, nowMs: number = Date.now()): TimeSpan {
  const t = text.trim();
  const instant = (us: number): TimeSpan => ({ start: us, end: us + 1 });
  const bad = (why: string) =>
    new UsageError(`${JSON.stringify(text)} is not a time${why}; use e.g. 2d, 3h, today, yesterday, 2024-06-01 or 2024-06-01T10:00`);
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/u.exec(t);
  if (rel) return instant(Math.round(nowMs * 1000 - Number(rel[1]) * UNIT_US[rel[2]!]!));
  if (t === "now") return instant(nowMs * 1000);
  if (t === "today" || t === "yesterday") {
    const now = new Date(nowMs);
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (t === "yesterday" ? 1 : 0)).getTime();
    return { start: start * 1000, end: dayAfter(start) * 1000 };
  }
  const day = DATE.exec(t);
  if (day) {
    const start = localDay(Number(day[1]), Number(day[2]), Number(day[3]));
    if (start === null) throw bad(` (there is no day ${t})`);
    return { start: start * 1000, end: dayAfter(start) * 1000 };
  }
  const dt = DATE_TIME.exec(t);
  if (!dt) throw bad("");
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [number, number, number, number, number, number];
  if (localDay(y, mo, d) === null) throw bad(` (there is no day ${dt[1]}-${dt[2]}-${dt[3]})`);
  if (h > 23 || mi > 59 || se > 59) throw bad(" (hours run to 23, minutes and seconds to 59)");
  const frac = Number((dt[7] ?? "").padEnd(6, "0"));
  let ms: number;
  if (dt[8] === undefined) {
    ms = new Date(y, mo - 1, d, h, mi, se).getTime();
  } else {
    const z = dt[8] === "Z" ? 0 : (dt[8].startsWith("-") ? -1 : 1) * (Number(dt[8].slice(1, 3)) * 60 + Number(dt[8].slice(-2)));
    ms = Date.UTC(y, mo - 1, d, h, mi, se) - z * 60_000;
  }
  return instant(ms * 1000 + frac);
}

