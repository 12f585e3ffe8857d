import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The one path by which a run writes to disk: its folders, run.json, series.jsonl, summary.json,
 * sweep.json, sweep-summary.json, params-*.json and report.html all go through the functions here.
 * Every failure of the file system (a full disk, a quota, a read-only or unwritable folder, an I/O
 * error, a name too long, …) becomes a `WriteFailed` whose message names the path and says what to do,
 * and leaves nothing half-written behind: a JSON file or report is written to a temporary file and
 * renamed, and the temporary file is removed when a write fails; an append that fails is cut back to
 * the last whole record, so everything flushed before stays readable.
 */
export class WriteFailed extends Error {
  constructor(
    /** The file or folder that could not be written. */
    readonly path: string,
    /** The system's error code (ENOSPC, EROFS, …). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WriteFailed';
  }

  /** A full disk or a used-up quota: freeing space (the reserve) may let the last writes through. */
  get outOfSpace(): boolean {
    return this.code === 'ENOSPC' || this.code === 'EDQUOT';
  }
}

/** The reason in a person's terms: what happened to which path, and what to do about it. */
export function describeWriteFailure(code: string, file: string, detail: string): string {
  switch (code) {
    case 'ENOSPC':
      return `no space left on the device holding ${file}: free space or choose --out on another disk`;
    case 'EDQUOT':
      return `the disk quota is used up on the device holding ${file}: free space or choose --out on another disk`;
    case 'EROFS':
      return `${file} is on a read-only file system: choose --out on a writable disk`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied writing ${file}: choose a --out folder you can write to`;
    case 'EIO':
      return `input/output error writing ${file} (the disk may be failing or gone): check the disk, or choose --out on another disk`;
    case 'ENAMETOOLONG':
      return `the path ${file} is too long for the file system (a name of at most 255 bytes, a path of at most 4096): choose a shorter --out folder or shorter names`;
    case 'ENOTDIR':
      return `cannot write ${file}: a part of its path is a file, not a folder: choose another --out folder`;
    case 'EEXIST':
      return `cannot write ${file}: something of that name is in the way: choose another --out folder`;
    case 'EISDIR':
      return `cannot write ${file}: it is a folder: choose another --out folder`;
    case 'ELOOP':
      return `cannot write ${file}: too many symbolic links on its path: choose another --out folder`;
    case 'EMFILE':
    case 'ENFILE':
      return `cannot write ${file}: too many files are open on this machine: close some programs and run again`;
    default:
      return `cannot write ${file} (${detail}): check the disk, or choose another --out folder`;
  }
}

/** A failure of the file system (an error with a code) as a `WriteFailed` on `file`; anything else (a bug) as it was. */
export function asWriteFailed(error: unknown, file: string): unknown {
  if (error instanceof WriteFailed) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  return new WriteFailed(file, code, describeWriteFailure(code, file, error.message));
}

/** Run one write to `file`, turning a failure of the file system into a `WriteFailed`. */
export function guarded<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw asWriteFailed(error, file);
  }
}

/**
 * Create a folder and its missing parents, one at a time (Node's recursive mkdir reports a read-only
 * file system as ENOENT); returns the first folder it created (undefined if it existed). On failure,
 * what it created is removed again.
 */
export function makeFolder(dir: string): string | undefined {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) missing.unshift(d);
  let first: string | undefined;
  const target = path.resolve(dir);
  try {
    for (const d of missing) {
      try {
        fs.mkdirSync(d);
        first ??= d;
      } catch (error) {
        // Another process made this parent in between (the tasks of a job array writing their shard
        // folders side by side): a folder is all that was needed, and it is not this run's to remove.
        if (d !== target && (error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
        throw error;
      }
    }
  } catch (error) {
    if (first) removeQuietly(first);
    throw asWriteFailed(error, dir);
  }
  return first;
}

/** Write a whole file in place (a new file that nothing reads before the run ends, or an empty one). */
export function writeNewFile(file: string, data: string | Uint8Array): void {
  guarded(file, () => fs.writeFileSync(file, data));
}

/**
 * Replace `file` atomically: write `file.<pid>.tmp` and rename it over `file`. Readers see the old
 * content or the new one, never a part; on failure the temporary file is removed and the old content stays.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (error) {
    removeQuietly(tmp);
    throw asWriteFailed(error, file);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * A file written by appending whole lines (series.jsonl). A line that cannot be written whole is cut
 * off again (a full disk can take part of it), so the file always ends with the last whole line.
 */
export class AppendOnlyFile {
  private bytes: number;

  /** Create the file empty. */
  constructor(readonly file: string) {
    writeNewFile(file, '');
    this.bytes = 0;
  }

  appendLine(line: string): void {
    const data = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
    try {
      fs.appendFileSync(this.file, data);
      this.bytes += data.length;
    } catch (error) {
      try {
        fs.truncateSync(this.file, this.bytes);
      } catch {
        // The file cannot even be cut back (gone, unwritable): its reader ignores a torn last line.
      }
      throw asWriteFailed(error, this.file);
    }
  }
}

/** Remove a file or a folder with everything in it, ignoring failure (cleaning up after a failure). */
export function removeQuietly(target: string): void {
  try {
    fs.rmSync(target, { recursive: true, force: true });
  } catch {
    // Nothing more can be done; the caller is already reporting the failure that matters.
  }
}

/** The name of the reserve file in an output folder (removed when the run ends). */
export const RESERVE_FILE = '.ntkexp-reserve';
/** Enough to rewrite the run.json and sweep.json files that record why a run whose disk filled up failed. */
const RESERVE_BYTES = 256 * 1024;

/**
 * Space held back on the output's disk while a run goes: when a write fails because the disk is full,
 * releasing it lets the run still record that it failed, and why, in run.json. Random bytes, so that a
 * compressing file system cannot shrink it to nothing.
 */
export class SpaceReserve {
  private held: boolean;

  private constructor(readonly file: string) {
    this.held = true;
  }

  static hold(dir: string): SpaceReserve {
    const file = path.join(dir, RESERVE_FILE);
    try {
      writeNewFile(file, randomBytes(RESERVE_BYTES));
    } catch (error) {
      removeQuietly(file);
      throw error;
    }
    return new SpaceReserve(file);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    removeQuietly(this.file);
  }
}
