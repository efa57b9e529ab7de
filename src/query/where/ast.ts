/** The parsed form of a `--where` expression; `pos` is the 0-based column the node is reported at. */

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "*" | "/" | "**";

export interface Regex {
  readonly source: string;
  /** JavaScript RegExp flags, from a leading `(?i)`, `(?s)`, `(?m)` (PCRE style) */
  readonly flags: string;
}

/** A value as written in a list: `[completed, 'a b', 3, -1e-3]`. */
export type Literal =
  | { readonly kind: "number"; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly kind: "text"; readonly value: string; readonly pos: number };

export type Value =
  | { readonly kind: "number"; readonly value: number; readonly text: string; readonly pos: number }
  /** a quoted string */
  | { readonly kind: "string"; readonly value: string; readonly pos: number }
  /** a bare word: a name, or text where no name is expected; `key` from `config."a b"` */
  | { readonly kind: "word"; readonly text: string; readonly key?: string; readonly pos: number }
  /** a date literal, in µs */
  | { readonly kind: "date"; readonly us: number; readonly text: string; readonly pos: number }
  | { readonly kind: "duration"; readonly us: number; readonly text: string; readonly pos: number }
  | { readonly kind: "now" | "today"; readonly pos: number }
  | { readonly kind: "arith"; readonly op: ArithOp; readonly left: Value; readonly right: Value; readonly pos: number }
  | { readonly kind: "negate"; readonly operand: Value; readonly pos: number };

export type Condition =
  | { readonly kind: "and" | "or"; readonly left: Condition; readonly right: Condition; readonly pos: number }
  | { readonly kind: "not"; readonly operand: Condition; readonly pos: number }
  | { readonly kind: "compare"; readonly op: CompareOp; readonly left: Value; readonly right: Value; readonly pos: number }
  /** `x in [..]`, `x not-in [..]` */
  | { readonly kind: "in-list"; readonly negated: boolean; readonly subject: Value; readonly items: readonly Literal[]; readonly pos: number }
  /** `x in tags`, `x not-in tags` (the set is checked when compiled) */
  | { readonly kind: "in-set"; readonly negated: boolean; readonly element: Value; readonly set: Value; readonly pos: number }
  /** `tags contains x` (membership) or `label contains x` (substring) */
  | { readonly kind: "contains"; readonly subject: Value; readonly element: Value; readonly pos: number }
  | { readonly kind: "match"; readonly negated: boolean; readonly subject: Value; readonly regex: Regex; readonly pos: number }
  /**
   * A value standing alone as a condition: Gage's own `--where` meaning (op name equals it, or
   * status equals it, or the label contains it). The whole expression is one of these when it
   * has no operator at all (`whole`); inside a larger expression it is a lone word (`bareWord`),
   * string or number.
   */
  | { readonly kind: "text-match"; readonly text: string; readonly whole: boolean; readonly bareWord: boolean; readonly pos: number };

/** A parsed expression; `condition` is null for an empty expression (no filter). */
export interface WhereExpr {
  readonly source: string;
  readonly condition: Condition | null;
}
