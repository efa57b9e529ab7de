import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, readlinkSync, realpathSync, type Dirent, type Stats } from "node:fs";
import { sep } from "node:path";

/**
 * The largest file the indexer reads: meta members (in a dir or a zip), attr-log entries, group
 * `id` files, archive revisions. Gage writes these at a few kB; a bigger one is an index error
 * and is never read, so one stray file cannot cost seconds and a GB of memory (docs/reliability.md).
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type FileType = "file" | "dir" | "link" | "fifo" | "socket" | "device" | "unknown";

/** What reading one file gave: absent, its bytes, or an error that is not "absent". */
export type FileRead =
  | { readonly state: "absent" }
  | { readonly state: "ok"; readonly data: Buffer }
  | {
      readonly state: "error";
      readonly message: string;
      /** an I/O or permission failure that may pass without the file changing (not a wrong type, size or link) */
      readonly transient: boolean;
    };

export const ABSENT: FileRead = { state: "absent" };

/** A problem with what a path is (its type, size or where a link leads), as opposed to an I/O error. */
export class FileProblem extends Error {}

export function typeOf(x: Dirent | Stats): FileType {
  if (x.isFile()) return "file";
  if (x.isDirectory()) return "dir";
  if (x.isSymbolicLink()) return "link";
  if (x.isFIFO()) return "fifo";
  if (x.isSocket()) return "socket";
  if (x.isBlockDevice() || x.isCharacterDevice()) return "device";
  return "unknown";
}

const TYPE_NAMES: Record<FileType, string> = {
  file: "a file",
  dir: "a directory",
  link: "a symlink",
  fifo: "a FIFO",
  socket: "a socket",
  device: "a device file",
  unknown: "not a regular file",
};

/** Why a path of this type cannot be what is expected there, or null when it may be. */
export function typeMismatch(type: FileType | undefined, expect: "file" | "dir"): string | null {
  if (type === undefined || type === "unknown" || type === "link" || type === expect) return null;
  return `is ${TYPE_NAMES[type]}, not ${TYPE_NAMES[expect]}; not opened`;
}

export function tooLargeMessage(size: number): string {
  return `too large to read (${size} bytes; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MiB)`;
}

export interface Listed {
  readonly name: string;
  readonly type: FileType;
  /** not valid UTF-8: Node decodes it lossily, so it cannot be opened by this name */
  readonly badName?: true;
}

/**
 * Lists a dir with each entry's type as readdir reports it (d_type), so nothing is stat'ed or
 * opened to learn that an entry is a FIFO, a device or a symlink. `keep` filters names before
 * any object is made for them.
 */
export function listDir(dir: string, keep?: (name: string) => boolean): Listed[] {
  const dirents = readDirents(dir);
  let undecodable: ReadonlySet<string> | null = null;
  const out: Listed[] = [];
  for (const d of dirents) {
    const name = d.name;
    if (keep !== undefined && !keep(name)) continue;
    if (name.includes("\uFFFD")) {
      undecodable ??= undecodableNames(dir);
      if (undecodable.has(name)) {
        out.push({ name, type: typeOf(d), badName: true });
        continue;
      }
    }
    out.push({ name, type: typeOf(d) });
  }
  return out;
}

function readDirents(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // Where the filesystem gives no d_type Node lstat's each entry, and one removed meanwhile
    // fails the whole listing: list again once (a dir that is itself gone fails again).
    if (codeOf(err) !== "ENOENT") throw err;
    return readdirSync(dir, { withFileTypes: true });
  }
}

/**
 * The names in `dir` that are not valid UTF-8, as Node decodes them (with U+FFFD). Only called
 * when a name holds U+FFFD, which a valid name rarely does.
 */
export function undecodableNames(dir: string): Set<string> {
  const bad = new Set<string>();
  try {
    for (const raw of readdirSync(dir, { encoding: "buffer" })) {
      const s = raw.toString("utf8");
      if (!Buffer.from(s, "utf8").equals(raw)) bad.add(s);
    }
  } catch {
    // gone or unreadable now: the caller's own listing stands
  }
  return bad;
}

export const BAD_NAME_MESSAGE = "name is not valid UTF-8; not read";

export type Resolved = { readonly real: string } | { readonly problem: string };

/**
 * Where a symlink found in the runs dir leads. It may be followed only when its real path stays
 * inside the runs dir's real path (docs/decisions.md, "Symlinks"): anything else is a problem
 * naming the link, and nothing behind it is read.
 */
export function resolveLink(runsDir: string, path: string): Resolved {
  let real: string;
  try {
    real = realpathSync.native(path);
  } catch (err) {
    const code = codeOf(err);
    if (code === "ELOOP") return { problem: "symlink loop; not followed" };
    if (code === "ENOENT" || code === "ENOTDIR") return { problem: `dangling symlink (to ${JSON.stringify(linkTarget(path))})` };
    return { problem: `cannot resolve symlink: ${errorMessage(err)}` };
  }
  let root: string;
  try {
    root = realpathSync.native(runsDir);
  } catch (err) {
    return { problem: `cannot resolve the runs dir: ${errorMessage(err)}` };
  }
  if (real === root || real.startsWith(root.endsWith(sep) ? root : root + sep)) return { real };
  return { problem: `symlink to ${JSON.stringify(linkTarget(path))} leads out of the runs dir; not followed` };
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "?";
  }
}

/**
 * Why a runs-dir entry (or a dir inside one) cannot be read as `expect`: a name that cannot be
 * opened, a wrong type, a symlink that leaves the runs dir. Null when it can be read.
 */
export function entryProblem(runsDir: string, path: string, type: FileType | undefined, expect: "file" | "dir", badName?: boolean): string | null {
  if (badName) return BAD_NAME_MESSAGE;
  if (type === "link") {
    const r = resolveLink(runsDir, path);
    return "problem" in r ? r.problem : null;
  }
  return typeMismatch(type, expect);
}

// O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a tty must not become ours;
// O_NOFOLLOW: a symlink is resolved and checked first, never opened blindly.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW;

/**
 * Reads a regular file found in the runs dir, by the type its listing gave: symlinks are checked
 * first, FIFOs, sockets, devices and dirs are never opened, and whatever still turns out not to
 * be a regular file once open (it changed since the listing) is never read. Files over
 * MAX_FILE_BYTES are not read. A file gone meanwhile is absent.
 */
export function readFileAt(runsDir: string, path: string, type: FileType = "unknown"): FileRead {
  if (type === "link") {
    const r = resolveLink(runsDir, path);
    if ("problem" in r) return failed(r.problem, false);
    return openAndRead(runsDir, r.real, false);
  }
  const mismatch = typeMismatch(type, "file");
  if (mismatch !== null) return failed(mismatch, false);
  return openAndRead(runsDir, path, true);
}

function openAndRead(runsDir: string, path: string, mayBeLink: boolean): FileRead {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    const code = codeOf(err);
    if (code === "ENOENT" || code === "ENOTDIR") return ABSENT;
    // O_NOFOLLOW met a symlink: it became one since it was listed (or was never listed)
    if (code === "ELOOP" && mayBeLink) return readFileAt(runsDir, path, "link");
    if (code === "ENXIO") return failed("is a socket or a device without a driver, not a file; not read", false);
    return failed(errorMessage(err), true);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return failed(`is ${TYPE_NAMES[typeOf(st)]}, not a file; not read`, false);
    if (st.size > MAX_FILE_BYTES) return failed(tooLargeMessage(st.size), false);
    return { state: "ok", data: readFd(fd, st.size) };
  } catch (err) {
    return failed(errorMessage(err), true);
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `size` bytes: a file that grows meanwhile is read as it was when opened. */
export function readFd(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return off === size ? buf : buf.subarray(0, off);
}

/** Opens a file for reading without following a final symlink, blocking on a FIFO or taking a tty. */
export function openFileNoFollow(path: string): number {
  return openSync(path, OPEN_FLAGS);
}

function failed(message: string, transient: boolean): FileRead {
  return { state: "error", message, transient };
}

export function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0] ?? String(err);
  return String(err);
}

/** Quotes the start of a text from a file for a message, so a huge or binary file stays one short line. */
export function quoteStart(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
