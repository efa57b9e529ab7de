import { useEffect, useState } from "preact/hooks";
import type { ApiFailure } from "../api.js";

/**
 * A `--where` expression box (docs/filters.md). Enter applies it; a syntax error from the server
 * is shown as the CLI shows it, the expression with a caret under the bad spot.
 */
export function FilterBox({ value, onApply, placeholder, testid }: { value: string; onApply: (v: string) => void; placeholder: string; testid: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <form
      class="filter"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(text.trim());
      }}
    >
      <input
        type="search"
        spellcheck={false}
        autocomplete="off"
        value={text}
        placeholder={placeholder}
        aria-label="filter (--where)"
        data-testid={testid}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <button type="submit">Filter</button>
    </form>
  );
}

/** A refused request; a bad `where` or `columns` text gets its caret. */
export function ErrorBox({ error }: { error: ApiFailure }) {
  const e = error.error;
  if (e.expression !== undefined && e.column !== undefined) {
    return (
      <div class="error" role="alert" data-testid="where-error">
        <div>{e.param}: {e.reason}</div>
        <pre class="caret">
          {e.expression.replace(/[\t\n\r]/gu, " ")}
          {"\n"}
          {" ".repeat(e.column)}^ {e.reason}
        </pre>
      </div>
    );
  }
  return (
    <div class="error" role="alert" data-testid="error">
      {e.message}
    </div>
  );
}
