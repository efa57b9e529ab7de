import type { ComponentChildren } from "preact";

export interface Col<R> {
  readonly key: string;
  readonly label: string;
  /** the `--sort` name this column sorts by; none: not sortable (sets, the number) */
  readonly sort?: string;
  /** the first click sorts descending (times, numbers) rather than ascending (text) */
  readonly firstDesc?: boolean;
  readonly cell: (r: R, i: number) => ComponentChildren;
  readonly class?: string;
}

export interface Selection {
  readonly has: (id: string) => boolean;
  readonly toggle: (ids: readonly string[], on: boolean) => void;
}

/**
 * A listing table. Clicking a sortable header sorts by it (`sort`, as `--sort [-]NAME`), a
 * second click reverses; the server sorts, missing values last either way.
 */
export function Table<R extends { readonly id: string }>({
  cols,
  rows,
  sort,
  onSort,
  selection,
  testid,
}: {
  cols: readonly Col<R>[];
  rows: readonly R[];
  /** the current `[-]NAME` */
  sort: string;
  onSort?: (sort: string) => void;
  selection?: Selection;
  testid: string;
}) {
  const desc = sort.startsWith("-");
  const sortName = desc ? sort.slice(1) : sort;
  const allOn = rows.length > 0 && rows.every((r) => selection?.has(r.id));
  return (
    <div class="table-wrap">
      <table data-testid={testid}>
        <thead>
          <tr>
            {selection && (
              <th class="check">
                <input type="checkbox" aria-label="select every row of this page" checked={allOn} onChange={(e) => selection.toggle(rows.map((r) => r.id), e.currentTarget.checked)} />
              </th>
            )}
            {cols.map((c) => {
              const active = c.sort !== undefined && (c.sort === sortName || (c.sort === "started" && sortName === "timestamp"));
              const next = active ? (desc ? c.sort! : `-${c.sort}`) : c.firstDesc ? `-${c.sort}` : c.sort;
              return (
                <th key={c.key} class={c.class} aria-sort={active ? (desc ? "descending" : "ascending") : undefined}>
                  {c.sort !== undefined && onSort ? (
                    <button type="button" class="sort" title={`sort by ${c.sort}`} data-testid={`sort-${c.key}`} onClick={() => onSort(next!)}>
                      {c.label}
                      <span class="arrow">{active ? (desc ? " ▼" : " ▲") : ""}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} data-id={r.id}>
              {selection && (
                <td class="check">
                  <input type="checkbox" aria-label="select" checked={selection.has(r.id)} onChange={(e) => selection.toggle([r.id], e.currentTarget.checked)} />
                </td>
              )}
              {cols.map((c) => (
                <td key={c.key} class={c.class}>
                  {c.cell(r, i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
