/** The listing columns of the CLI (`#  name  operation  started  status  label`), tags, and chosen `--columns`. */
import { groupPath, runPath, type Cell, type Column, type GroupJson, type RunJson } from "../api.js";
import { ago, cellText, localTime, opText } from "../format.js";
import { Link } from "./Link.js";
import { Status } from "./Status.js";
import type { Col } from "./Table.js";
import { Tags } from "./Tags.js";

interface Common {
  /** the listing number of the first row */
  readonly first: number;
  readonly onTag?: (tag: string) => void;
}

function base<R extends RunJson | GroupJson>(c: Common, path: (id: string) => string, op: (r: R) => string): Col<R>[] {
  return [
    { key: "n", label: "#", class: "num", cell: (_r, i) => String(c.first + i) },
    {
      key: "name",
      label: "name",
      sort: "name",
      cell: (r) => (
        <Link href={path(r.id)} title={r.id} testid="open">
          {r.name ?? r.id}
        </Link>
      ),
    },
    { key: "operation", label: "operation", sort: "operation", cell: op },
    { key: "started", label: "started", sort: "started", firstDesc: true, cell: (r) => <span title={localTime(r.started)}>{ago(r.started)}</span> },
    { key: "status", label: "status", sort: "status", cell: (r) => <Status status={r.status} /> },
    { key: "label", label: "label", sort: "label", class: "label", cell: (r) => r.label ?? "" },
    { key: "tags", label: "tags", cell: (r) => <Tags tags={r.tags} {...(c.onTag ? { onPick: c.onTag } : {})} /> },
  ];
}

export function runCols(c: Common): Col<RunJson>[] {
  return base<RunJson>(c, runPath, opText);
}

export function groupCols(c: Common): Col<GroupJson>[] {
  return [...base<GroupJson>(c, groupPath, (g) => g.operation ?? ""), { key: "members", label: "members", sort: "members", firstDesc: true, class: "num", cell: (g) => String(g.members.length) }];
}

/** Columns asked for with `columns=`; the cells of row i are `cells[i]`. */
export function chosenCols<R>(columns: readonly Column[] | null, cells: readonly (readonly Cell[])[] | null): Col<R>[] {
  if (columns === null || cells === null) return [];
  return columns.map((col, j) => ({
    key: `col:${col.name}`,
    label: col.name,
    ...(col.kind === "list" ? {} : { sort: col.name }),
    firstDesc: col.kind !== "text",
    class: col.kind === "text" ? "" : "num",
    cell: (_r: R, i: number) => cellText(cells[i]?.[j] ?? null, col),
  }));
}
