/**
 * CSV paths must stay inside the folder of the .ntkexp file (NTKEXP.md). The check is lexical, with
 * no file system: absolute paths and `..` that climb above the folder are refused. A caller with a
 * file system can add a `realpath` hook to catch symbolic links that lead out.
 */

/** Why `path` leaves its folder, or undefined if it stays inside. */
export function lexicalEscape(path: string): string | undefined {
  if (path.trim() === '') return 'the path is empty';
  if (/^[\\/]/.test(path) || /^[A-Za-z]:/.test(path)) return 'it is absolute';
  if (path.startsWith('~')) return 'it starts at the home folder';
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      depth--;
      if (depth < 0) return '`..` climbs above the folder of the .ntkexp file';
    } else depth++;
  }
  if (depth === 0) return 'it names the folder itself, not a file';
  return undefined;
}

/** The folder of a file path (either separator), without a trailing separator. */
export function folderOf(filePath: string): string {
  const i = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  return i < 0 ? '.' : i === 0 ? filePath[0] : filePath.slice(0, i);
}

/** `relative` joined to the folder of `filePath`, with the separator the file path uses. */
export function besideFile(filePath: string | undefined, relative: string): string {
  if (!filePath) return relative;
  const sep = filePath.includes('\\') && !filePath.includes('/') ? '\\' : '/';
  const parts = relative.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return `${folderOf(filePath)}${sep}${parts.join(sep)}`;
}

/**
 * Why `relative` leaves the folder of `filePath` once symbolic links are followed by `realpath`
 * (which returns undefined for a path that does not exist), or undefined.
 */
export function realEscape(filePath: string, relative: string, realpath: (path: string) => string | undefined): string | undefined {
  const folder = realpath(folderOf(filePath));
  const target = realpath(besideFile(filePath, relative));
  if (folder === undefined || target === undefined) return undefined;
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const f = norm(folder);
  const t = norm(target);
  return t === f || t.startsWith(`${f}/`) ? undefined : `it leads to ${target} through a symbolic link`;
}
