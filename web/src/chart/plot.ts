/**
 * The group page's chart, drawn with Observable Plot (loaded only on that page): a metric
 * against one config value as a scatter, or against several as parallel coordinates, each
 * member a line coloured by the metric. Config values may be numbers or text (an optimizer);
 * numbers spread over two decades or more (a learning-rate sweep) get a log scale.
 */
import * as Plot from "@observablehq/plot";

export type Value = number | string | null;

export interface Point {
  readonly id: string;
  readonly name: string;
  readonly values: Readonly<Record<string, Value>>;
}

const HEIGHT = 340;

/** A numeric axis spread over two decades or more (all positive) reads better in log. */
function wantsLog(values: readonly Value[]): boolean {
  const nums = values.filter((v): v is number => typeof v === "number");
  if (nums.length !== values.length || nums.length < 2 || nums.some((v) => v <= 0)) return false;
  return Math.max(...nums) / Math.min(...nums) >= 100;
}

const fmt = (v: Value): string => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/u, "")) : String(v ?? ""));

export function scatter(points: readonly Point[], x: string, y: string, width: number): Element {
  const shown = points.filter((p) => p.values[x] != null && typeof p.values[y] === "number");
  const xs = shown.map((p) => p.values[x]!);
  const numericX = xs.every((v) => typeof v === "number");
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: 60,
    inset: 18,
    grid: true,
    x: { label: x, ...(numericX ? (wantsLog(xs) ? { type: "log", tickFormat: "~g" } : {}) : { type: "point" }) },
    y: { label: y, nice: true },
    marks: [
      Plot.dot(shown, {
        x: (p: Point) => p.values[x],
        y: (p: Point) => p.values[y],
        r: 5,
        fill: "#2f6f9f",
        stroke: "white",
        title: (p: Point) => `${p.name}\n${x}: ${fmt(p.values[x]!)}\n${y}: ${fmt(p.values[y]!)}`,
      }),
      Plot.text(shown, { x: (p: Point) => p.values[x], y: (p: Point) => p.values[y], text: (p: Point) => p.name.slice(0, 5), dy: -11, fontSize: 10, fill: "#555" }),
    ],
  });
}

interface Axis {
  readonly name: string;
  /** the value's place on the axis, 0 (bottom) to 1 (top) */
  readonly at: (v: Value) => number | null;
  readonly ticks: readonly { readonly t: number; readonly label: string }[];
}

function axis(name: string, values: readonly Value[]): Axis {
  const present = values.filter((v): v is number | string => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === "number")) {
    const log = wantsLog(present);
    const f = (v: number) => (log ? Math.log10(v) : v);
    const nums = present as number[];
    const lo = f(Math.min(...nums));
    const hi = f(Math.max(...nums));
    const at = (v: Value) => (typeof v !== "number" ? null : hi === lo ? 0.5 : (f(v) - lo) / (hi - lo));
    const uniq = [...new Set(nums)].sort((a, b) => a - b);
    const tickValues = uniq.length <= 6 ? uniq : [Math.min(...nums), Math.max(...nums)];
    return { name, at, ticks: tickValues.map((v) => ({ t: at(v)!, label: fmt(v) })) };
  }
  const cats = [...new Set(present.map(String))].sort();
  const at = (v: Value) => (v === null ? null : cats.length === 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1));
  return { name, at, ticks: cats.map((c) => ({ t: at(c)!, label: c })) };
}

/** Parallel coordinates: one vertical axis per config value, the metric last, a line per member. */
export function parallel(points: readonly Point[], dims: readonly string[], metric: string, width: number): Element {
  const shown = points.filter((p) => typeof p.values[metric] === "number");
  const names = [...dims, metric];
  const axes = names.map((d) => axis(d, shown.map((p) => p.values[d] ?? null)));
  const lines = shown.flatMap((p) =>
    axes.flatMap((a) => {
      const t = a.at(p.values[a.name] ?? null);
      return t === null ? [] : [{ id: p.id, dim: a.name, t, metric: p.values[metric] as number, name: p.name }];
    }),
  );
  const ticks = axes.flatMap((a) => a.ticks.map((k) => ({ dim: a.name, t: k.t, label: k.label })));
  return Plot.plot({
    width,
    height: HEIGHT,
    marginLeft: 30,
    marginRight: 80,
    marginTop: 30,
    marginBottom: 16,
    x: { domain: names, type: "point", label: null, axis: "top" },
    y: { domain: [0, 1], axis: null },
    color: { type: "linear", scheme: "viridis", label: metric, legend: true },
    marks: [
      Plot.ruleX(names, { stroke: "#bbb" }),
      Plot.line(lines, { x: "dim", y: "t", z: "id", stroke: "metric", strokeWidth: 1.6, strokeOpacity: 0.85 }),
      Plot.dot(lines, { x: "dim", y: "t", fill: "metric", r: 3, title: (d: { name: string; dim: string }) => `${d.name} ${d.dim}` }),
      Plot.text(ticks, { x: "dim", y: "t", text: "label", dx: 6, textAnchor: "start", fontSize: 10, fill: "#333", stroke: "white", strokeWidth: 3, paintOrder: "stroke" }),
    ],
  });
}
