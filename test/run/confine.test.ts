import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataFileProblem } from '../../src/format/index';
import { DATA_FILE_LIMIT, type ReadOptions, confine, probeDataFile, readConfined, readRegularFile } from '../../src/run/confine';
import { FileRefused } from '../../src/run/regularFile';

// The one confinement of workspace data files: every case is asked of the probe (what a check
// reports) and of the reader (what a run reads), which must refuse the same things.

const ROWS = 'a,y\n1,2\n';
const SECRET = 'a,y\n666,666\n';
const CONFINE = join(__dirname, '..', '..', 'src', 'run', 'confine.ts');

/** A workspace `ws` with d.csv and sub/e.csv, beside a folder `outside` holding secret.csv and sub/e.csv. */
function workspace(): { ws: string; outside: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ntkexp-confine-')));
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  mkdirSync(join(ws, 'sub'), { recursive: true });
  mkdirSync(join(outside, 'sub'), { recursive: true });
  writeFileSync(join(ws, 'd.csv'), ROWS);
  writeFileSync(join(ws, 'sub', 'e.csv'), ROWS);
  writeFileSync(join(outside, 'secret.csv'), SECRET);
  writeFileSync(join(outside, 'sub', 'e.csv'), SECRET);
  return { ws, outside };
}

/** What the reader says about `relative` (undefined when it reads), in the probe's terms. */
function readProblem(ws: string, relative: string, options: ReadOptions = {}): DataFileProblem | undefined {
  try {
    const text = readConfined(ws, relative, options);
    assert.equal(text, ROWS, `${relative}: only the workspace's rows may ever be read`);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof FileRefused, `${relative}: ${String(e)}`);
    assert.equal(e.message, `csv file ${relative} ${e.problem.message}`);
    return e.problem;
  }
}

/** The probe and the reader agree on `relative`, and it is refused with `code` and a message matching `pattern`. */
function refusedBoth(ws: string, relative: string, code: DataFileProblem['code'], pattern: RegExp, options: ReadOptions = {}): void {
  const probed = probeDataFile(ws, relative, options);
  assert.ok(probed, `${relative} passes the probe`);
  assert.equal(probed.code, code, `${relative}: ${probed.message}`);
  assert.match(probed.message, pattern, relative);
  assert.deepEqual(readProblem(ws, relative, options), probed, `${relative}: the read refuses what the probe flags`);
}

/** Run `body` (JavaScript with `confine` in scope) in a child process, so that a read that blocks fails the test instead of hanging it. */
function inChild(body: string): { problem?: DataFileProblem; text?: string } {
  const script = `const confine = require(${JSON.stringify(CONFINE)});\ntry { const text = (() => { ${body} })(); console.log(JSON.stringify({ text })); } catch (e) { console.log(JSON.stringify({ problem: e.problem, message: e.message })); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, `the read blocked (killed after 30 s): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

const asRoot = process.getuid?.() === 0;

test('absolute paths, `..` that climbs out and paths naming the folder are refused before the file system is asked', () => {
  const { ws, outside } = workspace();
  for (const p of [join(outside, 'secret.csv'), '/etc/passwd', '../outside/secret.csv', 'sub/../../outside/secret.csv', '~/x.csv', 'sub/..', '']) {
    refusedBoth(ws, p, 'path-escape', /^leaves the folder of the \.ntkexp file: .*; put the file beside the \.ntkexp file or in a subfolder$/);
  }
});

test('a symbolic link anywhere on the path that leads out is refused: as the file, as a folder, at the end of a chain, dangling, or `..` after a link', () => {
  const { ws, outside } = workspace();
  symlinkSync(join(outside, 'secret.csv'), join(ws, 'file-link.csv'));
  symlinkSync(outside, join(ws, 'dir-link'));
  symlinkSync('chain2.csv', join(ws, 'chain1.csv'));
  symlinkSync('../outside/secret.csv', join(ws, 'chain2.csv'));
  symlinkSync('sub', join(ws, 'via'));
  symlinkSync(join(outside, 'secret.csv'), join(ws, 'sub', 'out.csv'));
  symlinkSync(join(outside, 'missing.csv'), join(ws, 'dangling-out.csv'));
  mkdirSync(join(ws, 'deep'));
  symlinkSync(ws, join(ws, 'deep', 'top'));
  const cases: [string, RegExp][] = [
    ['file-link.csv', /the symbolic link `file-link\.csv` leads to .*outside\/secret\.csv/],
    ['dir-link/secret.csv', /the symbolic link `dir-link` leads to .*outside/],
    ['chain1.csv', /the symbolic link `chain1\.csv` leads to .*outside\/secret\.csv/],
    ['via/out.csv', /the symbolic link `via\/out\.csv` leads to .*outside\/secret\.csv/],
    ['dangling-out.csv', /the symbolic link `dangling-out\.csv` leads to .*outside\/missing\.csv/],
    // Lexically inside (deep/top/.. is deep), physically the parent of the workspace.
    ['deep/top/../outside/secret.csv', /`deep\/top\/\.\.` climbs above the folder after a symbolic link/],
  ];
  for (const [p, why] of cases) refusedBoth(ws, p, 'path-escape', why);
});

test('links that stay inside are followed (to a file, to a folder, a chain), and the real path is what is read', () => {
  const { ws } = workspace();
  symlinkSync('d.csv', join(ws, 'inner.csv'));
  symlinkSync(join(ws, 'sub'), join(ws, 'sub-link'));
  symlinkSync('c2.csv', join(ws, 'c1.csv'));
  symlinkSync('sub-link/e.csv', join(ws, 'c2.csv'));
  for (const [p, real] of [
    ['inner.csv', 'd.csv'],
    ['sub-link/e.csv', 'sub/e.csv'],
    ['c1.csv', 'sub/e.csv'],
    ['sub/../d.csv', 'd.csv'],
    ['./sub//e.csv', 'sub/e.csv'],
  ]) {
    assert.equal(probeDataFile(ws, p), undefined, p);
    assert.equal(readConfined(ws, p), ROWS, p);
    const c = confine(ws, p);
    assert.ok(c.ok, p);
    assert.equal(c.path, join(ws, real), p);
  }
});

test('a missing file, a dangling link inside, a link loop and a file under a non-folder are data-file problems saying what to do', () => {
  const { ws } = workspace();
  symlinkSync('nowhere.csv', join(ws, 'dangling.csv'));
  symlinkSync('loop2.csv', join(ws, 'loop1.csv'));
  symlinkSync('loop1.csv', join(ws, 'loop2.csv'));
  refusedBoth(ws, 'missing.csv', 'data-file', /^does not exist: no `missing\.csv` in .*ws; put the file there or correct the path$/);
  refusedBoth(ws, 'nosub/d.csv', 'data-file', /^does not exist: no `nosub` in /);
  refusedBoth(ws, 'dangling.csv', 'data-file', /^does not exist: the symbolic link `dangling\.csv` leads to .*nowhere\.csv that does not exist/);
  refusedBoth(ws, 'loop1.csv', 'data-file', /loop of links/);
  refusedBoth(ws, 'd.csv/x.csv', 'data-file', /a part of its path is not a folder/);
  refusedBoth(join(ws, 'no-folder'), 'd.csv', 'data-file', /^cannot be looked up: the folder .*no-folder does not exist$/);
});

test('a folder, a unix socket and (as root) character and block devices named as the csv are refused by name, at check time and at read time', async (t) => {
  const { ws } = workspace();
  mkdirSync(join(ws, 'folder.csv'));
  refusedBoth(ws, 'folder.csv', 'data-file', /^is a folder, not a regular file: use the path of a regular csv file$/);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(ws, 'socket.csv'), resolve));
  try {
    refusedBoth(ws, 'socket.csv', 'data-file', /^is a socket, not a regular file: use the path of a regular csv file$/);
  } finally {
    server.close();
  }
  if (!asRoot) {
    t.diagnostic('character and block devices not tested: mknod needs root (CI runs as root)');
    console.log('# confine: character and block devices not tested: mknod needs root (CI runs as root)');
    return;
  }
  for (const [name, kind, major, minor] of [['null.csv', 'c', '1', '3'], ['loop.csv', 'b', '7', '200']]) {
    const made = spawnSync('mknod', [join(ws, name), kind, major, minor], { encoding: 'utf8' });
    assert.equal(made.status, 0, `mknod: ${made.stderr}`);
    refusedBoth(ws, name, 'data-file', new RegExp(`^is a ${kind === 'c' ? 'character' : 'block'} device, not a regular file`));
  }
});

test('a FIFO named as the csv is refused by the probe without opening it and by the reader without blocking; the same for the file a user names', () => {
  const { ws } = workspace();
  const fifo = join(ws, 'pipe.csv');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const fifoProblem = { code: 'data-file', message: 'is a FIFO (named pipe), not a regular file: use the path of a regular csv file' };
  assert.deepEqual(probeDataFile(ws, 'pipe.csv'), fifoProblem);
  assert.deepEqual(inChild(`return confine.readConfined(${JSON.stringify(ws)}, 'pipe.csv');`).problem, fifoProblem);
  const named = inChild(`return confine.readRegularFile(${JSON.stringify(fifo)});`).problem;
  assert.deepEqual(named, { code: 'data-file', message: 'is a FIFO (named pipe), not a regular file: use a regular .ntkexp file (or - for standard input)' });
});

test('the size limit is stated in the refusal, at check time and at read time; tests lower it through an option', () => {
  const { ws } = workspace();
  const big = join(ws, 'big.csv');
  writeFileSync(big, '');
  truncateSync(big, DATA_FILE_LIMIT + 2 ** 20); // sparse: costs no disk
  refusedBoth(ws, 'big.csv', 'data-file', /^is 65 MiB, over the 64 MiB limit for data files: use fewer rows or columns, or fewer digits$/);
  // At the limit passes, one byte over does not.
  refusedBoth(ws, 'd.csv', 'data-file', new RegExp(`^is ${ROWS.length} bytes, over the ${ROWS.length - 1} bytes limit for data files`), { limit: ROWS.length - 1 });
  assert.equal(readConfined(ws, 'd.csv', { limit: ROWS.length }), ROWS);
  assert.throws(() => readRegularFile(join(ws, 'd.csv'), { limit: ROWS.length - 1 }), /is 8 bytes, over the 7 bytes limit for \.ntkexp files: move large data to a csv file/);
  assert.equal(readRegularFile(join(ws, 'd.csv')), ROWS);
});

test('a swap between the check and the open is refused: the file or a folder on its path replaced by a link out (told by fd path and by inode), by a folder or by a FIFO', () => {
  const swaps: [string, string, (ws: string, outside: string) => void, RegExp][] = [
    ['d.csv', 'the file by a link out', (ws, outside) => {
      rmSync(join(ws, 'd.csv'));
      symlinkSync(join(outside, 'secret.csv'), join(ws, 'd.csv'));
    }, /^was replaced by a symbolic link after it was checked/],
    ['sub/e.csv', 'its folder by a link out', (ws, outside) => {
      renameSync(join(ws, 'sub'), join(ws, 'sub-old'));
      symlinkSync(join(outside, 'sub'), join(ws, 'sub'));
    }, /^changed between the check and the read/],
    ['d.csv', 'the file by a folder', (ws) => {
      rmSync(join(ws, 'd.csv'));
      mkdirSync(join(ws, 'd.csv'));
    }, /^is a folder, not a regular file/],
  ];
  for (const identity of ['fd-path', 'inode'] as const) {
    if (identity === 'fd-path' && spawnSync('test', ['-d', '/proc/self/fd']).status !== 0) {
      console.log('# confine: no /proc/self/fd on this system: the fd-path identity is not tested');
      continue;
    }
    for (const [file, what, swap, why] of swaps) {
      const { ws, outside } = workspace();
      assert.equal(probeDataFile(ws, file), undefined, 'the probe saw the original');
      const problem = readProblem(ws, file, { identity, afterVerify: () => swap(ws, outside) });
      assert.ok(problem, `${identity}: ${what}: read`);
      assert.match(problem.message, why, `${identity}: ${what}`);
    }
  }
  const { ws } = workspace();
  const swapped = inChild(
    `return confine.readConfined(${JSON.stringify(ws)}, 'd.csv', { afterVerify: (p) => { require('node:fs').rmSync(p); require('node:child_process').spawnSync('mkfifo', [p]); } });`,
  );
  assert.deepEqual(swapped.problem, { code: 'data-file', message: 'is a FIFO (named pipe), not a regular file: use the path of a regular csv file' });
});
