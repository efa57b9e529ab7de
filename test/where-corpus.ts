/**
 * A runs dir for the `--where` tests, written through the Gage layout writer, with the model the
 * generator wrote from: tests compute the expected ids from this model, never from the code under
 * test. Deterministic from the seed, apart from times, which are relative to `nowMs`.
 */
import { groupAttrs, logRunAttrs, makeRunId, mulberry32, writeAttrLog, writeGroup, writeMove, writeRun, type PyJson, type Rng, type RunSpec } from "../src/fixtures/gage-writer.js";

export type Status = "completed" | "error" | "terminated" | "running" | "staged" | "pending";

export interface ModelRun {
  readonly id: string;
  readonly opNs: string;
  readonly opName: string;
  readonly version: string | null;
  readonly status: Status;
  /** epoch µs */
  readonly started: number | null;
  readonly stopped: number | null;
  readonly timestamp: number | null;
  readonly exitCode: number | null;
  readonly config: Readonly<Record<string, PyJson>>;
  /** as written in summary.json ({value, label} objects included) */
  readonly metrics: Readonly<Record<string, PyJson>>;
  readonly attributes: Readonly<Record<string, PyJson>>;
  /** the user attributes set (label, tag:…, priority, owner) */
  readonly attrs: Readonly<Record<string, PyJson>>;
  /** the label a listing shows: the user label, else summary.json's run.label */
  readonly label: string | null;
  readonly tags: readonly string[];
  readonly container: "active" | "trash";
  readonly groups: readonly string[];
}

export interface ModelGroup {
  readonly id: string;
  readonly label: string;
  readonly tags: readonly string[];
  readonly members: readonly string[];
  readonly attrs: Readonly<Record<string, PyJson>>;
}

export interface WhereCorpus {
  readonly runs: readonly ModelRun[];
  readonly groups: readonly ModelGroup[];
  readonly nowMs: number;
}

const TAGS = ["color=green", "color=red", "color=blue", "team=vision", "team=nlp", "baseline", "prod"] as const;
const OPTIMIZERS = ["adam", "adamw", "sgd"] as const;
const LRS = [0.0001, 0.001, 0.003, 0.01] as const;
const MODELS = ["resnet18", "resnet50", "vit-b16"] as const;
const WORDS = ["sweep", "quick test", "rerun", "long run"] as const;
const STATUSES: readonly Status[] = ["completed", "completed", "completed", "completed", "error", "terminated", "running", "staged", "pending"];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const round = (x: number) => Math.round(x * 1000) / 1000;
const HOUR_US = 3600e6;

/** Writes `n` runs (a few trashed) and three groups into `runsDir`. */
export function writeWhereCorpus(runsDir: string, n: number, seed: number, nowMs: number): WhereCorpus {
  const rng = mulberry32(seed);
  const runs: ModelRun[] = [];
  const nowUs = nowMs * 1000;
  for (let i = 0; i < n; i++) {
    const id = makeRunId(rng);
    const status = pick(rng, STATUSES);
    const opName = pick(rng, ["train", "train", "eval", "prepare"]);
    const opNs = pick(rng, ["proj", "vision"]);
    const version = rng() < 0.2 ? "2" : null;
    // one run every 3 hours, the last one 1.5 hours ago: relative-time filters have 1.5 hours of
    // slack on either side of any boundary a multiple of hours away from now
    const t = nowUs - ((n - i) * 3 - 1.5) * HOUR_US;
    // a terminated run either exited (-2) or died holding its lock (a meta dir, never finalized)
    const deadLock = status === "terminated" && rng() < 0.5;
    const finalized = (status === "completed" || status === "error" || status === "terminated") && !deadLock;
    const started = status === "staged" || status === "pending" ? null : t + 2e6;
    const stopped = finalized ? t + 2e6 + Math.floor(rng() * 90) * 60e6 : null;
    const exitCode = status === "completed" ? 0 : status === "error" ? 1 : status === "terminated" && !deadLock ? -2 : null;

    const config: Record<string, PyJson> = {
      lr: rng() < 0.1 ? "0.001" : pick(rng, LRS),
      optimizer: pick(rng, OPTIMIZERS),
      epochs: 1 + Math.floor(rng() * 30),
      shuffle: rng() < 0.7,
      "model.name": pick(rng, MODELS),
      warmup: rng() < 0.3 ? null : pick(rng, [0, 100, 500]),
    };
    if (rng() < 0.2) config["loss"] = "mse";
    if (rng() < 0.3) config["a b"] = pick(rng, [1, 2]);
    if (rng() < 0.3) config["x'y"] = pick(rng, [1, 2]);
    if (rng() < 0.3) config["a]b"] = pick(rng, [3, 4]);

    const metrics: Record<string, PyJson> = {};
    const attributes: Record<string, PyJson> = {};
    let summaryLabel: string | null = null;
    if (finalized && rng() < 0.9) {
      const loss = round(rng());
      metrics["loss"] = loss;
      metrics["val_loss"] = round(loss * (0.8 + 0.4 * rng()));
      metrics["acc"] = { value: round(1 - loss / 2), label: "Accuracy" };
      metrics["step"] = 100 * (1 + Math.floor(rng() * 20));
      attributes["framework"] = { value: pick(rng, ["torch", "jax"]) };
      attributes["gpu"] = pick(rng, ["A100", "T4", null]);
      if (rng() < 0.3) summaryLabel = `summary ${i}`;
    }
    const spec: RunSpec = { id, opref: { ns: opNs, name: opName, version }, config, runDir: false, initialized: t };
    if (status !== "pending") spec.staged = t + 1e6;
    if (started !== null) spec.started = started;
    if (stopped !== null) spec.stopped = stopped;
    if (exitCode !== null) spec.exit = exitCode;
    if (status === "running") spec.lockPid = process.pid;
    if (deadLock) spec.lockPid = 999999;
    if (finalized) {
      spec.summary = summaryLabel === null ? { metrics, attributes } : { metrics, attributes, run: { label: summaryLabel } };
      spec.zip = rng() < 0.5;
    }
    writeRun(runsDir, spec);

    const attrs: Record<string, PyJson> = {};
    // some runs show the summary's label, a few have none at all
    const unlabeled = summaryLabel !== null ? rng() < 0.5 : rng() < 0.08;
    const userLabel = unlabeled ? null : `run ${i} ${pick(rng, WORDS)}`;
    if (userLabel !== null) attrs["label"] = userLabel;
    const tags = [...new Set([pick(rng, TAGS), pick(rng, TAGS)])].sort();
    if (rng() < 0.1) tags.length = 0;
    for (const tag of tags) attrs[`tag:${tag}`] = "";
    if (rng() < 0.4) attrs["priority"] = 1 + Math.floor(rng() * 4);
    if (rng() < 0.4) attrs["owner"] = pick(rng, ["alice", "bob"]);
    if (rng() < 0.1) attrs["lr"] = 0.5;
    if (Object.keys(attrs).length > 0) logRunAttrs(runsDir, id, "alice", attrs, [], nowMs - 1000, rng);

    const trashed = rng() < 0.06;
    if (trashed) writeMove(runsDir, id, "trash", nowMs - 500, rng);
    runs.push({
      id,
      opNs,
      opName,
      version,
      status,
      started,
      stopped,
      timestamp: started ?? (status === "pending" ? t : t + 1e6),
      exitCode,
      config,
      metrics,
      attributes,
      attrs,
      label: userLabel ?? summaryLabel,
      tags,
      container: trashed ? "trash" : "active",
      groups: [],
    });
  }

  const groups: ModelGroup[] = [];
  const memberSets = [runs.slice(0, 4), runs.filter((r) => r.opName === "eval").slice(0, 3), runs.filter((r) => r.status === "completed").slice(5, 8)];
  memberSets.forEach((members, g) => {
    const id = makeRunId(rng);
    const tags = g === 0 ? ["color=green"] : [];
    const attrs: Record<string, PyJson> = { owner: g === 1 ? "bob" : "alice" };
    writeAttrLog(writeGroup(runsDir, id), { author: "alice", set: { ...groupAttrs({ label: `group ${g}`, tags, runs: members.map((r) => r.id) }), ...attrs } }, nowMs - 800, rng);
    groups.push({ id, label: `group ${g}`, tags, members: members.map((r) => r.id), attrs });
    for (const m of members) (m.groups as string[]).push(id);
  });
  return { runs, groups, nowMs };
}

/** A summary value as listings compare it: `{value: v, ...}` stands for v. */
export function flat(v: PyJson | undefined): PyJson | undefined {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map) && "value" in v) return (v as Record<string, PyJson>)["value"];
  return v;
}
