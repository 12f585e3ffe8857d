import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CheckOptions, type DataFileProblem, folderOf, leavesFolder, lexicalEscape, pathParts } from '../format/index';
import { type FileRole, FileRefused, errnoText, fileProblem, readChecked, within } from './regularFile';

/**
 * The one confinement of workspace files. A csv path written in an .ntkexp file is untrusted input: it
 * must name a regular file inside the folder of the .ntkexp file, reached without a symbolic link that
 * leads out, no larger than a stated limit. Every reader of a data file goes through here:
 *
 * - `confine`: folder + relative path → the verified real path, or why not (absolute, `..`, a symbolic
 *   link anywhere on the path that leads out, a missing file);
 * - `probeDataFile`: what a check reports (the confinement, the file's kind and size) without opening
 *   the file, so that a FIFO never blocks a check; `checkOptionsForFile` hands it to the format;
 * - `readConfined`: the only read of a data file. It makes the probe's checks itself (a caller that
 *   forgot the probe still cannot read outside), then opens without following a last-component link
 *   and without blocking, and checks the opened descriptor (a regular file, within the limit, still
 *   the confined file) before reading from it: a swap between the check and the open is refused.
 *
 * `readRegularFile` is the same careful read for a file the user names on the command line (the
 * .ntkexp of `ntkexp check FILE`): anywhere, but a regular file of bounded size.
 */

/** Largest csv file a run reads: 64 MiB (10,000 rows of 700 numbers written with 8 digits). */
export const DATA_FILE_LIMIT = 64 * 2 ** 20;
/** Largest .ntkexp file the command line reads: 16 MiB (a file that large holds data better kept in a csv). */
export const SOURCE_FILE_LIMIT = 16 * 2 ** 20;

/** What `ntkexp check --help` and `ntkexp run --help` say about the files they read. */
export const dataFilesDoc = [
  'A csv path must name a regular file inside the folder of FILE (absolute paths, `..` above the folder and',
  'symbolic links that lead out are refused; a FIFO, a device, a socket or a folder is not data) of at most',
  `${DATA_FILE_LIMIT / 2 ** 20} MiB; FILE itself must be a regular file of at most ${SOURCE_FILE_LIMIT / 2 ** 20} MiB.`,
].join('\n');

export interface ReadOptions {
  /** Size limit in bytes (default DATA_FILE_LIMIT, or SOURCE_FILE_LIMIT for readRegularFile). */
  readonly limit?: number;
  /** Test seam: called with the verified path between the verification and the open. */
  readonly afterVerify?: (verified: string) => void;
  /**
   * How the opened descriptor is proven to be the confined file (default: by capability): `fd-path`,
   * the path the kernel gives for it (/proc/self/fd/N) must be inside the folder; `inode`, its device
   * and inode must be those of the verified file.
   */
  readonly identity?: 'fd-path' | 'inode';
}

export type Confined =
  | { readonly ok: true; readonly path: string; readonly folder: string; readonly stats: fs.BigIntStats }
  | { readonly ok: false; readonly problem: DataFileProblem };

const CSV: FileRole = { fix: 'use the path of a regular csv file', limitFor: 'data files', shrink: 'use fewer rows or columns, or fewer digits' };
const SOURCE: FileRole = { fix: 'use a regular .ntkexp file (or - for standard input)', limitFor: '.ntkexp files', shrink: 'move large data to a csv file' };

/**
 * The real path of `relative` inside `folder`, every component checked: lexically (lexicalEscape),
 * then one component at a time, following each symbolic link and requiring that where it leads is
 * inside the folder (a link inside that stays inside is fine).
 */
export function confine(folder: string, relative: string): Confined {
  const lexical = lexicalEscape(relative);
  if (lexical) return refused('path-escape', leavesFolder(lexical));
  let root: string;
  try {
    root = fs.realpathSync.native(folder);
  } catch (e) {
    return refused('data-file', `cannot be looked up: the folder ${folder} ${errnoText(e)}`);
  }
  const parts = pathParts(relative);
  let at = root;
  for (const [i, part] of parts.entries()) {
    const shown = parts.slice(0, i + 1).join('/');
    if (part === '..') {
      // `at` has no link left in it, so its parent is where the kernel's `..` goes.
      at = path.dirname(at);
      if (!within(root, at)) return refused('path-escape', leavesFolder(`\`${shown}\` climbs above the folder after a symbolic link`));
      continue;
    }
    const next = path.join(at, part);
    let stats: fs.BigIntStats;
    try {
      stats = fs.lstatSync(next, { bigint: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return refused('data-file', `does not exist: no \`${shown}\` in ${root}; put the file there or correct the path`);
      return refused('data-file', `${errnoText(e)} (at \`${shown}\`)`);
    }
    if (!stats.isSymbolicLink()) {
      at = next;
      continue;
    }
    const followed = followLink(next, shown, root);
    if (!followed.ok) return followed;
    at = followed.path;
  }
  try {
    return { ok: true, path: at, folder: root, stats: fs.lstatSync(at, { bigint: true }) };
  } catch (e) {
    return refused('data-file', `${errnoText(e)}: ${at}`);
  }
}

/** Where the symbolic link `next` leads, if that is inside `root`. */
function followLink(next: string, shown: string, root: string): { ok: true; path: string } | { ok: false; problem: DataFileProblem } {
  try {
    const target = fs.realpathSync.native(next);
    if (!within(root, target)) return refused('path-escape', leavesFolder(`the symbolic link \`${shown}\` leads to ${target}`));
    return { ok: true, path: target };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return refused('data-file', `cannot be followed: the symbolic link \`${shown}\` is part of a loop of links; ${CSV.fix}`);
    // A dangling link: say where it points, and whether that is outside.
    let to: string | undefined;
    try {
      to = path.resolve(path.dirname(next), fs.readlinkSync(next));
    } catch {
      to = undefined;
    }
    if (to !== undefined && !within(root, to)) return refused('path-escape', leavesFolder(`the symbolic link \`${shown}\` leads to ${to}`));
    return refused('data-file', `does not exist: the symbolic link \`${shown}\` leads to ${to ?? 'a file'} that does not exist; put the file there or correct the path`);
  }
}

/** What `ntkexp check` and the editor report about a csv file, without opening it. */
export function probeDataFile(folder: string, relative: string, options: Pick<ReadOptions, 'limit'> = {}): DataFileProblem | undefined {
  const confined = confine(folder, relative);
  if (!confined.ok) return confined.problem;
  return fileProblem(confined.stats, options.limit ?? DATA_FILE_LIMIT, CSV);
}

/** Options of `check` for an .ntkexp file on disk: its path, and the probe of the csv files it names. */
export function checkOptionsForFile(file: string, options: Pick<ReadOptions, 'limit'> = {}): CheckOptions {
  return { path: file, dataFile: (source, relative) => probeDataFile(folderOf(source), relative, options) };
}

/** The text of the csv file `relative` inside `folder`; throws FileRefused for whatever the probe flags, and for a file that changed between the check and the open. */
export function readConfined(folder: string, relative: string, options: ReadOptions = {}): string {
  const label = `csv file ${relative}`;
  const limit = options.limit ?? DATA_FILE_LIMIT;
  const confined = confine(folder, relative);
  if (!confined.ok) throw new FileRefused(label, confined.problem);
  const before = fileProblem(confined.stats, limit, CSV);
  if (before) throw new FileRefused(label, before);
  options.afterVerify?.(confined.path);
  // The verified path has no link left: a link there now is a swap (refused, as a FIFO or a folder
  // swapped in is by fstat), and the opened descriptor must still be the confined file.
  const identity = options.identity ?? defaultIdentity();
  return readChecked(confined.path, {
    limit,
    role: CSV,
    label,
    linkProblem: { code: 'path-escape', message: `was replaced by a symbolic link after it was checked: ${CSV.fix}, and make sure nothing rewrites it during the run` },
    verify: (fd, stats) => identityProblem(fd, stats, confined, identity),
  }).toString('utf8');
}

/** The text of a file the user named (anywhere): a regular file within the limit, opened without blocking. */
export function readRegularFile(file: string, options: Pick<ReadOptions, 'limit'> = {}): string {
  return readChecked(file, { limit: options.limit ?? SOURCE_FILE_LIMIT, role: SOURCE, followLastLink: true }).toString('utf8');
}

let procFd: boolean | undefined;
/** `fd-path` where the kernel names open descriptors (Linux's /proc/self/fd), `inode` elsewhere. */
function defaultIdentity(): 'fd-path' | 'inode' {
  procFd ??= fs.existsSync('/proc/self/fd');
  return procFd ? 'fd-path' : 'inode';
}

function identityProblem(fd: number, stats: fs.BigIntStats, confined: Extract<Confined, { ok: true }>, identity: 'fd-path' | 'inode'): DataFileProblem | undefined {
  const changed = `changed between the check and the read; ${CSV.fix}, and make sure nothing rewrites it during the run`;
  const opened = identity === 'fd-path' ? openedPath(fd) : undefined;
  if (opened !== undefined) {
    return within(confined.folder, opened) ? undefined : { code: 'path-escape', message: `${changed} (what was opened is ${opened}, outside the folder of the .ntkexp file)` };
  }
  return stats.dev === confined.stats.dev && stats.ino === confined.stats.ino ? undefined : { code: 'path-escape', message: changed };
}

/** The path the kernel gives for an open descriptor, or undefined where it gives none (then the inode decides). */
function openedPath(fd: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

function refused(code: DataFileProblem['code'], message: string): { ok: false; problem: DataFileProblem } {
  return { ok: false, problem: { code, message } };
}
