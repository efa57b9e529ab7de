/**
 * `/groups/<id>`: the group, its members side by side (`--columns auto`: the config that varied
 * and every metric), and a chart of a chosen metric against chosen config values. The URL keeps
 * the sort (`sort`), the columns (`columns`), the metric (`y`) and the config values (`x`).
 */
import { type MembersPage, type RunJson } from "../api.js";
import type { Point, Value } from "../chart/plot.js";
import { Chart } from "../components/Chart.js";
import { chosenCols, runCols } from "../components/columns.js";
import { ColumnsBox } from "../components/ColumnsBox.js";
import { Attrs } from "../components/Edit.js";
import { ErrorBox } from "../components/FilterBox.js";
import { Link } from "../components/Link.js";
import { Status } from "../components/Status.js";
import { Table } from "../components/Table.js";
import { useApi } from "../fetch.js";
import { ago, localTime, plural } from "../format.js";
import { navigate, useUrl, withParams } from "../route.js";
import { useMemo } from "preact/hooks";

export function GroupPage({ id }: { id: string }) {
  const url = useUrl();
  const q = url.searchParams;
  const sort = q.get("sort") ?? "";
  const columns = q.get("columns") ?? "auto";
  const params = new URLSearchParams({ columns, ...(sort ? { sort } : {}) });
  const api = `/api/groups/${encodeURIComponent(id)}`;
  const { data, error, reload } = useApi<MembersPage>(`${api}/members`, params);
  const points = useMemo(() => (data ? chartPoints(data) : []), [data]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p class="loading">loading…</p>;
  const g = data.group;
  const cols = data.columns ?? [];
  const metricNames = cols.filter((c) => c.name.startsWith("metrics.") && c.kind !== "list").map((c) => c.name);
  const configNames = cols.filter((c) => c.name.startsWith("config.")).map((c) => c.name);
  const y = q.get("y") ?? metricNames.find((m) => m === "metrics.loss") ?? metricNames[0];
  const xs = q.getAll("x").filter((x) => configNames.includes(x));
  const chosenXs = xs.length > 0 ? xs : configNames.slice(0, 1);
  const set = (changes: Record<string, string | readonly string[] | undefined>) => navigate(withParams(url, changes), { replace: true });
  return (
    <article class="detail" data-testid="group-page">
      <h1>
        group <span data-testid="group-name">{g.name ?? g.id}</span> <Status status={g.status} />
      </h1>
      <dl class="facts">
        <dt>id</dt>
        <dd>
          <code>{g.id}</code>
        </dd>
        <dt>operation</dt>
        <dd>{g.operation ?? ""}</dd>
        <dt>started</dt>
        <dd>{g.started === null ? "" : `${localTime(g.started)} (${ago(g.started)})`}</dd>
        <dt>members</dt>
        <dd>
          {plural(g.members.length, "active run")}
          {g.inactive_members.length > 0 && `, ${g.inactive_members.length} in the trash or an archive`}
          {g.missing_members.length > 0 && `, ${g.missing_members.length} missing`}
        </dd>
      </dl>
      <Attrs api={api} label={g.label} tags={g.tags} comments={g.comments} onDone={reload} />
      <section class="listing">
        <header>
          <h2>Members</h2>
          <ColumnsBox value={columns} rows={data.rows} onApply={(v) => set({ columns: v || undefined })} testid="members-columns" />
        </header>
        <Table<RunJson>
          cols={[...runCols({ first: 1 }), ...chosenCols<RunJson>(data.columns, data.cells)]}
          rows={data.rows}
          sort={sort || "-timestamp"}
          onSort={(s) => set({ sort: s })}
          testid="members-table"
        />
        {data.totalIsLowerBound || data.total > data.rows.length ? <p class="note">the first {data.rows.length} of {plural(data.total, "member")}</p> : null}
      </section>
      <section class="plot">
        <h2>Chart</h2>
        {y === undefined || configNames.length === 0 ? (
          <p class="none" data-testid="no-chart">
            {y === undefined ? "no metrics among the members" : "every member has the same config: nothing to chart against"}
          </p>
        ) : (
          <>
            <div class="chart-controls">
              <label>
                metric{" "}
                <select value={y} data-testid="chart-y" onChange={(e) => set({ y: e.currentTarget.value })}>
                  {metricNames.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>
              <span class="against">against</span>
              {configNames.map((c) => (
                <label key={c} class="check-label">
                  <input
                    type="checkbox"
                    checked={chosenXs.includes(c)}
                    data-testid={`chart-x-${c}`}
                    onChange={(e) => {
                      const next = e.currentTarget.checked ? [...chosenXs, c] : chosenXs.filter((x) => x !== c);
                      if (next.length > 0) set({ x: next });
                    }}
                  />
                  {c}
                </label>
              ))}
            </div>
            <Chart points={points} xs={chosenXs} y={y} />
          </>
        )}
      </section>
      <p class="note">
        Every active member of the group in the runs listing: <Link href={`/?in-group=${encodeURIComponent(g.id)}`}>filter runs by this group</Link>
      </p>
    </article>
  );
}

/** Chart values: numbers and text; booleans as their text, sets and nulls as missing. */
function toValue(c: unknown): Value {
  if (typeof c === "number" || typeof c === "string") return c;
  if (typeof c === "boolean") return String(c);
  return null;
}

function chartPoints(data: MembersPage): Point[] {
  const cols = data.columns ?? [];
  return data.rows.map((r, i) => ({
    id: r.id,
    name: r.name ?? r.id,
    values: Object.fromEntries(cols.map((c, j) => [c.name, toValue(data.cells?.[i]?.[j] ?? null)])),
  }));
}
