import { quoteStart } from "./safe-fs.js";

/** An operation reference as stored in a run's `opref` meta file (docs/format.md, "Meta files"). */
export interface OpRef {
  readonly schema: 1 | 2;
  readonly ns: string;
  readonly name: string;
  readonly version: string | null;
}

/**
 * Decodes `opref` text the way Gage's `decode_opref` does: only trailing whitespace is stripped and
 * parts are split on single spaces, so leading or double spaces give empty parts and fail.
 * Throws on anything Gage would reject; Gage then hides the run.
 */
export function decodeOpRef(text: string): OpRef {
  const s = text.replace(/\s+$/u, "");
  const sp = s.indexOf(" ");
  if (sp < 0) throw new Error(`bad opref: ${quoteStart(s, 80)}`);
  const schema = s.slice(0, sp);
  const parts = s.slice(sp + 1).split(" ");
  if (parts.some((p) => p === "")) throw new Error(`bad opref (empty part): ${quoteStart(s, 80)}`);
  if (schema === "2" && (parts.length === 2 || parts.length === 3)) {
    return { schema: 2, ns: parts[0]!, name: parts[1]!, version: parts[2] ?? null };
  }
  if (schema === "1" && parts.length === 2) {
    return { schema: 1, ns: parts[0]!, name: parts[1]!, version: null };
  }
  throw new Error(`unsupported opref: ${quoteStart(s, 80)}`);
}
