import { spawn } from "node:child_process";
import { join } from "node:path";
import type { IndexStats } from "../index/indexer.js";
import { packageRoot } from "../package-root.js";

/** The outcome of a full pass; `busy` when another indexer held the database. */
export type FullPassResult = { readonly busy: true } | { readonly busy: false; readonly stats: IndexStats };

/**
 * A full incremental index, run as a `catalog index` child process: a pass over every entry
 * allocates in proportion to the runs dir, and a long-lived process keeps the heap it once grew,
 * so the daemon itself only ever runs small targeted passes.
 */
export async function runFullPass(location: readonly string[], env: NodeJS.ProcessEnv): Promise<FullPassResult> {
  const r = await runChild(process.execPath, [join(packageRoot(), "bin", "catalog"), "index", "--format", "json", ...location], env);
  if (r.code !== 0) {
    if (r.stderr.includes("is being written by")) return { busy: true };
    throw new Error(`full pass: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return { busy: false, stats: JSON.parse(r.stdout) as IndexStats };
}

function runChild(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
