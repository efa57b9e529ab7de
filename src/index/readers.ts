import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { packageRoot } from "../package-root.js";
import { readUnit, type UnitRead, type UnitTask } from "./unit-read.js";

/** Reads batches of units; results come back in task order. */
export interface UnitReader {
  read(tasks: readonly UnitTask[]): Promise<UnitRead[]>;
  close(): Promise<void>;
}

export class InProcessReader implements UnitReader {
  constructor(private readonly runsDir: string) {}

  async read(tasks: readonly UnitTask[]): Promise<UnitRead[]> {
    const out: UnitRead[] = [];
    for (const t of tasks) out.push(await readUnit(this.runsDir, t));
    return out;
  }

  async close(): Promise<void> {}
}

/**
 * Reader threads, so that reading and parsing files overlaps with the SQL writes on the main
 * thread: on a large index they are each about half of the work.
 */
export class WorkerReader implements UnitReader {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: UnitRead[]) => void; reject: (e: unknown) => void }>();
  private nextId = 0;

  constructor(
    private readonly runsDir: string,
    script: string,
    count: number,
  ) {
    // required here, not imported: loading worker_threads cost every `catalog index` ~7 ms, and
    // only a pass reading thousands of units starts threads
    const { Worker } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(script);
      w.on("message", (m: { id: number; results: UnitRead[] }) => {
        this.waiting.get(m.id)?.resolve(m.results);
        this.waiting.delete(m.id);
      });
      w.on("error", (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      return w;
    });
  }

  read(tasks: readonly UnitTask[]): Promise<UnitRead[]> {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, runsDir: this.runsDir, tasks });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The built worker script, when there is one (running from sources, there is none). */
export function workerScript(): string | null {
  const path = join(packageRoot(), "dist", "bundle", "read-worker.js");
  return existsSync(path) ? path : null;
}
