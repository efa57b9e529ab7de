import { useEffect, useRef, useState } from "preact/hooks";
import type { Point } from "../chart/plot.js";

/** A metric against config values across a group's members; the chart library loads with it. */
export function Chart({ points, xs, y }: { points: readonly Point[]; xs: readonly string[]; y: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    import("../chart/plot.js").then(
      (plot) => {
        const el = ref.current;
        if (!live || !el) return;
        const width = Math.max(320, Math.min(el.clientWidth || 800, 1100));
        el.replaceChildren(xs.length === 1 ? plot.scatter(points, xs[0]!, y, width) : plot.parallel(points, xs, y, width));
      },
      (err: unknown) => setFailed(String(err)),
    );
    return () => {
      live = false;
    };
  }, [points, xs.join(","), y]);
  if (failed) return <p class="error">the chart could not load: {failed}</p>;
  return <div class="chart" ref={ref} data-testid="chart" data-kind={xs.length === 1 ? "scatter" : "parallel"} />;
}
