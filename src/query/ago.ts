/** Ages as listings show them; no imports, so the web page shares it with the CLI. */

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
