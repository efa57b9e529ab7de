/**
 * node dist/scripts/make-examples.js <dir> [--force] [--json | --markdown]
 *
 * Writes the deterministic example runs dir (src/fixtures/examples.ts) into <dir>. Refuses a
 * non-empty <dir> unless --force, and even then only when <dir> holds the marker file the
 * generator writes (so it never wipes a real runs dir). --json prints the expected ids, statuses,
 * labels and group members; --markdown prints them as tables.
 */
import { EXAMPLE_MARKER, writeExamples, type Examples } from "../src/fixtures/examples.js";
import { prepareOutputDir } from "../src/fixtures/output-dir.js";

function main(argv: string[]): number {
  const flags = argv.filter((a) => a.startsWith("--"));
  const args = argv.filter((a) => !a.startsWith("--"));
  const unknown = flags.filter((f) => !["--force", "--json", "--markdown"].includes(f));
  if (args.length !== 1 || unknown.length) {
    process.stderr.write("usage: make-examples <dir> [--force] [--json | --markdown]\n");
    return 2;
  }
  const dir = args[0]!;
  try {
    prepareOutputDir(dir, EXAMPLE_MARKER, flags.includes("--force"));
    const ex = writeExamples(dir);
    if (flags.includes("--json")) process.stdout.write(JSON.stringify(ex, null, 2) + "\n");
    else if (flags.includes("--markdown")) process.stdout.write(markdown(ex));
    else process.stdout.write(`wrote ${ex.runs.length} runs and ${ex.groups.length} groups to ${dir}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`make-examples: ${(err as Error).message}\n`);
    return 1;
  }
}

function markdown(ex: Examples): string {
  const short = (id: string) => (id.startsWith("00000000-") ? id.slice(0, 13) : id.slice(0, 8));
  const iso = (us: number | null) => (us === null ? "" : new Date(us / 1000).toISOString().replace(".000Z", "Z"));
  const cell = (s: string) => s.replace(/\|/gu, "\\|");
  const archives = new Map(ex.archives.map((a) => [a.id, a.name]));
  const out = [
    "| key | id | op | status | container | meta | label | tags | note |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of ex.runs) {
    const op = r.op + (r.version ? ` v${r.version}` : "");
    const container = archives.has(r.container) ? `${short(r.container)}… (${archives.get(r.container)})` : r.container;
    out.push(
      `| ${r.key} | ${short(r.id)} | ${op} | ${r.status} | ${container} | ${r.meta} | ${cell(r.label ?? "")} | ${r.tags.join(", ")} | ${cell(r.note)} |`,
    );
  }
  out.push("", "| key | id | label | tags | operation | started | status | members | inactive | missing | note |");
  out.push("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const g of ex.groups) {
    const ids = (xs: string[]) => xs.map(short).join(", ");
    out.push(
      `| ${g.key} | ${short(g.id)} | ${cell(g.label ?? "")} | ${g.tags.join(", ")} | ${g.operation ?? "(null)"} | ${iso(g.started)} | ${g.status} | ${ids(g.members)} | ${ids(g.inactive)} | ${ids(g.missing)} | ${cell(g.note)} |`,
    );
  }
  out.push("", "| archive id | name | deleted |", "|---|---|---|");
  for (const a of ex.archives) out.push(`| ${a.id} | ${a.name} | ${a.deleted} |`);
  return out.join("\n") + "\n";
}

process.exitCode = main(process.argv.slice(2));
