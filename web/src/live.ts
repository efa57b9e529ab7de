/**
 * Follows the index: the server sends an `index` event whenever the database changed (docs/web.md),
 * and every view that reads the API reads again. `useIndexVersion` is the number to depend on.
 */
import { useEffect, useState } from "preact/hooks";

let version = 0;
/** null until the stream first opens or fails */
let connected: boolean | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((f) => f());

export function startLive(): void {
  const es = new EventSource("/api/events");
  es.addEventListener("open", () => {
    connected = true;
    notify();
  });
  es.addEventListener("error", () => {
    connected = false;
    notify();
  });
  es.addEventListener("index", () => {
    version++;
    notify();
  });
}

function useLive<T>(read: () => T): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const f = () => setValue(read);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return value;
}

export const useIndexVersion = (): number => useLive(() => version);
export const useConnected = (): boolean | null => useLive(() => connected);
