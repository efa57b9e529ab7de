import { openSync, closeSync, fstatSync, readSync } from "node:fs";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { ABSENT, errorMessage, type MemberRead, type MetaFiles, type MetaMember } from "./meta-files.js";

/** Zips up to this size are read in one go; larger ones (big outputs) are read by offset. */
const WHOLE_FILE_LIMIT = 4 * 1024 * 1024;

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: true,
  validateEntrySizes: true,
  strictFileNames: false,
};

/**
 * Reads the wanted members of a `<id>.meta.zip`. Throws when the zip itself cannot be opened
 * (truncated, not a zip): the caller records that. A member that is not in the zip is absent
 * (Gage raises KeyError there; gage-format §13.2 says treat it as absent).
 */
export async function readMetaZip(path: string, members: readonly MetaMember[]): Promise<MetaFiles> {
  const { zip, fd } = await openZip(path);
  try {
    const entries = await listEntries(zip);
    const out = new Map<MetaMember, MemberRead>();
    for (const m of members) {
      const entry = entries.get(m);
      out.set(m, entry ? await readEntry(zip, entry) : ABSENT);
    }
    return out;
  } finally {
    zip.close();
    if (fd !== null) closeSync(fd);
  }
}

async function openZip(path: string): Promise<{ zip: ZipFile; fd: number | null }> {
  const fd = openSync(path, "r");
  let keepFd = false;
  try {
    const size = fstatSync(fd).size;
    if (size <= WHOLE_FILE_LIMIT) {
      const buf = Buffer.allocUnsafe(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      return { zip: await yauzl.fromBufferPromise(buf.subarray(0, off), OPTIONS), fd: null };
    }
    const zip = await yauzl.fromFdPromise(fd, OPTIONS);
    keepFd = true;
    return { zip, fd };
  } finally {
    if (!keepFd) closeSync(fd);
  }
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on("entry", (e: Entry) => {
      entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", reject);
    zip.readEntry();
  });
}

async function readEntry(zip: ZipFile, entry: Entry): Promise<MemberRead> {
  try {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { state: "ok", data: Buffer.concat(chunks) };
  } catch (err) {
    return { state: "error", message: errorMessage(err) };
  }
}
