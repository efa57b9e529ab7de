import { WhereSyntaxError } from "./errors.js";
import { matchDate, matchDuration, matchNumber } from "./literals.js";

export const OPERATORS = ["**", "==", "!=", "<=", ">=", "=~", "!~", "<", ">", "+", "-", "*", "/"] as const;
export type Operator = (typeof OPERATORS)[number];

interface At {
  /** 0-based column of the token's first character */
  readonly pos: number;
  /** the token as written */
  readonly text: string;
}

export type Token =
  | (At & { readonly kind: "number"; readonly value: number })
  | (At & { readonly kind: "duration"; readonly us: number })
  | (At & { readonly kind: "date"; readonly us: number })
  | (At & { readonly kind: "string"; readonly value: string })
  /** a bare word; `config."a b"` is the word `config.` with the key `a b` */
  | (At & { readonly kind: "word"; readonly key?: string })
  | (At & { readonly kind: "op"; readonly op: Operator })
  | (At & { readonly kind: "(" | ")" | "[" | "]" | "," | "end" });

const SPACE = /\s/u;
/** Characters that end a bare word wherever they appear. */
const WORD_END = new Set(["(", ")", "[", ",", "<", ">", "+", "*", "/"]);
/** What may follow a number, duration or date (otherwise `10x` is the word `10x`). */
const AFTER_NUMBER = new Set(["(", ")", "[", "]", ",", "<", ">", "+", "-", "*", "/"]);

/**
 * Splits a `--where` expression into tokens. Words are everything up to a space, a bracket, a
 * comma or an operator, so `color=green`, `vit-b16`, `config.model.name` and `metrics.a]b` are
 * single words; `-` only starts an operator at the beginning of a token. Inside `[ … ]` a `]` ends
 * a word. Quoted strings take `\\` and `\<quote>` as escapes and keep any other backslash, so
 * regular expressions need no doubling.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  const fail = (pos: number, reason: string): never => {
    throw new WhereSyntaxError(source, pos, reason);
  };
  while (i < source.length) {
    const c = source[i]!;
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === "(" || c === ")" || c === "[" || c === "]" || c === ",") {
      if (c === "[") depth++;
      if (c === "]") depth = Math.max(0, depth - 1);
      tokens.push({ kind: c, pos, text: c });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = readString(source, i, fail);
      tokens.push({ kind: "string", pos, text: source.slice(pos, s.end), value: s.value });
      i = s.end;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", pos, text: op, op });
      i += op.length;
      continue;
    }
    if (c === "=") fail(pos, "use == to compare");
    if (c === "!") fail(pos, "use != to compare, or `not`");
    const numeric = /\d/u.test(c) ? readNumeric(source, i, depth, fail) : null;
    if (numeric) {
      tokens.push(numeric);
      i = pos + numeric.text.length;
      continue;
    }
    const word = readWord(source, i, depth, fail);
    tokens.push(word);
    i = word.end;
  }
  tokens.push({ kind: "end", pos: source.length, text: "" });
  return tokens;
}

type Fail = (pos: number, reason: string) => never;

function readString(source: string, start: number, fail: Fail): { value: string; end: number } {
  const quote = source[start]!;
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\\" && (source[i + 1] === quote || source[i + 1] === "\\")) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return fail(start, `unterminated string: no closing ${quote}`);
}

function endsToken(source: string, i: number, depth: number): boolean {
  if (i >= source.length) return true;
  const c = source[i]!;
  // `3d-unet` and `1x+y` are words; `10-2`, `(now)-2d` and `2d - 1h` are arithmetic
  if (c === "-" || c === "+") return !/[^\s\d(.]/u.test(source[i + 1] ?? " ");
  if (SPACE.test(c) || AFTER_NUMBER.has(c)) return c !== "]" || depth > 0;
  return source.startsWith("==", i) || source.startsWith("!=", i) || source.startsWith("=~", i) || source.startsWith("!~", i);
}

/** A date, duration or number starting at `start`, or null when the text there is a word. */
function readNumeric(source: string, start: number, depth: number, fail: Fail): Token | null {
  const rest = source.slice(start);
  const date = matchDate(rest);
  if (date && endsToken(source, start + date.length, depth)) {
    const text = rest.slice(0, date.length);
    if ("error" in date) return fail(start, `impossible date ${text}: ${date.error}`);
    return { kind: "date", pos: start, text, us: date.us };
  }
  const duration = matchDuration(rest);
  if (duration && endsToken(source, start + duration.length, depth)) {
    return { kind: "duration", pos: start, text: rest.slice(0, duration.length), us: duration.us };
  }
  const number = matchNumber(rest);
  if (number && endsToken(source, start + number.length, depth)) {
    return { kind: "number", pos: start, text: rest.slice(0, number.length), value: number.value };
  }
  return null;
}

function readWord(source: string, start: number, depth: number, fail: Fail): Token & { end: number } {
  let i = start;
  while (i < source.length) {
    const c = source[i]!;
    if (SPACE.test(c) || WORD_END.has(c)) break;
    if (c === "]" && depth > 0) break;
    if ((c === "=" || c === "!") && (source[i + 1] === "=" || source[i + 1] === "~")) break;
    if ((c === "'" || c === '"') && i > start && source[i - 1] === ".") {
      const key = readString(source, i, fail);
      return { kind: "word", pos: start, text: source.slice(start, key.end), key: key.value, end: key.end };
    }
    i++;
  }
  return { kind: "word", pos: start, text: source.slice(start, i), end: i };
}
