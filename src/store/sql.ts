/** One SQL statement or fragment and its parameters, `?` placeholders: user input only ever goes into `params`. */
export interface Clause {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A value bound as a parameter: the only way anything from the user reaches SQL. */
export interface Bound {
  readonly bound: string | number | null;
}

export const bind = (value: string | number | null): Bound => ({ bound: value });

/** A bound value as a clause of its own (`?`). */
export const param = (value: string | number | null): Clause => ({ sql: "?", params: [value] });

/** SQL text written in this code base (never from user input). */
export const raw = (text: string): Clause => ({ sql: text, params: [] });

/**
 * Builds a clause from SQL text with clauses and bound values between the pieces: a clause is
 * inlined with its parameters, a bound value becomes `?`.
 */
export function sql(strings: TemplateStringsArray, ...pieces: readonly (Clause | Bound)[]): Clause {
  let text = strings[0]!;
  const params: unknown[] = [];
  pieces.forEach((piece, i) => {
    if ("bound" in piece) {
      text += "?";
      params.push(piece.bound);
    } else {
      text += piece.sql;
      params.push(...piece.params);
    }
    text += strings[i + 1]!;
  });
  return { sql: text, params };
}

/** Clauses joined by a separator (`" AND "`, `", "`, …); each is parenthesised when `wrap` is set. */
export function join(clauses: readonly Clause[], separator: string, wrap = false): Clause {
  return {
    sql: clauses.map((c) => (wrap ? `(${c.sql})` : c.sql)).join(separator),
    params: clauses.flatMap((c) => c.params),
  };
}
