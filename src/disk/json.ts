/**
 * Parses JSON written by Python's `json.dump`, which emits the non-standard tokens `NaN`,
 * `Infinity` and `-Infinity` (docs/format.md, "Robustness"). Those tokens, outside strings, become null.
 * Everything else follows JSON.parse, including "last duplicate key wins".
 */
export function parseTolerantJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/u.test(text)) throw err;
  }
  return JSON.parse(replaceNonFiniteTokens(text));
}

function replaceNonFiniteTokens(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // Copy a whole string literal, escapes included, untouched.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^(?:-?Infinity|NaN)/u.exec(text.slice(i, i + 9));
    if (m) {
      out += "null";
      i += m[0].length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
