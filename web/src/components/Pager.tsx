import { plural } from "../format.js";

/** Pages of a listing read from the server, `page` 1-based; "more than" when the total was capped. */
export function Pager({ page, size, total, lowerBound, shown, what, onPage }: { page: number; size: number; total: number; lowerBound: boolean; shown: number; what: string; onPage: (p: number) => void }) {
  const first = (page - 1) * size + 1;
  const pages = Math.max(1, Math.ceil(total / size));
  const hasNext = lowerBound ? shown === size : page < pages;
  return (
    <div class="pager" data-testid="pager">
      <span class="count">
        {shown === 0 ? `no ${what}s` : `${first.toLocaleString("en")}–${(first + shown - 1).toLocaleString("en")} of ${lowerBound ? "more than " : ""}${plural(total, what)}`}
      </span>
      <button type="button" disabled={page <= 1} onClick={() => onPage(1)} aria-label="first page">
        «
      </button>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label="previous page">
        ‹
      </button>
      <span class="page">page {page.toLocaleString("en")}{lowerBound ? "" : ` of ${pages.toLocaleString("en")}`}</span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)} aria-label="next page" data-testid="next-page">
        ›
      </button>
      <button type="button" disabled={lowerBound || page >= pages} onClick={() => onPage(pages)} aria-label="last page">
        »
      </button>
    </div>
  );
}
