/**
 * The page's state lives in its URL — path for the view, query string for filters, sort, page
 * and columns — so a view can be reloaded, bookmarked and shared. Navigation is the History API.
 */
import { useEffect, useState } from "preact/hooks";

const CHANGED = "catalog:navigate";

export function navigate(to: string, o: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (o.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current URL, re-rendering on every navigation (links, back and forward). */
export function useUrl(): URL {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const update = () => setHref(location.href);
    window.addEventListener("popstate", update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return new URL(href);
}

export type ParamChange = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The current path and query with some parameters set (a list: repeated) or removed (undefined, "" or []). */
export function withParams(url: URL, changes: ParamChange): string {
  const params = new URLSearchParams(url.search);
  for (const [k, v] of Object.entries(changes)) {
    params.delete(k);
    if (v === undefined) continue;
    for (const one of typeof v === "string" ? [v] : v) if (one !== "") params.append(k, one);
  }
  const q = params.toString();
  return `${url.pathname}${q ? `?${q}` : ""}`;
}

/** A link that navigates in place (a modified click still opens a new tab). */
export function onLinkClick(e: MouseEvent, href: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(href);
}
