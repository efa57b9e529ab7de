import { closeSync, fstatSync } from "node:fs";
import { ABSENT, errorMessage, type MemberRead, type MetaMember, type MetaRead } from "./meta-files.js";
import { FileProblem, MAX_FILE_BYTES, openFileNoFollow, readFd, tooLargeMessage } from "./safe-fs.js";

/**
 * Zips up to this size are read whole and unpacked in memory with fflate (synchronous, ~10×
 * faster than a stream per member); larger ones — a run whose output is huge — are read by
 * offset with yauzl, so memory stays bounded.
 */
const WHOLE_FILE_LIMIT = 4 * 1024 * 1024;

let unzipSync: typeof import("fflate").unzipSync | null = null;

/**
 * Reads the wanted members of a `<id>.meta.zip`. Throws when the zip itself cannot be read
 * (truncated, not a zip; a FileProblem when it is not a regular file): the caller records that.
 * A member that is not in the zip is absent (Gage raises KeyError there; docs/decisions.md).
 * Members are only ever read into memory by exact name, never extracted, so a member path with
 * `..` cannot reach anything; it is still reported, as Gage never writes one.
 */
export async function readMetaZip(path: string, members: readonly MetaMember[]): Promise<MetaRead> {
  // The entry was checked to be a file, or a symlink staying in the runs dir (then `path` is
  // its real path): O_NOFOLLOW and the fstat below catch whatever changed since.
  const fd = openFileNoFollow(path);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileProblem("not a regular file; not read");
    if (st.size > WHOLE_FILE_LIMIT) {
      const { readLargeZip } = await import("./meta-zip-large.js");
      return await readLargeZip(fd, st.size, members);
    }
    const buf = readFd(fd, st.size);
    // Loaded on the first zip, not at start-up: the CLI is one bundle and a query reads no zip.
    unzipSync ??= (await import("fflate")).unzipSync;
    const bad = centralDirectoryProblem(buf);
    if (bad !== null) throw new Error(`not a readable zip (${bad})`);
    const wanted = new Set<string>(members);
    const tooLarge = new Map<string, number>();
    const outside: string[] = [];
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(buf, {
        filter: (f) => {
          if (leavesZip(f.name)) outside.push(f.name);
          if (!wanted.has(f.name)) return false;
          // fflate allocates the declared size up front: a lying or huge size is refused here.
          if (f.originalSize > MAX_FILE_BYTES) {
            tooLarge.set(f.name, f.originalSize);
            return false;
          }
          return true;
        },
      });
    } catch (err) {
      throw new Error(`not a readable zip (${errorMessage(err)})`);
    }
    const out = new Map<MetaMember, MemberRead>();
    for (const m of members) {
      const data = files[m];
      const size = tooLarge.get(m);
      if (size !== undefined) out.set(m, { state: "error", message: tooLargeMessage(size), transient: false });
      else out.set(m, data === undefined ? ABSENT : { state: "ok", data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
    }
    return { files: out, problems: outsideProblems(outside) };
  } finally {
    closeSync(fd);
  }
}

/**
 * fflate trusts the central directory's offsets and reads whatever lies there, so a corrupt one
 * gives garbage member names rather than an error. Python's zipfile checks each record's
 * signature and raises BadZipFile; so does this.
 */
function centralDirectoryProblem(buf: Buffer): string | null {
  let eocd = -1;
  for (let i = buf.length - 22; i >= 0 && i >= buf.length - 22 - 65535; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return "no end of central directory";
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) return null; // zip64: fflate checks it
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || buf.readUInt32LE(at) !== 0x02014b50) return `bad central directory record ${i + 1} of ${count}`;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return at > eocd ? "central directory overruns its end" : null;
}

/** A member name that, extracted, would land outside the zip's dir: absolute, a drive, or `..`. */
export function leavesZip(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c === 0x2f || c === 0x5c || name.charCodeAt(1) === 0x3a) return true; // "/x", "\\x", "C:x"
  // every member is checked: the split only for the rare name with ".." in it
  return name.includes("..") && name.split(/[\\/]/u).includes("..");
}

export function outsideProblems(names: readonly string[]): MetaRead["problems"] {
  if (names.length === 0) return [];
  const shown = names.slice(0, 3).map((n) => JSON.stringify(n.slice(0, 100))).join(", ");
  return [{ rel: "", message: `${names.length} member path(s) leave the zip (${shown}); ignored` }];
}
