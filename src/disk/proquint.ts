const CONSONANTS = "bdfghjklmnprstvz";
const VOWELS = "aiou";

function quint16(x: number): string {
  return (
    CONSONANTS[(x >> 12) & 15]! +
    VOWELS[(x >> 10) & 3]! +
    CONSONANTS[(x >> 6) & 15]! +
    VOWELS[(x >> 4) & 3]! +
    CONSONANTS[x & 15]!
  );
}

/** The proquint of a 32-bit unsigned integer: high half, `-`, low half. */
export function uint32ToQuint(n: number): string {
  return `${quint16((n >>> 16) & 0xffff)}-${quint16(n & 0xffff)}`;
}

/**
 * Mirrors Python's `int(s, 16)` on the first 8 characters of an id: surrounding whitespace, an
 * optional `0x` prefix and single underscores between digits are accepted. Anything else, or a
 * value that is not a 32-bit unsigned integer, is null (Gage would crash; docs/decisions.md says null).
 */
function parseHexPrefix(idPrefix: string): number | null {
  let s = idPrefix.trim();
  if (/^[+]/u.test(s)) s = s.slice(1);
  if (/^0[xX]_?/u.test(s)) s = s.replace(/^0[xX]_?/u, "");
  if (!/^[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/u.test(s)) return null;
  const n = Number.parseInt(s.replaceAll("_", ""), 16);
  return Number.isSafeInteger(n) && n <= 0xffffffff ? n : null;
}

/** A run or group name: the proquint of the id's first 8 characters read as hex (docs/format.md, "Ids, names and ULID-uuids"). */
export function runName(id: string): string | null {
  const n = parseHexPrefix(id.slice(0, 8));
  return n === null ? null : uint32ToQuint(n);
}
