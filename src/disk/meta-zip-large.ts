import { read } from "node:fs";
import { Readable } from "node:stream";
import type { Entry, ZipFile } from "yauzl";
import { ABSENT, errorMessage, type MemberRead, type MetaMember, type MetaRead } from "./meta-files.js";
import { leavesZip, outsideProblems } from "./meta-zip.js";
import { MAX_FILE_BYTES, tooLargeMessage } from "./safe-fs.js";

const CHUNK = 64 * 1024;

/**
 * Reads wanted members of a large zip by offset through yauzl: only the central directory and
 * those members are read, never the (possibly huge) output files beside them.
 */
export async function readLargeZip(fd: number, size: number, members: readonly MetaMember[]): Promise<MetaRead> {
  // Loaded here, not at start-up: the CLI is one bundle, and only large zips need yauzl.
  const { default: yauzl } = await import("yauzl");
  // yauzl's own fd reader closes the fd when the zip closes (whatever autoClose says), and the
  // caller closes it too: a double close can close a descriptor opened meanwhile. This reader
  // leaves the fd to its owner.
  class FdReader extends yauzl.RandomAccessReader {
    override _readStreamForRange(start: number, end: number): Readable {
      // Not fs.ReadStream: destroying one closes its fd even with autoClose off.
      let pos = start;
      return new Readable({
        read() {
          const n = Math.min(CHUNK, end - pos);
          if (n <= 0) {
            this.push(null);
            return;
          }
          const buf = Buffer.allocUnsafe(n);
          read(fd, buf, 0, n, pos, (err, got) => {
            if (err) this.destroy(err);
            else if (got === 0) this.destroy(new Error("unexpected end of zip"));
            else {
              pos += got;
              this.push(buf.subarray(0, got));
            }
          });
        },
      });
    }
    override close(callback: (err: Error | null) => void): void {
      setImmediate(() => callback(null));
    }
  }
  // decodeStrings off: yauzl would fail the whole zip on a member path with `..`; names are
  // decoded and checked here instead, as for small zips.
  const zip = await yauzl.fromRandomAccessReaderPromise(new FdReader(), size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false });
  try {
    const { entries, outside } = await listEntries(zip);
    const out = new Map<MetaMember, MemberRead>();
    for (const m of members) {
      const entry = entries.get(m);
      out.set(m, entry ? await readEntry(zip, entry) : ABSENT);
    }
    return { files: out, problems: outsideProblems(outside) };
  } finally {
    zip.close();
  }
}

function listEntries(zip: ZipFile): Promise<{ entries: Map<string, Entry>; outside: string[] }> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    const outside: string[] = [];
    zip.on("entry", (e: Entry) => {
      // With decodeStrings off yauzl hands the raw bytes; its types say string.
      const raw = e.fileName as unknown as Buffer;
      const name = raw.toString("utf8");
      if (leavesZip(name)) outside.push(name);
      entries.set(name, e);
      zip.readEntry();
    });
    zip.once("end", () => resolve({ entries, outside }));
    zip.once("error", reject);
    zip.readEntry();
  });
}

async function readEntry(zip: ZipFile, entry: Entry): Promise<MemberRead> {
  if (entry.uncompressedSize > MAX_FILE_BYTES) return { state: "error", message: tooLargeMessage(entry.uncompressedSize), transient: false };
  try {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    // validateEntrySizes stops a member that inflates past its declared (checked) size.
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { state: "ok", data: Buffer.concat(chunks) };
  } catch (err) {
    return { state: "error", message: errorMessage(err), transient: true };
  }
}
