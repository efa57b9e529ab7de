/** Durations and dates as `--where` writes them, in epoch microseconds (how runs store times). */

const UNIT_US: Readonly<Record<string, number>> = {
  s: 1e6,
  m: 60e6,
  h: 3600e6,
  d: 86400e6,
  w: 7 * 86400e6,
};

/** `30s`, `15m`, `6h`, `3d`, `2w`, `1.5h` at the start of `text`; the length matched and its µs. */
export function matchDuration(text: string): { length: number; us: number } | null {
  const m = /^(\d+(?:\.\d+)?)([smhdw])/u.exec(text);
  if (!m) return null;
  return { length: m[0].length, us: Math.round(Number(m[1]) * UNIT_US[m[2]!]!) };
}

/** A decimal number at the start of `text`: `3`, `0.25`, `1e-3`, `2.5E+6`. */
export function matchNumber(text: string): { length: number; value: number } | null {
  const m = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/u.exec(text);
  return m ? { length: m[0].length, value: Number(m[0]) } : null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?/u;

export type DateMatch = { length: number; us: number } | { length: number; error: string };

/**
 * `2024-06-01`, `2024-06-01T10:00`, `2024-06-01T10:00:30.25`, with an optional zone after a time
 * (`Z`, `+02:00`, `-0500`). Without a zone the time is local, and a bare date is local midnight.
 * A date-shaped text that names no real time (2024-02-30, 25:00) is an error, not text.
 */
export function matchDate(text: string): DateMatch | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const fraction = m[7] ?? "";
  const zone = m[8];
  const length = m[0].length;
  if (mo < 1 || mo > 12) return { length, error: `no month ${mo} in a date` };
  if (d < 1 || d > daysInMonth(y, mo)) return { length, error: `${m[1]}-${m[2]} has no day ${d}` };
  if (h > 23 || mi > 59 || s > 59) return { length, error: `not a time of day: ${m[0].slice(11)}` };
  const micros = Number(fraction.padEnd(6, "0"));
  let ms: number;
  if (zone === undefined) {
    const local = new Date(2000, 0, 1, h, mi, s, 0);
    local.setFullYear(y, mo - 1, d);
    ms = local.getTime();
  } else {
    const offset = zoneOffsetMinutes(zone);
    if (offset === null) return { length, error: `not a time zone: ${zone}` };
    const utc = new Date(Date.UTC(2000, 0, 1, h, mi, s, 0));
    utc.setUTCFullYear(y, mo - 1, d);
    ms = utc.getTime() - offset * 60_000;
  }
  return { length, us: ms * 1000 + micros };
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function zoneOffsetMinutes(zone: string): number | null {
  if (zone === "Z" || zone === "z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/u.exec(zone)!;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/** Local midnight of the day `nowMs` falls in, in µs: what `(today)` means. */
export function startOfDayUs(nowMs: number): number {
  const day = new Date(nowMs);
  day.setHours(0, 0, 0, 0);
  return day.getTime() * 1000;
}
