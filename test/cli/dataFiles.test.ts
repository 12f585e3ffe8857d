import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from '../../src/format/index';
import { DATA_FILE_LIMIT, checkOptionsForFile } from '../../src/run/confine';
import { ntkexp as spawnCli } from '../helpers/cli';

// Hostile data files as `ntkexp check`, `run` and `theory` meet them, in child processes with a
// timeout: a read that blocks (a FIFO) fails the test instead of hanging it.

function ntkexp(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnCli(args, { timeout: 60_000 });
  assert.equal(r.signal, null, `ntkexp ${args.join(' ')} did not finish (killed after 60 s): it blocked`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const asRoot = process.getuid?.() === 0;

/**
 * A workspace whose one .ntkexp names a hostile csv per experiment, beside an outside folder; the
 * expected message fragment for each (undefined: the experiment is fine).
 */
function hostileWorkspace(): { dir: string; file: string; expected: Map<string, RegExp | undefined>; close: () => void } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ntkexp-datafiles-')));
  const dir = join(root, 'ws');
  const outside = join(root, 'outside');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), 'a,y\n666,666\n');
  writeFileSync(join(dir, 'ok.csv'), 'a,y\n1,2\n3,4\n');
  symlinkSync(join(outside, 'secret.csv'), join(dir, 'link.csv'));
  symlinkSync(outside, join(dir, 'out'));
  symlinkSync('ok.csv', join(dir, 'inner.csv'));
  assert.equal(spawnSync('mkfifo', [join(dir, 'pipe.csv')]).status, 0, 'mkfifo');
  mkdirSync(join(dir, 'folder.csv'));
  writeFileSync(join(dir, 'big.csv'), '');
  truncateSync(join(dir, 'big.csv'), DATA_FILE_LIMIT + 2 ** 20);
  const server = createServer().listen(join(dir, 'socket.csv'));
  const expected = new Map<string, RegExp | undefined>([
    ['/etc/passwd', /leaves the folder of the \.ntkexp file: it is absolute/],
    ['../outside/secret.csv', /leaves the folder of the \.ntkexp file: `\.\.` climbs above the folder/],
    ['link.csv', /leaves the folder of the \.ntkexp file: the symbolic link `link\.csv` leads to .*outside\/secret\.csv/],
    ['out/secret.csv', /leaves the folder of the \.ntkexp file: the symbolic link `out` leads to .*outside/],
    ['pipe.csv', /is a FIFO \(named pipe\), not a regular file: use the path of a regular csv file/],
    ['socket.csv', /is a socket, not a regular file/],
    ['folder.csv', /is a folder, not a regular file/],
    ['big.csv', /is 65 MiB, over the 64 MiB limit for data files: use fewer rows or columns/],
    ['missing.csv', /does not exist: no `missing\.csv` in/],
    ['inner.csv', undefined],
  ]);
  if (asRoot) {
    assert.equal(spawnSync('mknod', [join(dir, 'null.csv'), 'c', '1', '3']).status, 0, 'mknod');
    expected.set('null.csv', /is a character device, not a regular file/);
  } else {
    console.log('# data files: the character device case is not tested: mknod needs root (CI runs as root)');
  }
  const names = [...expected.keys()];
  const file = join(dir, 'exp.ntkexp');
  writeFileSync(file, names.map((p, i) => `experiment e${i} {\n  data csv "${p}" { target = y }\n}\n`).join('\n'));
  return { dir, file, expected, close: () => server.close() };
}

/** The `error` lines printed for the workspace's file, as `line: message`. */
function errorLines(output: string, file: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith(`${file}:`) && l.includes(': error: '))
    .map((l) => l.slice(file.length + 1));
}

test('check: every hostile csv is an error at its path (exit 1), the same diagnostics as the editor’s check options; a link inside is fine', () => {
  const { file, expected, close } = hostileWorkspace();
  try {
    const r = ntkexp(['check', file]);
    assert.equal(r.status, 1, r.stderr);
    const lines = errorLines(r.stdout, file);
    const names = [...expected.keys()];
    const bad = names.filter((n) => expected.get(n));
    assert.equal(lines.length, bad.length, lines.join('\n'));
    for (const name of bad) {
      const line = lines.find((l) => l.startsWith(`${2 + 4 * names.indexOf(name)}:12: error: csv path "${name}" `));
      assert.ok(line, `no error for ${name}:\n${lines.join('\n')}`);
      assert.match(line, expected.get(name) as RegExp, name);
    }
    // The editor's check (and its run) use the same options: the same diagnostics, word for word.
    const same = check(readFileSync(file, 'utf8'), checkOptionsForFile(file)).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`);
    assert.deepEqual(lines, same);
  } finally {
    close();
  }
});

test('run and theory: a file naming hostile csv files is refused promptly with the diagnostics (run exit 2, theory exit 1), nothing written', () => {
  const { dir, file, expected, close } = hostileWorkspace();
  try {
    const run = ntkexp(['run', file, '--out', join(dir, 'out-run')]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /has errors; nothing was run/);
    const bad = [...expected.values()].filter((v) => v !== undefined);
    const lines = errorLines(run.stderr, file);
    assert.equal(lines.length, bad.length, lines.join('\n'));
    for (const why of bad) assert.ok(lines.some((l) => why.test(l)), `${why} not listed:\n${lines.join('\n')}`);
    assert.equal(existsSync(join(dir, 'out-run')), false);
    assert.equal(existsSync(join(dir, 'ntkexp-runs')), false);
    const theory = ntkexp(['theory', file, '--experiment', 'e4']);
    assert.equal(theory.status, 1, theory.stderr);
    assert.deepEqual(errorLines(theory.stderr, file), lines);
  } finally {
    close();
  }
});

test('a FIFO, a folder or a file over the limit as the .ntkexp file itself: every verb says so and exits 2 at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-datafiles-'));
  const fifo = join(dir, 'pipe.ntkexp');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const big = join(dir, 'big.ntkexp');
  writeFileSync(big, '');
  truncateSync(big, 17 * 2 ** 20);
  const cases: [string, RegExp][] = [
    [fifo, /: it is a FIFO \(named pipe\), not a regular file: use a regular \.ntkexp file \(or - for standard input\)$/m],
    [join(dir), /: it is a folder, not a regular file/],
    [big, /: it is 17 MiB, over the 16 MiB limit for \.ntkexp files: move large data to a csv file$/m],
  ];
  for (const [file, why] of cases) {
    for (const verb of ['check', 'run', 'theory', 'fmt']) {
      const r = ntkexp([verb, file]);
      assert.equal(r.status, 2, `${verb} ${file}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^ntkexp ${verb}: cannot read ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${why.source}`, 'm'), `${verb} ${file}`);
    }
  }
});
