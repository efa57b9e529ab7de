import type { ArithOp, CompareOp, Condition, Literal, Regex, Value, WhereExpr } from "./ast.js";
import { WhereSyntaxError } from "./errors.js";
import { tokenize, type Operator, type Token } from "./lexer.js";

const COMPARE_OPS: ReadonlySet<Operator> = new Set(["==", "!=", "<", "<=", ">", ">="]);
const KEYWORDS = ["and", "or", "not", "in", "not-in", "contains"] as const;
type Keyword = (typeof KEYWORDS)[number];

/** The keyword a word token spells (lower or upper case), if any. */
function keywordOf(t: Token): Keyword | null {
  if (t.kind !== "word" || t.key !== undefined) return null;
  const lower = t.text.toLowerCase();
  if (t.text !== lower && t.text !== t.text.toUpperCase()) return null;
  return (KEYWORDS as readonly string[]).includes(lower) ? (lower as Keyword) : null;
}

type Node = Value | Condition;

const VALUE_KINDS: ReadonlySet<string> = new Set(["number", "string", "word", "date", "duration", "now", "today", "arith", "negate"]);
const isValue = (n: Node): n is Value => VALUE_KINDS.has(n.kind);

/**
 * Parses a `--where` expression (grammar in docs/filters.md). An empty expression is no filter;
 * an expression with no operator at all is Gage's own text match on the whole text.
 */
export function parseWhere(source: string): WhereExpr {
  if (source === "") return { source, condition: null };
  if (source.trim() === "") throw new WhereSyntaxError(source, 0, "empty expression");
  const tokens = tokenize(source);
  const body = tokens.slice(0, -1);
  if (body.every((t) => (t.kind === "word" || t.kind === "string" || t.kind === "number" || t.kind === "date" || t.kind === "duration") && !keywordOf(t))) {
    const only = body.length === 1 ? body[0]! : null;
    const text = only?.kind === "string" ? only.value : source.trim();
    return { source, condition: { kind: "text-match", text, whole: true, bareWord: false, pos: body[0]!.pos } };
  }
  return { source, condition: new Parser(source, tokens).parse() };
}

class Parser {
  private i = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): Condition {
    const c = this.condition(this.or());
    const t = this.peek();
    if (t.kind !== "end") this.fail(t, t.kind === ")" ? "unbalanced )" : `expected and, or or the end, found ${show(t)}`);
    return c;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "end") this.i++;
    return t;
  }

  private fail(t: Token | number, reason: string): never {
    throw new WhereSyntaxError(this.source, typeof t === "number" ? t : t.pos, reason);
  }

  private isKeyword(k: Keyword, offset = 0): boolean {
    return keywordOf(this.peek(offset)) === k;
  }

  private isOp(op: Operator): boolean {
    const t = this.peek();
    return t.kind === "op" && t.op === op;
  }

  private or(): Node {
    let left = this.and();
    while (this.isKeyword("or")) {
      const pos = this.next().pos;
      left = { kind: "or", left: this.condition(left), right: this.condition(this.and()), pos };
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.isKeyword("and")) {
      const pos = this.next().pos;
      left = { kind: "and", left: this.condition(left), right: this.condition(this.not()), pos };
    }
    return left;
  }

  private not(): Node {
    if (this.isKeyword("not") && !this.isKeyword("in", 1)) {
      const pos = this.next().pos;
      return { kind: "not", operand: this.condition(this.not()), pos };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === "op" && COMPARE_OPS.has(t.op)) {
      this.next();
      return { kind: "compare", op: t.op as CompareOp, left: this.value(left, t), right: this.value(this.additive(), t, "after"), pos: t.pos };
    }
    if (t.kind === "op" && (t.op === "=~" || t.op === "!~")) {
      this.next();
      return { kind: "match", negated: t.op === "!~", subject: this.value(left, t), regex: this.regex(), pos: t.pos };
    }
    const kw = keywordOf(t);
    if (kw === "in" || kw === "not-in" || (kw === "not" && this.isKeyword("in", 1))) {
      this.next();
      if (kw === "not") this.next();
      const negated = kw !== "in";
      const subject = this.value(left, t);
      if (this.peek().kind === "[") return { kind: "in-list", negated, subject, items: this.list(), pos: t.pos };
      return { kind: "in-set", negated, element: subject, set: this.value(this.additive(), t, "after"), pos: t.pos };
    }
    if (kw === "contains") {
      this.next();
      return { kind: "contains", subject: this.value(left, t), element: this.value(this.additive(), t, "after"), pos: t.pos };
    }
    return left;
  }

  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) {
      const t = this.next();
      left = this.arith(t, left, this.multiplicative());
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/")) {
      const t = this.next();
      left = this.arith(t, left, this.unary());
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp("-")) {
      const t = this.next();
      return { kind: "negate", operand: this.value(this.unary(), t, "after"), pos: t.pos };
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (this.isOp("**")) {
      const t = this.next();
      return this.arith(t, base, this.unary());
    }
    return base;
  }

  private arith(t: Token, left: Node, right: Node): Value {
    return { kind: "arith", op: t.text as ArithOp, left: this.value(left, t), right: this.value(right, t, "after"), pos: t.pos };
  }

  private primary(): Node {
    const t = this.peek();
    switch (t.kind) {
      case "number":
        this.next();
        return { kind: "number", value: t.value, text: t.text, pos: t.pos };
      case "string":
        this.next();
        return { kind: "string", value: t.value, pos: t.pos };
      case "date":
        this.next();
        return { kind: "date", us: t.us, text: t.text, pos: t.pos };
      case "duration":
        this.next();
        return { kind: "duration", us: t.us, text: t.text, pos: t.pos };
      case "word": {
        const kw = keywordOf(t);
        if (kw) this.fail(t, `expected a value, found the keyword ${kw}`);
        this.next();
        return t.key === undefined ? { kind: "word", text: t.text, pos: t.pos } : { kind: "word", text: t.text, key: t.key, pos: t.pos };
      }
      case "(": {
        const command = this.peek(1);
        if (command.kind === "word" && (command.text === "now" || command.text === "today") && this.peek(2).kind === ")") {
          this.i += 3;
          return { kind: command.text, pos: t.pos };
        }
        this.next();
        const inner = this.or();
        if (this.peek().kind !== ")") this.fail(this.peek(), `expected ) to close the ( at column ${t.pos + 1}, found ${show(this.peek())}`);
        this.next();
        return inner;
      }
      default:
        return this.fail(t, `expected a value, found ${show(t)}`);
    }
  }

  /** `[a, b c]`: numbers (a leading - allowed), strings, words, dates, durations; commas optional. */
  private list(): Literal[] {
    const open = this.next();
    const items: Literal[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "]") {
        this.next();
        return items;
      }
      if (t.kind === ",") {
        if (items.length === 0) this.fail(t, "expected a list item before ,");
        this.next();
        continue;
      }
      if (t.kind === "end") this.fail(t, `expected ] to close the [ at column ${open.pos + 1}`);
      items.push(this.literal());
    }
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === "op" && t.op === "-") {
      const n = this.peek();
      if (n.kind !== "number" && n.kind !== "duration") this.fail(n, `expected a number after -, found ${show(n)}`);
      this.next();
      const value = n.kind === "number" ? n.value : n.us;
      return { kind: "number", value: -value, text: `-${n.text}`, pos: t.pos };
    }
    switch (t.kind) {
      case "number":
        return { kind: "number", value: t.value, text: t.text, pos: t.pos };
      case "duration":
        return { kind: "number", value: t.us, text: t.text, pos: t.pos };
      case "date":
        return { kind: "number", value: t.us, text: t.text, pos: t.pos };
      case "string":
        return { kind: "text", value: t.value, pos: t.pos };
      case "word":
        if (t.key !== undefined) this.fail(t, "expected a list item (names are not allowed in a list)");
        return { kind: "text", value: t.text, pos: t.pos };
      default:
        return this.fail(t, `expected a list item or ], found ${show(t)}`);
    }
  }

  /** The pattern after =~ or !~: a string or a bare word, JavaScript syntax; `(?i)` etc. become flags. */
  private regex(): Regex {
    const t = this.next();
    if (t.kind === "end" || t.kind === "op" || t.kind === "(" || t.kind === ")" || t.kind === "[" || t.kind === "]" || t.kind === ",") {
      this.fail(t, `expected a pattern, found ${show(t)}`);
    }
    const written = t.kind === "string" ? t.value : t.text;
    const inline = /^\(\?([ims]+)\)/u.exec(written);
    const source = inline ? written.slice(inline[0].length) : written;
    const flags = inline ? [...new Set(inline[1])].join("") : "";
    try {
      new RegExp(source, flags);
    } catch (err) {
      this.fail(t, `bad regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /u, "")}`);
    }
    return { source, flags };
  }

  /** A node where a value is needed; `at` is the operator it belongs to. */
  private value(n: Node, at: Token, side: "before" | "after" = "before"): Value {
    if (isValue(n)) return n;
    return this.fail(n.pos, `expected a value ${side} ${at.text}, found a condition`);
  }

  /** A node where a condition is needed: a lone word, string or number is Gage's text match. */
  private condition(n: Node): Condition {
    if (!isValue(n)) return n;
    switch (n.kind) {
      case "word":
        if (n.key === undefined) return { kind: "text-match", text: n.text, whole: false, bareWord: true, pos: n.pos };
        break;
      case "string":
        return { kind: "text-match", text: n.value, whole: false, bareWord: false, pos: n.pos };
      case "number":
      case "date":
      case "duration":
        return { kind: "text-match", text: n.text, whole: false, bareWord: false, pos: n.pos };
      default:
        break;
    }
    return this.fail(n.pos, "expected a condition, found a value (compare it with ==, <, in …)");
  }
}

function show(t: Token): string {
  switch (t.kind) {
    case "end":
      return "the end";
    case "string":
      return `the string ${t.text}`;
    default:
      return JSON.stringify(t.text);
  }
}
