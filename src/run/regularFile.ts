import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesText } from './units';

/**
 * Reading a file that a workspace (or a run folder) holds, which is untrusted input: opened without
 * blocking (a FIFO opens at once instead of waiting for a writer) and, unless the caller follows links,
 * without following a symbolic link as its last component; then checked on the opened descriptor — a
 * regular file, no larger than the stated limit — before a byte is read, and read no further than the
 * limit (a file that grows meanwhile is refused). Where the platform has no O_NOFOLLOW, an lstat refuses
 * links. The csv confinement (confine.ts) and the run store's reader (readStore.ts) both read through here.
 */

/** What is said about a refused file of one kind (a csv file, an .ntkexp file, a file of a run folder). */
export interface FileRole {
  /** What to do about a file of the wrong kind: "use the path of a regular csv file" (none: the caller says). */
  readonly fix?: string;
  /** Whose limit it is: "data files". */
  readonly limitFor: string;
  /** What to do about a file over the limit (none: the caller says). */
  readonly shrink?: string;
}

/** A file that is not read: `problem` follows the file's name in a sentence ("is a FIFO (named pipe), …"). */
export class FileRefused extends Error {
  constructor(
    /** How the file is named in the message ("csv file data/x.csv", or its path). */
    readonly file: string,
    readonly problem: { readonly code: 'path-escape' | 'data-file'; readonly message: string },
  ) {
    super(`${file} ${problem.message}`);
    this.name = 'FileRefused';
  }
}

export interface ReadCheckedOptions {
  /** Size limit in bytes. */
  readonly limit: number;
  readonly role: FileRole;
  /** How the file is named in a refusal (default: its path). */
  readonly label?: string;
  /** Follow a symbolic link as the last component (a file the user named), instead of refusing it. */
  readonly followLastLink?: boolean;
  /** What to say when the last component is a symbolic link (default: that it is not a regular file). */
  readonly linkProblem?: FileRefused['problem'];
  /** Called with the opened descriptor and its fstat once it is known to be a regular file within the limit: a further proof (the confinement's identity check) may refuse it. */
  readonly verify?: (fd: number, stats: fs.BigIntStats) => FileRefused['problem'] | undefined;
}

// Flags the platform may not have (Windows): without them a link is refused by lstat, a FIFO by fstat.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** The bytes of `file`, a regular file within `options.limit`; a FileRefused says why not. */
export function readChecked(file: string, options: ReadCheckedOptions): Buffer {
  const label = options.label ?? file;
  const fd = openForReading(file, label, options);
  try {
    const stats = fs.fstatSync(fd, { bigint: true });
    const problem = fileProblem(stats, options.limit, options.role) ?? options.verify?.(fd, stats);
    if (problem) throw new FileRefused(label, problem);
    return readBounded(fd, options.limit, label, options.role);
  } catch (e) {
    if (e instanceof FileRefused) throw e;
    throw new FileRefused(label, { code: 'data-file', message: errnoText(e) });
  } finally {
    fs.closeSync(fd);
  }
}

function openForReading(file: string, label: string, options: ReadCheckedOptions): number {
  const follow = options.followLastLink === true;
  const link = options.linkProblem ?? { code: 'data-file', message: `is a symbolic link, not a regular file${then(options.role.fix)}` };
  if (!follow && NOFOLLOW === 0 && lstatOrUndefined(file)?.isSymbolicLink()) throw new FileRefused(label, link);
  try {
    return fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK | (follow ? 0 : NOFOLLOW));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!follow && (code === 'ELOOP' || code === 'EMLINK')) throw new FileRefused(label, link);
    throw new FileRefused(label, openProblem(e, file, options.role));
  }
}

/** A file that is not regular, by name, or one over the limit; undefined for a regular file within it. */
export function fileProblem(stats: fs.Stats | fs.BigIntStats, limit: number, role: FileRole): FileRefused['problem'] | undefined {
  const kind = notRegular(stats);
  if (kind) return { code: 'data-file', message: `${kind}, not a regular file${then(role.fix)}` };
  if (BigInt(stats.size) > BigInt(limit)) return { code: 'data-file', message: `is ${bytesText(Number(stats.size))}, over the ${bytesText(limit)} limit for ${role.limitFor}${then(role.shrink)}` };
  return undefined;
}

/** "is a FIFO (named pipe)": what a file that is not regular is, in words; undefined for a regular file. */
export function notRegular(stats: fs.Stats | fs.BigIntStats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isFIFO()) return 'is a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'is a character device';
  if (stats.isBlockDevice()) return 'is a block device';
  if (stats.isSocket()) return 'is a socket';
  if (stats.isDirectory()) return 'is a folder';
  if (stats.isSymbolicLink()) return 'is a symbolic link';
  return 'is not a regular file';
}

/** Why an open failed; a socket (ENXIO) is named as such. */
function openProblem(error: unknown, file: string, role: FileRole): FileRefused['problem'] {
  if ((error as NodeJS.ErrnoException).code === 'ENXIO') {
    try {
      const kind = notRegular(fs.statSync(file));
      if (kind) return { code: 'data-file', message: `${kind}, not a regular file${then(role.fix)}` };
    } catch {
      // Gone meanwhile: the errno says enough.
    }
  }
  return { code: 'data-file', message: errnoText(error) };
}

/** Read to the end from `fd`, refusing a file that grows past the limit while it is read. */
function readBounded(fd: number, limit: number, label: string, role: FileRole): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(1 << 16);
  let total = 0;
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    total += n;
    if (total > limit) throw new FileRefused(label, { code: 'data-file', message: `grew over the ${bytesText(limit)} limit for ${role.limitFor} while it was read${then(role.shrink)}` });
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/** ": what to do", when there is something to do. */
function then(advice: string | undefined): string {
  return advice ? `: ${advice}` : '';
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Whether something (anything, even a dangling link) is at `file`, without following a last link. */
export function existsNoFollow(file: string): boolean {
  return lstatOrUndefined(file) !== undefined;
}

/** Whether `p` is `root` or inside it, lexically (both absolute and normalized). */
export function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Whether `child` is strictly below `parent`, lexically. */
export function isBelow(parent: string, child: string): boolean {
  return within(parent, child) && path.relative(parent, child) !== '';
}

/** A Node file system error as the rest of a sentence about the file ("does not exist"), for reads and writes alike. */
export function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'cannot be reached: a part of its path is not a folder';
    case 'EISDIR':
      return 'is a folder, not a regular file';
    case 'EACCES':
    case 'EPERM':
      return 'is not accessible: permission denied';
    case 'ELOOP':
      return 'cannot be followed: too many symbolic links';
    case 'ENAMETOOLONG':
      return 'has a name too long for the file system';
    default:
      return `cannot be used: ${e instanceof Error ? e.message : String(error)}`;
  }
}
