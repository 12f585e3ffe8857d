import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { RunInfo } from '../../src/contracts/runStore';
import { withTmpfs } from '../helpers/tmpfs';
import { BIN, CLI_ENV as ENV, ROOT, ntkexp } from '../helpers/cli';

// `ntkexp run` (and `merge`) when the output cannot be written, as a user meets it: a disk that fills
// up mid-run, a disk without room to start, a read-only disk, names and paths too long for the file
// system. Each ends with the documented exit code (1: the run failed; 2: nothing could start), a message
// naming the path and what to do, no stack trace, run.json saying why (where it can be written), and no
// temporary file.


const run = (args: string[]) => ntkexp(args);

function experiment(dir: string, over: { name?: string; steps?: number; points?: number; extra?: string; header?: string } = {}): string {
  const file = join(dir, 'e.ntkexp');
  writeFileSync(
    file,
    `${over.header ?? ''}
experiment ${over.name ?? 'e'} {
  seed = 2
  trials = 1
  data points { inputs = [[1, 0], [0, 1], [1, 1], [1, -1]]; targets = [1, -1, 0.5, 0] }
  network { depth = 2; width = 12 }
  train { learning_rate = 0.5; steps = ${over.steps ?? 12} }
  measure { points = ${over.points ?? 3}; probes = 4; top = 2; exact = false }
  ${over.extra ?? ''}
}
`,
  );
  return file;
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'ntkexp-clifault-'));
}

/** No stack trace, no "internal error". */
function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n/, stderr);
  assert.doesNotMatch(stderr, /internal error/, stderr);
}

function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.tmp') || e.name === '.ntkexp-reserve') out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

test('run: the disk fills up mid-run — exit 1, the reason naming series.jsonl, run.json failed, the records kept', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const dir = temp();
    const out = join(disk.dir, 'out');
    const child = spawn(process.execPath, [BIN, 'run', experiment(dir, { steps: 2000, points: 200 }), '--out', out, '--json', '--workers', '1'], { cwd: ROOT, env: ENV });
    let stdout = '';
    let stderr = '';
    let filled = false;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!filled && (stdout.match(/"type":"measurement"/g) ?? []).length >= 3) {
          filled = true;
          disk.fill();
        }
      });
      child.on('exit', (code) => resolve(code));
    });
    assert.equal(status, 1, stderr);
    assert.match(stderr, new RegExp(`no space left on the device holding ${out}/series\\.jsonl: free space or choose --out on another disk`));
    assertNoStack(stderr);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
    assert.equal(info.status, 'failed');
    assert.match(info.error ?? '', /series\.jsonl/);
    const lines = readFileSync(join(out, 'series.jsonl'), 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a whole record');
    assert.ok(lines.length >= 3);
    for (const line of lines) JSON.parse(line);
    assert.deepEqual(leftovers(out), []);
  });
});

test('run: no room on the disk to start — exit 2, nothing left: no byte free (the plan refuses), or no inode free (making the folder fails)', async () => {
  await withTmpfs({ size: '4m' }, async (disk) => {
    disk.fill();
    const out = join(disk.dir, 'deep', 'out');
    const r = run(['run', experiment(temp()), '--out', out, '--quiet']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`records: the run would write about .* but the disk holding ${out} has 0 bytes free: .*write elsewhere with --out`));
    assertNoStack(r.stderr);
    assert.ok(!existsSync(join(disk.dir, 'deep')));
  });
  await withTmpfs({ size: '4m', inodes: 16 }, async (disk) => {
    disk.exhaustInodes();
    const out = join(disk.dir, 'deep', 'out');
    const r = run(['run', experiment(temp()), '--out', out, '--quiet']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no space left on the device holding .*deep.*: free space or choose --out on another disk/);
    assertNoStack(r.stderr);
    assert.ok(!existsSync(join(disk.dir, 'deep')));
  });
});

test('run: a read-only --out — exit 2 naming the folder', async () => {
  await withTmpfs({ size: '4m' }, async (disk) => {
    mkdirSync(join(disk.dir, 'existing'));
    disk.remount('ro');
    for (const out of [join(disk.dir, 'new'), join(disk.dir, 'existing')]) {
      const r = run(['run', experiment(temp()), '--out', out, '--quiet']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${out}.* is on a read-only file system: choose --out on a writable disk`));
      assertNoStack(r.stderr);
    }
  });
});

test('run: names and paths too long for the file system — exit 2 naming the path; names the file makes are shortened', () => {
  const dir = temp();
  const file = experiment(dir);
  const longName = join(dir, 'x'.repeat(300));
  const longPath = join(dir, ...Array.from({ length: 25 }, (_, i) => `${i}`.padEnd(200, 'y')));
  for (const out of [longName, join(longName, 'run'), longPath]) {
    const r = run(['run', file, '--out', out, '--quiet']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /is too long for the file system .*: choose a shorter --out folder or shorter names/);
    assert.ok(r.stderr.includes(out.slice(0, 200)), 'the path is named');
    assertNoStack(r.stderr);
  }
  // An experiment name and sweep settings longer than a file name: the folders get shortened names.
  const name = `e${'n'.repeat(299)}`;
  const long = run(['run', experiment(dir, { name }), '--quiet']);
  assert.equal(long.status, 0, long.stderr);
  const folder = /results in (.*)$/m.exec(long.stderr)?.[1] ?? '';
  assert.ok(Buffer.byteLength(basename(folder)) <= 255 && basename(folder).startsWith('ennn'), folder);
  const act = (k: number): string => `act${k}${'a'.repeat(200)}`;
  const sweep = run([
    'run',
    experiment(temp(), {
      header: [1, 2].map((k) => `activation ${act(k)}(x) = tanh(x)`).join('\n'),
      extra: `sweep { activation = [${act(1)}, ${act(2)}] }`,
    }),
    '--quiet',
  ]);
  assert.equal(sweep.status, 0, sweep.stderr);
  const sweepDir = /results in (.*)$/m.exec(sweep.stderr)?.[1] ?? '';
  const points = readdirSync(sweepDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.equal(points.length, 2, 'two distinct folders');
  for (const p of points) assert.ok(Buffer.byteLength(p) <= 255, p);
});

test('merge: a read-only --out — exit 1 naming the folder, no stack', async () => {
  const dir = temp();
  const file = experiment(dir);
  assert.equal(run(['run', file, '--out', join(dir, 's0'), '--quiet']).status, 0);
  await withTmpfs({ size: '4m' }, async (disk) => {
    disk.remount('ro');
    const r = run(['merge', join(dir, 's0'), '--out', join(disk.dir, 'merged')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /is on a read-only file system/);
    assertNoStack(r.stderr);
  });
});
