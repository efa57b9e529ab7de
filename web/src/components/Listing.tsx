/**
 * A listing of runs or groups read a page at a time from the server, its state in the URL
 * under a prefix (`where`, `tag`, `sort`, `page`, `columns`; the groups of the home page use
 * `g…`), so two listings share one URL and a filtered view can be shared.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { GroupJson, ListingPage, RunJson } from "../api.js";
import { useApi } from "../fetch.js";
import { navigate, useUrl, withParams } from "../route.js";
import { chosenCols, groupCols, runCols } from "./columns.js";
import { ColumnsBox } from "./ColumnsBox.js";
import { ErrorBox, FilterBox } from "./FilterBox.js";
import { Pager } from "./Pager.js";
import { Table, type Selection } from "./Table.js";
import { Tags } from "./Tags.js";

/** Filters of /api/runs and /api/groups besides `where` and `tag` (docs/web.md). */
const SCOPE = {
  run: ["status", "op", "label", "since", "until", "in-group", "deleted", "archive"],
  group: ["status", "op", "label", "since", "until"],
} as const;

interface Props {
  readonly kind: "run" | "group";
  /** prefix of this listing's URL parameters */
  readonly prefix: string;
  readonly size: number;
  readonly title: string;
  readonly selection?: Selection;
  /** shown under the title when rows are selected */
  readonly actions?: ComponentChildren;
}

export function Listing(p: Props) {
  const url = useUrl();
  const q = url.searchParams;
  const name = (k: string) => `${p.prefix}${k}`;
  const where = q.get(name("where")) ?? "";
  const tags = q.getAll(name("tag"));
  const sort = q.get(name("sort")) ?? "";
  const columns = q.get(name("columns")) ?? "";
  const page = Math.max(1, Number.parseInt(q.get(name("page")) ?? "1", 10) || 1);
  const set = (changes: Record<string, string | readonly string[] | undefined>, keepPage = false) =>
    navigate(withParams(url, Object.fromEntries([...Object.entries(changes).map(([k, v]) => [name(k), v]), ...(keepPage ? [] : [[name("page"), undefined]])])));

  // The other listing filters of the API, kept as given in the URL (a link "as a listing" sets in-group).
  const scope = SCOPE[p.kind].flatMap((k) => q.getAll(name(k)).map((v) => [k, v] as const));
  const params = new URLSearchParams();
  for (const [k, v] of scope) params.append(k, v);
  if (where) params.set("where", where);
  for (const t of tags) params.append("tag", t);
  if (sort) params.set("sort", sort);
  if (columns) params.set("columns", columns);
  params.set("offset", String((page - 1) * p.size));
  params.set("limit", String(p.size));
  const api = p.kind === "run" ? "/api/runs" : "/api/groups";
  const { data, error, loading } = useApi<ListingPage<RunJson | GroupJson>>(api, params);

  // Marks the first time rows are on screen: the bench reads it (navigation start → drawn).
  useEffect(() => {
    if (data && performance.getEntriesByName(`catalog:${p.kind}s-drawn`).length === 0) performance.mark(`catalog:${p.kind}s-drawn`);
  }, [data]);
  const addTag = (t: string) => !tags.includes(t) && set({ tag: [...tags, t] });
  const common = { first: (page - 1) * p.size + 1, onTag: addTag };
  const what = p.kind === "run" ? "run" : "group";
  return (
    <section class="listing" data-testid={`${what}s`} aria-busy={loading}>
      <header>
        <h2>{p.title}</h2>
        <FilterBox
          value={where}
          onApply={(v) => set({ where: v })}
          testid={`${what}s-where`}
          placeholder={p.kind === "run" ? "filter: metrics.loss < 0.3 and tags contains color=green" : "filter: tags contains color=green and members >= 3"}
        />
        <ColumnsBox value={columns} rows={p.kind === "run" ? ((data?.rows ?? []) as RunJson[]) : []} onApply={(v) => set({ columns: v }, true)} testid={`${what}s-columns`} />
      </header>
      {scope.length > 0 && (
        <div class="active-tags" data-testid="scope">
          {scope.map(([k, v]) => (
            <span class="chip" key={`${k}=${v}`}>
              <span class="chip-text">
                {k}: {v}
              </span>
              <button type="button" class="chip-x" aria-label={`remove ${k}`} onClick={() => set({ [k]: q.getAll(name(k)).filter((x) => x !== v) })}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {tags.length > 0 && (
        <div class="active-tags">
          tagged <Tags tags={tags} onRemove={(t) => set({ tag: tags.filter((x) => x !== t) })} />
        </div>
      )}
      {p.actions}
      {error ? (
        <ErrorBox error={error} />
      ) : data ? (
        <>
          {/* /api/runs answers runs and /api/groups groups: the kind picked the endpoint */}
          {p.kind === "run" ? (
            <Table<RunJson>
              cols={[...runCols(common), ...chosenCols<RunJson>(data.columns, data.cells)]}
              rows={data.rows as readonly RunJson[]}
              sort={sort || "-timestamp"}
              onSort={(s) => set({ sort: s })}
              testid="runs-table"
              {...(p.selection ? { selection: p.selection } : {})}
            />
          ) : (
            <Table<GroupJson>
              cols={[...groupCols(common), ...chosenCols<GroupJson>(data.columns, data.cells)]}
              rows={data.rows as readonly GroupJson[]}
              sort={sort || "-started"}
              onSort={(s) => set({ sort: s })}
              testid="groups-table"
            />
          )}
          <Pager page={page} size={p.size} total={data.total} lowerBound={data.totalIsLowerBound} shown={data.rows.length} what={what} onPage={(n) => set({ page: n === 1 ? undefined : String(n) }, true)} />
        </>
      ) : (
        <p class="loading">loading…</p>
      )}
    </section>
  );
}

/** A selection of runs kept across pages and filters, until cleared. */
export function useSelection(): Selection & { readonly ids: readonly string[]; readonly clear: () => void } {
  const [ids, setIds] = useState<readonly string[]>([]);
  return {
    ids,
    has: (id) => ids.includes(id),
    toggle: (list, on) => setIds((cur) => (on ? [...cur, ...list.filter((id) => !cur.includes(id))] : cur.filter((id) => !list.includes(id)))),
    clear: () => setIds([]),
  };
}
