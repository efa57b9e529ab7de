import type { Entry, ZipFile } from "yauzl";
import { ABSENT, errorMessage, type MemberRead, type MetaFiles, type MetaMember } from "./meta-files.js";

/**
 * Reads wanted members of a large zip by offset through yauzl: only the central directory and
 * those members are read, never the (possibly huge) output files beside them.
 */
export async function readLargeZip(fd: number, members: readonly MetaMember[]): Promise<MetaFiles> {
  // Loaded here, not at start-up: the CLI is one bundle, and only large zips need yauzl.
  const { default: yauzl } = await import("yauzl");
  const zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
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
