import * as fs from 'node:fs';
import { isBelow } from './regularFile';

/**
 * Where a path really leads, and whether that is inside a folder: both resolved with realpath (every
 * symbolic link on the way followed), so a sub-folder that is a link to elsewhere is seen as elsewhere.
 * Inside means strictly below the folder, never the folder itself.
 */
export type Inside = { readonly ok: true; readonly real: string } | { readonly ok: false; readonly reason: string };

function real(p: string): Inside {
  try {
    return { ok: true, real: fs.realpathSync(p) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${p} does not exist` : `${p} cannot be resolved (${code ?? (e as Error).message})` };
  }
}

export function realPathInside(folder: string, target: string): Inside {
  const t = real(target);
  if (!t.ok) return t;
  const f = real(folder);
  if (!f.ok) return f;
  return isBelow(f.real, t.real) ? t : { ok: false, reason: `${target} leads to ${t.real}, outside ${f.real}` };
}

/** The real path of `target` when it is inside one of `folders` (the workspace folders), else why not. */
export function realPathInsideAny(folders: readonly string[], target: string): Inside {
  const t = real(target);
  if (!t.ok) return t;
  const inside = folders.some((folder) => {
    const f = real(folder);
    return f.ok && isBelow(f.real, t.real);
  });
  return inside ? t : { ok: false, reason: `${t.real} is not inside a workspace folder` };
}
