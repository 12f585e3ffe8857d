import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real small file system for the tests of write failures: a tmpfs mounted by the test (root only:
 * CI runs as root), unmounted in a finally. Where it cannot be mounted, `withTmpfs` prints why and
 * runs nothing, so the test passes without pretending to have checked anything.
 */
export interface Tmpfs {
  /** The mount point. */
  readonly dir: string;
  /** Make the file system read-only (or writable again) while mounted. */
  remount(mode: 'ro' | 'rw'): void;
  /** Fill the file system, leaving about `leaveBytes` free (0: full). */
  fill(leaveBytes?: number): void;
  /** Use up every inode left (empty files), so no file or folder can be made while bytes stay free. */
  exhaustInodes(): void;
  /** Free bytes as the file system reports them. */
  free(): number;
}

/** Why tmpfs cannot be used here, or undefined when it can. */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform}): no tmpfs to mount`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root: mounting a tmpfs needs root (CI runs as root)';
  return undefined;
}

/** Mount a tmpfs (`size`, e.g. '2m'; `inodes`: the number of files and folders it may hold), run `body`, unmount. */
export async function withTmpfs(
  options: { size: string; inodes?: number },
  body: (fs: Tmpfs) => Promise<void> | void,
  log: (why: string) => void = (why) => console.log(`# tmpfs test not run: ${why}`),
): Promise<void> {
  const why = tmpfsUnavailable();
  if (why) return log(why);
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-tmpfs-'));
  const opts = [`size=${options.size}`, ...(options.inodes ? [`nr_inodes=${options.inodes}`] : []), 'mode=0777'].join(',');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return log(`mount -t tmpfs failed (${(mounted.stderr || mounted.error?.message || '').trim()}): no mount capability in this container`);
  }
  let fillers = 0;
  const fsys: Tmpfs = {
    dir,
    remount(mode) {
      const r = spawnSync('mount', ['-o', `remount,${mode}`, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`remount,${mode} failed: ${r.stderr}`);
    },
    free() {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    exhaustInodes() {
      for (;;) {
        try {
          closeSync(openSync(join(dir, `inode-${fillers++}`), 'w'));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw e;
        }
      }
    },
    fill(leaveBytes = 0) {
      const fd = openSync(join(dir, `filler-${fillers++}`), 'w');
      try {
        const chunk = Buffer.alloc(64 * 1024, 1);
        for (let left = fsys.free() - leaveBytes; left > 0; left -= chunk.length) {
          try {
            writeSync(fd, chunk, 0, Math.min(chunk.length, left));
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw e;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
  };
  try {
    await body(fsys);
  } finally {
    const r = spawnSync('umount', ['-l', dir], { encoding: 'utf8' });
    if (r.status === 0) rmSync(dir, { recursive: true, force: true });
  }
}
