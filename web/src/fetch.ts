/** Reading the API from a view: refetched when the request or the index changes, the last answer kept meanwhile. */
import { useEffect, useState } from "preact/hooks";
import { ApiFailure, getJson } from "./api.js";
import { useIndexVersion } from "./live.js";

export interface Fetched<T> {
  readonly data: T | undefined;
  readonly error: ApiFailure | undefined;
  readonly loading: boolean;
  /** reads again now (after a write, before the index event arrives) */
  readonly reload: () => void;
}

export function useApi<T>(path: string | null, params?: URLSearchParams): Fetched<T> {
  const version = useIndexVersion();
  const key = path === null ? null : `${path}?${params?.toString() ?? ""}`;
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<Omit<Fetched<T>, "reload">>({ data: undefined, error: undefined, loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path, params, abort.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        const failure = err instanceof ApiFailure ? err : new ApiFailure(0, { message: err instanceof Error ? err.message : String(err) });
        setState((s) => ({ data: s.data, error: failure, loading: false }));
      },
    );
    return () => abort.abort();
  }, [key, version, nonce]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}
