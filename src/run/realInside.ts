import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where a path really leads, and whether that is inside a folder: both resolved with realpath (every
 * symbolic link on the way followed), so a sub-folder that is a link to elsewhere is seen as elsewhere.
 * Inside means strictly below the folder, never the folder itself.
 */
export type Inside = { readonly ok: true; readonly real: string } | { readonly ok: false; readonly reason: string };

export function realPathInside(folder: string, target: string): Inside {
  let realFolder: string;
  let real: string;
  try {
    realFolder = fs.realpathSync(folder);
    real = fs.realpathSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${target} does not exist` : `${target} cannot be resolved (${code ?? (e as Error).message})` };
  }
  return isBelow(realFolder, real) ? { ok: true, real } : { ok: false, reason: `${target} leads to ${real}, outside ${realFolder}` };
}

/** Lexically: `child` is strictly below `parent` (both absolute and normalized). */
export function isBelow(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
