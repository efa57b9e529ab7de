/**
 * `--sort -started` reads naturally but yargs would take `-started` for flags; join such a value
 * to its option so it stays one argument.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === "--sort" && next !== undefined && /^-[a-z_]/u.test(next)) {
      out.push(`${a}=${next}`);
      i += 1;
    } else {
      out.push(a);
    }
  }
  return out;
}
