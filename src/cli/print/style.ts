/**
 * Status colours, as `gage list` gives them (`cli.run_status_style`): completed green, error and
 * terminated red, staged and pending grey, running yellow italic. ANSI SGR codes.
 */
const STATUS_STYLES: Readonly<Record<string, string>> = {
  completed: "32",
  error: "31",
  terminated: "31",
  staged: "90",
  pending: "90",
  running: "3;33",
};

/** The style of a table cell: only the status column is coloured. */
export function statusStyle(header: string, value: string): string | null {
  return header === "status" ? (STATUS_STYLES[value] ?? null) : null;
}

/** A word in its status colour, for the `show` view. */
export function colorStatus(status: string, color: boolean): string {
  const style = color ? STATUS_STYLES[status] : undefined;
  return style ? `\u001b[${style}m${status}\u001b[0m` : status;
}
