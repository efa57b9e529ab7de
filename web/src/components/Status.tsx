/** A status coloured as the CLI colours it: completed green, error and terminated red, staged and pending grey, running yellow. */
export function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}
