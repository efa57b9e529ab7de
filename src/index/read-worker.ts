import { parentPort } from "node:worker_threads";
import { readUnit, type UnitRead, type UnitTask } from "./unit-read.js";

/** A reader thread: reads batches of units and posts the plain records back, in order. */
parentPort!.on("message", async (msg: { id: number; runsDir: string; tasks: UnitTask[] }) => {
  const results: UnitRead[] = [];
  for (const t of msg.tasks) results.push(await readUnit(msg.runsDir, t));
  parentPort!.postMessage({ id: msg.id, results });
});
