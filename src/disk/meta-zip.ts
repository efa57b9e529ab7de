import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ABSENT, errorMessage, type MemberRead, type MetaFiles, type MetaMember } from "./meta-files.js";

/**
 * Zips up to this size are read whole and unpacked in memory with fflate (synchronous, ~10×
 * faster than a stream per member); larger ones — a run whose output is huge — are read by
 * offset with yauzl, so memory stays bounded.
 */
const WHOLE_FILE_LIMIT = 4 * 1024 * 1024;

let unzipSync: typeof import("fflate").unzipSync | null = null;

/**
 * Reads the wanted members of a `<id>.meta.zip`. Throws when the zip itself cannot be read
 * (truncated, not a zip): the caller records that. A member that is not in the zip is absent
 * (Gage raises KeyError there; gage-format §13.2 says treat it as absent).
 */
export async function readMetaZip(path: string, members: readonly MetaMember[]): Promise<MetaFiles> {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > WHOLE_FILE_LIMIT) {
      const { readLargeZip } = await import("./meta-zip-large.js");
      return await readLargeZip(fd, members);
    }
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    // Loaded on the first zip, not at start-up: the CLI is one bundle and a query reads no zip.
    unzipSync ??= (await import("fflate")).unzipSync;
    const wanted = new Set<string>(members);
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(buf.subarray(0, off), { filter: (f) => wanted.has(f.name) });
    } catch (err) {
      throw new Error(`not a readable zip (${errorMessage(err)})`);
    }
    const out = new Map<MetaMember, MemberRead>();
    for (const m of members) {
      const data = files[m];
      out.set(m, data === undefined ? ABSENT : { state: "ok", data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
