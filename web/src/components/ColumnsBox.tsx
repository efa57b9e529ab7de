import { useEffect, useState } from "preact/hooks";
import type { RunJson } from "../api.js";

/**
 * Extra columns, as `--columns` takes them: `config.lr,metrics.loss`, or `auto` (the config that
 * varies among the rows shown, and every metric). Suggests the keys of the rows on the page.
 */
export function ColumnsBox({ value, rows, onApply, testid }: { value: string; rows: readonly RunJson[]; onApply: (v: string) => void; testid: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const keys = new Set<string>(["auto"]);
  for (const r of rows) {
    for (const k of Object.keys(r.config)) keys.add(`config.${k}`);
    for (const k of Object.keys(r.metrics)) keys.add(`metrics.${k}`);
  }
  const typed = text.split(",").slice(0, -1).join(",");
  const list = `${testid}-keys`;
  return (
    <form
      class="columns"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(text.trim());
      }}
    >
      <input
        type="text"
        spellcheck={false}
        autocomplete="off"
        list={list}
        value={text}
        placeholder="columns: config.lr,metrics.loss"
        aria-label="columns (--columns)"
        data-testid={testid}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <datalist id={list}>
        {[...keys].sort().map((k) => (
          <option key={k} value={typed ? `${typed},${k}` : k} />
        ))}
      </datalist>
    </form>
  );
}
