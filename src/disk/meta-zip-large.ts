import type { Entry, ZipFile } from "yauzl";
import { ABSENT, errorMessage, type MemberRead, type MetaMember, type MetaRead } from "./meta-files.js";
import { leavesZip, outsideProblems } from "./meta-zip.js";
import { MAX_FILE_BYTES, tooLargeMessage } from "./safe-fs.js";

/**
 * Reads wanted members of a large zip by offset through yauzl: only the central directory and
 * those members are read, never the (possibly huge) output files beside them.
 */
export async function readLargeZip(fd: number, members: readonly MetaMember[]): Promise<MetaRead> {
  // Loaded here, not at start-up: the CLI is one bundle, and only large zips need yauzl.
  const { default: yauzl } = await import("yauzl");
  // decodeStrings off: yauzl would fail the whole zip on a member path with `..`; names are
  // decoded and checked here instead, as for small zips.
  const zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false });
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
