import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '../../src/contracts/runStore';
import { ntkexp } from '../helpers/cli';

// `--out DIR` means what it says: a new or empty folder is used as it is; an existing folder with
// anything in it is refused (exit 2) unless --overwrite is given and the folder is proven to be an
// earlier run or sweep folder, which is then replaced; never another folder. Without --out, the
// default folder stays unique.


const run = (args: string[]) => ntkexp(args);

function experiment(dir: string, extra = ''): string {
  const file = join(dir, 'e.ntkexp');
  writeFileSync(
    file,
    `experiment e {
  seed = 2
  trials = 1
  data points { inputs = [[1, 0], [0, 1], [1, 1], [1, -1]]; targets = [1, -1, 0.5, 0] }
  network { depth = 2; width = 12 }
  train { learning_rate = 0.5; steps = 6 }
  measure { points = 2; probes = 4; top = 2; exact = false }
  ${extra}
}
`,
  );
  return file;
}

const temp = (): string => mkdtempSync(join(tmpdir(), 'ntkexp-cliout-'));
const started = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunInfo).started;

/** The names in a folder and their contents, to show it was left as it was. */
function snapshot(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => `${e.name}:${e.isFile() ? readFileSync(join(dir, e.name), 'utf8') : e.isDirectory() ? 'dir' : 'other'}`)
    .sort()
    .join('\n');
}

test('--out: a new folder and an existing empty one are used as named; an empty name is a usage error', () => {
  const dir = temp();
  const file = experiment(dir);
  for (const out of [join(dir, 'a', 'b'), join(dir, 'empty')]) {
    if (out.endsWith('empty')) mkdirSync(out);
    const r = run(['run', file, '--out', out, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`results in ${out}$`, 'm'));
    assert.equal((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo).status, 'finished');
  }
  for (const args of [['--out', ''], ['--out='], ['--overwrite']]) {
    const r = run(['run', file, ...args, '--quiet']);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /Usage: ntkexp run/);
  }
  assert.match(run(['run', '--help']).stdout, /--overwrite +With --out: replace DIR if it is an earlier run or sweep folder/);
});

test('--out: an existing non-empty folder or a file is refused (exit 2) and left as it was', () => {
  const dir = temp();
  const file = experiment(dir);
  const mine = join(dir, 'mine');
  mkdirSync(mine);
  writeFileSync(join(mine, 'notes.txt'), 'keep me');
  const before = snapshot(mine);
  const r = run(['run', file, '--out', mine, '--quiet']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`--out ${mine} already exists and is not empty: choose a new or empty folder, or add --overwrite`));
  assert.equal(snapshot(mine), before);
  assert.ok(!existsSync(`${mine}-2`), 'no DIR-2 instead');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');
  const f = run(['run', file, '--out', aFile, '--quiet']);
  assert.equal(f.status, 2, f.stderr);
  assert.match(f.stderr, /is a file, not a folder/);
  assert.equal(readFileSync(aFile, 'utf8'), 'x');
});

test('--out on an earlier run folder: refused without --overwrite, replaced with it', () => {
  const dir = temp();
  const file = experiment(dir);
  const out = join(dir, 'run');
  assert.equal(run(['run', file, '--out', out, '--quiet', '--save-params']).status, 0);
  const first = started(out);
  assert.ok(existsSync(join(out, 'params-final.json')));
  const refused = run(['run', file, '--out', out, '--quiet']);
  assert.equal(refused.status, 2, refused.stderr);
  assert.equal(started(out), first, 'untouched');
  const replaced = run(['run', file, '--out', out, '--quiet', '--overwrite']);
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.notEqual(started(out), first, 'a new run');
  assert.ok(!existsSync(join(out, 'params-final.json')), 'nothing of the earlier run is left');
});

test('--overwrite on a sweep folder replaces it; on anything not proven a run or sweep folder it refuses and deletes nothing', () => {
  const dir = temp();
  const sweepFile = experiment(dir, 'sweep { width = [6, 8] }');
  const sweep = join(dir, 'sweep');
  assert.equal(run(['run', sweepFile, '--out', sweep, '--quiet']).status, 0);
  const again = run(['run', sweepFile, '--out', sweep, '--quiet', '--overwrite']);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(existsSync(join(sweep, 'sweep.json')));

  const file = experiment(temp());
  const cases: [string, (d: string) => void, RegExp][] = [
    ['an arbitrary folder', (d) => writeFileSync(join(d, 'thesis.tex'), 'x'), /is not proven a run folder: .* is not a run folder: it has neither run\.json nor sweep\.json/],
    ['a planted run.json that is not valid', (d) => writeFileSync(join(d, 'run.json'), '{"format": "ntkexp-run/1"}'), /is not proven a run folder: .*run\.json is not a valid run\.json: run\.json/],
    ['run.json that is not JSON', (d) => writeFileSync(join(d, 'run.json'), 'rm -rf'), /is not proven a run folder: .*run\.json is not JSON/],
    ['a run folder with a file of the user beside it', (d) => {
      assert.equal(run(['run', file, '--out', d, '--quiet']).status, 0);
      writeFileSync(join(d, 'notes.txt'), 'mine');
    }, /holds notes\.txt, which is not part of a run folder/],
    ['a run folder with a sub-folder', (d) => {
      assert.equal(run(['run', file, '--out', d, '--quiet']).status, 0);
      mkdirSync(join(d, 'data'));
    }, /holds data\/, which is not part of a run folder/],
    ['a sweep folder with a foreign sub-folder', (d) => {
      assert.equal(run(['run', sweepFile, '--out', d, '--quiet']).status, 0);
      mkdirSync(join(d, 'photos'));
      writeFileSync(join(d, 'photos', 'a.jpg'), 'x');
    }, /holds photos\/, which is not a run folder/],
    ['a symbolic link to a run folder', (d) => {
      const real = `${d}-real`;
      assert.equal(run(['run', file, '--out', real, '--quiet']).status, 0);
      symlinkSync(real, `${d}-link`);
    }, /is not a folder \(a symbolic link/],
  ];
  for (const [what, make, reason] of cases) {
    const target = join(dir, what.replace(/\W+/g, '-'));
    mkdirSync(target);
    make(target);
    const out = what.includes('symbolic') ? `${target}-link` : target;
    const before = snapshot(what.includes('symbolic') ? `${target}-real` : target);
    const r = run(['run', file, '--out', out, '--quiet', '--overwrite']);
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /--overwrite replaces only a run or sweep folder/, what);
    assert.match(r.stderr, reason, `${what}: ${r.stderr}`);
    assert.equal(snapshot(what.includes('symbolic') ? `${target}-real` : target), before, `${what}: left as it was`);
  }
});

test('without --out, a run whose default folder is taken gets its own (-2)', () => {
  const dir = temp();
  const file = experiment(dir);
  // Take the default name for every second of the next two minutes.
  const now = Date.now();
  for (let s = 0; s < 120; s++) mkdirSync(join(dir, 'ntkexp-runs', `e-${new Date(now + s * 1000).toISOString().slice(0, 19).replace(/:/g, '-')}`), { recursive: true });
  const r = run(['run', file, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /results in .*ntkexp-runs\/e-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-2$/m);
});
