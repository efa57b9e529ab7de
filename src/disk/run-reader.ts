import { join } from "node:path";
import type { RunsDirEntry } from "./entries.js";
import { isPlainObject, parseTolerantJson } from "./json.js";
import { META_MEMBERS, errorMessage, readMetaDir, type MetaFiles, type MetaMember, type MetaRead } from "./meta-files.js";
import { decodeOpRef } from "./opref.js";
import { runName } from "./proquint.js";
import type { Read, ReadIssue, RunRecord, Timestamp } from "./records.js";
import { FileProblem, codeOf, entryProblem, quoteStart, resolveLink } from "./safe-fs.js";

const DIR_MEMBERS: readonly MetaMember[] = [...META_MEMBERS, "proc/lock"];

/** The zip reader (and yauzl) is loaded on the first zip, not by every process that indexes. */
let readMetaZip: typeof import("./meta-zip.js").readMetaZip | null = null;
async function zipReader() {
  readMetaZip ??= (await import("./meta-zip.js")).readMetaZip;
  return readMetaZip;
}

/**
 * Reads one run from its meta entries (already ordered: zip first). A zip that does not open or
 * lacks `opref` gives way to a meta dir of the same id (a finalize in progress, docs/format.md, "Robustness").
 * A run whose `opref` cannot be decoded is not a run to Gage: value null, with the reason.
 */
export async function readRun(runsDir: string, metaEntries: readonly RunsDirEntry[]): Promise<Read<RunRecord>> {
  const skipped: ReadIssue[] = [];
  let transient = false;
  for (const entry of metaEntries) {
    const path = join(runsDir, entry.name);
    const isZip = entry.kind === "meta-zip" || entry.kind === "legacy-meta-zip";
    // A wrong type, a bad name or a symlink out of the runs dir is not a run, for now or later.
    const problem = entryProblem(runsDir, path, entry.type, isZip ? "file" : "dir", entry.badName);
    if (problem !== null) {
      skipped.push({ path, message: problem });
      continue;
    }
    let meta: MetaRead;
    try {
      meta = isZip ? await (await zipReader())(zipPath(runsDir, path, entry), META_MEMBERS) : readMetaDir(runsDir, path, DIR_MEMBERS);
    } catch (err) {
      // Gone since the listing (or renamed: a finalize replaces the dir by a zip): no error, and
      // the last good row stays until the next pass sees the runs dir as it is then.
      if (codeOf(err) === "ENOENT") {
        transient = true;
        continue;
      }
      skipped.push({ path, message: `cannot read ${isZip ? "zip" : "meta"}: ${errorMessage(err)}` });
      if (!(err instanceof FileProblem)) transient = true;
      continue;
    }
    const problems = meta.problems.map(({ rel, message }) => ({ path: rel === "" ? path : join(path, rel), message }));
    const opref = meta.files.get("opref");
    if (opref?.state !== "ok") {
      if (opref?.state === "error" && opref.transient) transient = true;
      skipped.push(
        ...problems,
        opref?.state === "error"
          ? { path: join(path, "opref"), message: `cannot read opref: ${opref.message}` }
          : { path: join(path, "opref"), message: "no opref: not a run (Gage skips it too)", note: true },
      );
      continue;
    }
    const read = recordFromMeta(entry, path, isZip, meta.files);
    return problems.length === 0 ? read : { ...read, issues: [...problems, ...read.issues] };
  }
  return { value: null, issues: skipped, transient };
}

/** A zip is opened without following a final symlink: a linked one is opened by its checked real path. */
function zipPath(runsDir: string, path: string, entry: RunsDirEntry): string {
  if (entry.type !== "link") return path;
  const r = resolveLink(runsDir, path);
  if ("problem" in r) throw new FileProblem(r.problem);
  return r.real;
}

function recordFromMeta(entry: RunsDirEntry, path: string, isZip: boolean, files: MetaFiles): Read<RunRecord> {
  const issues: ReadIssue[] = [];
  const text = (m: MetaMember): string | null => {
    const r = files.get(m);
    if (r === undefined || r.state === "absent") return null;
    if (r.state === "error") {
      issues.push({ path: join(path, m), message: `cannot read: ${r.message}` });
      return null;
    }
    return r.data.toString("utf8");
  };
  const present = (m: MetaMember): boolean => {
    const r = files.get(m);
    return r !== undefined && r.state !== "absent";
  };

  const oprefText = text("opref") ?? "";
  if (oprefText.trim() === "") {
    issues.push({ path: join(path, "opref"), message: "empty opref: not a run (Gage skips it too)", note: true });
    return { value: null, issues };
  }
  let opref;
  try {
    opref = decodeOpRef(oprefText);
  } catch (err) {
    issues.push({ path: join(path, "opref"), message: errorMessage(err) });
    return { value: null, issues };
  }

  const id = entry.key;
  const idFile = text("id");
  if (idFile !== null && idFile.trimEnd() !== id) {
    issues.push({ path: join(path, "id"), message: `id file says ${quoteStart(idFile.trimEnd())}; indexed as ${id}` });
  }

  const timestamp = (m: "initialized" | "staged" | "started" | "stopped"): Timestamp => {
    const t = text(m);
    const us = t === null ? null : parsePythonInt(t);
    if (t !== null && us === null && t.trim() !== "") {
      issues.push({ path: join(path, m), message: `not a timestamp: ${quoteStart(t, 40)}` });
    }
    return { present: present(m), us };
  };

  const exitText = text("proc/exit");
  const exitCode = exitText === null ? null : parsePythonInt(exitText);
  if (exitText !== null && exitCode === null) {
    issues.push({ path: join(path, "proc/exit"), message: `not an exit code: ${quoteStart(exitText, 40)}` });
  }

  // Gage reads proc/lock as a plain path, so a zipped meta never has one (docs/format.md, "Status").
  const lockText = isZip ? null : text("proc/lock");
  const lockPresent = !isZip && present("proc/lock");
  const lockPid = lockText === null ? null : parsePythonInt(lockText);

  const config = readObject(text("config.json"), join(path, "config.json"), issues);
  const summary = readObject(text("summary.json"), join(path, "summary.json"), issues);

  return {
    value: {
      id,
      name: runName(id),
      metaEntry: entry.name,
      metaKind: isZip ? "zip" : "dir",
      legacyDeleted: entry.kind === "legacy-meta-dir" || entry.kind === "legacy-meta-zip",
      opref,
      initialized: timestamp("initialized"),
      staged: timestamp("staged"),
      started: timestamp("started"),
      stopped: timestamp("stopped"),
      exitCode,
      lockPresent,
      lockPid,
      config,
      metrics: summarySection(summary["metrics"]),
      attributes: summarySection(summary["attributes"]),
      summaryLabel: summaryLabel(summary["run"]),
    },
    issues,
  };
}

/** Python's `int(text.strip())`: optional sign, digits with single underscores between them. */
export function parsePythonInt(text: string): number | null {
  const s = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/u.test(s)) return null;
  const n = Number(s.replaceAll("_", ""));
  return Number.isSafeInteger(n) ? n : null;
}

function readObject(text: string | null, path: string, issues: ReadIssue[]): Record<string, unknown> {
  if (text === null) return {};
  try {
    const v = parseTolerantJson(text);
    if (isPlainObject(v)) return v;
    issues.push({ path, message: "not a JSON object" });
  } catch (err) {
    issues.push({ path, message: `malformed JSON: ${errorMessage(err)}` });
  }
  return {};
}

/**
 * `metrics` / `attributes` of a summary. The schema also allows a list of such objects; Gage's
 * listing cannot show that, so the catalog merges the list in order, later keys winning.
 */
function summarySection(v: unknown): Record<string, unknown> {
  if (isPlainObject(v)) return v;
  if (Array.isArray(v)) return Object.assign({}, ...v.filter(isPlainObject)) as Record<string, unknown>;
  return {};
}

function summaryLabel(run: unknown): string | null {
  if (!isPlainObject(run)) return null;
  const label = run["label"];
  return typeof label === "string" ? label : null;
}
