/**
 * CSV paths must stay inside the folder of the .ntkexp file (NTKEXP.md). The check here is lexical,
 * with no file system: absolute paths and `..` that climb above the folder are refused. What only the
 * file system can tell (symbolic links that lead out, a FIFO or a folder named as the file) is the
 * `dataFile` hook of CheckOptions, which src/run/confine.ts provides.
 */
import type { DiagnosticCode } from '../diagnostics';

/** What is wrong with the csv file `relative` beside `sourcePath` on disk, or undefined when it can be read. */
export type DataFileCheck = (sourcePath: string, relative: string) => DataFileProblem | undefined;

export interface DataFileProblem {
  readonly code: Extract<DiagnosticCode, 'path-escape' | 'data-file'>;
  /** Follows "csv path X": what is wrong and what to do ("is a FIFO (named pipe), not a regular file: …"). */
  readonly message: string;
}

/** Why `path` leaves its folder, or undefined if it stays inside. */
export function lexicalEscape(path: string): string | undefined {
  if (path.trim() === '') return 'the path is empty';
  if (/^[\\/]/.test(path) || /^[A-Za-z]:/.test(path)) return 'it is absolute';
  if (path.startsWith('~')) return 'it starts at the home folder';
  let depth = 0;
  for (const part of pathParts(path)) {
    if (part === '..') {
      depth--;
      if (depth < 0) return '`..` climbs above the folder of the .ntkexp file';
    } else depth++;
  }
  if (depth === 0) return 'it names the folder itself, not a file';
  return undefined;
}

/** The components of a path, split at either separator, without empty and `.` parts. */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

/** The folder of a file path (either separator), without a trailing separator. */
export function folderOf(filePath: string): string {
  const i = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  return i < 0 ? '.' : i === 0 ? filePath[0] : filePath.slice(0, i);
}

/** What a diagnostic or an error says after "csv path X" when the path leaves the folder, and what to do. */
export function leavesFolder(why: string): string {
  return `leaves the folder of the .ntkexp file: ${why}; put the file beside the .ntkexp file or in a subfolder`;
}
