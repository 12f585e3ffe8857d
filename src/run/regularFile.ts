import * as fs from 'node:fs';

/**
 * Reading a file that must be a plain file of its folder (a file of the run store): opened without
 * following a symbolic link as its last component and without blocking (a FIFO opens at once instead of
 * waiting for a writer), then checked on the opened descriptor — a regular file, no larger than the
 * stated limit — before a byte is read. Where the platform has no O_NOFOLLOW, an lstat refuses links.
 */
export class FileRefused extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} ${reason}`);
    this.name = 'FileRefused';
  }
}

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** "is a FIFO (named pipe)": what a non-regular file is, in words. */
export function kindOf(stat: fs.Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;
}

function openRegular(file: string): number {
  if (NOFOLLOW === 0) {
    const st = lstatOrUndefined(file);
    if (st?.isSymbolicLink()) throw new FileRefused(file, 'is a symbolic link, not a regular file');
  }
  try {
    return fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new FileRefused(file, 'is a symbolic link, not a regular file');
    if (code === 'ENOENT') throw new FileRefused(file, 'does not exist');
    if (code === 'EACCES' || code === 'EPERM') throw new FileRefused(file, 'cannot be read: permission denied');
    throw new FileRefused(file, `cannot be opened (${code ?? (e as Error).message})`);
  }
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The bytes of `file`, which must be a regular file (not a link, FIFO, device, socket or folder) of at most `maxBytes`. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const fd = openRegular(file);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new FileRefused(file, `is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw new FileRefused(file, `is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} limit for it; it is not read`);
    // Read what fstat counted (a file that grows meanwhile is read to that size, never past the limit).
    const buffer = Buffer.alloc(stat.size);
    let at = 0;
    while (at < buffer.length) {
      const n = fs.readSync(fd, buffer, at, buffer.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === buffer.length ? buffer : buffer.subarray(0, at);
  } catch (e) {
    if (e instanceof FileRefused) throw e;
    throw new FileRefused(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether something (anything, even a dangling link) is at `file`, without following a last link. */
export function existsNoFollow(file: string): boolean {
  return lstatOrUndefined(file) !== undefined;
}
