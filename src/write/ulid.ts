/**
 * Time-ordered ids as Gage makes them (docs/format.md, "Ids, names and ULID-uuids"): a ULID of a millisecond timestamp,
 * rendered as a version-4 UUID (python-ulid's `ULID.from_timestamp(ms).to_uuid4()`). The first
 * 12 hex digits are the ms, so names sort in time order; the other 74 bits are random, so two
 * processes writing in the same millisecond do not collide.
 */
import { randomBytes } from "node:crypto";

/** A ULID-uuid of `ms` with these 10 random bytes (the version and variant bits are then set). */
export function ulidUuid(ms: number, random: Uint8Array = randomBytes(10)): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`bad ms ${ms}`);
  const b = Buffer.alloc(16);
  b.writeUIntBE(ms, 0, 6);
  Buffer.from(random.subarray(0, 10)).copy(b, 6);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

let lastMs = 0;

/**
 * Gage's `attr_log.now_ms`: the clock in ms, but always past the last value this process handed
 * out, so ids made one after another sort in the order they were made.
 */
export function nowMs(): number {
  const ms = Math.max(Date.now(), lastMs + 1);
  lastMs = ms;
  return ms;
}

/** The ms in the first 48 bits of a ULID-uuid (or of a comment id, its first 13 characters). */
export function ulidMs(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
