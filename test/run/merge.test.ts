/**
 * merge reads its shards through the checked reader: a damaged run.json is a MergeError naming the file
 * and what is wrong (never a stack), and since the merged folder is written under a temporary name and
 * renamed at the end, a failure — a damaged shard, a full disk — leaves nothing, and a retry succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MergeError, mergeRuns } from '../../src/run/merge';
import { readRun } from '../../src/run/readStore';
import { BIN, CLI_ENV } from '../helpers/cli';
import { fixtureShards, mkfifo, readJson, scratchWorkspace, wrongRunJsons } from '../fixtures/planted';

/** Nothing of a merge into `out` is left in its parent folder (neither `out` nor a temporary folder). */
function assertNothingLeft(out: string): void {
  const parent = path.dirname(out);
  const left = fs.readdirSync(parent).filter((n) => n === path.basename(out) || n.includes('.merging-'));
  assert.deepEqual(left, [], `left in ${parent}`);
}

test('shards of the recorded run merge into one run with both trials; nothing temporary is left', () => {
  const { runs } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const out = path.join(runs, 'merged');
  const { info, warnings } = mergeRuns([s1, s0], out);
  assert.deepEqual(info.trials, [0, 1]);
  assert.equal(info.id, 'merged');
  assert.deepEqual(warnings, []);
  const merged = readRun(out);
  assert.equal(merged.records.length, readRun(s0).records.length + readRun(s1).records.length);
  assert.deepEqual(fs.readdirSync(runs).sort(), ['merged', 's0', 's1']);
});

test('a damaged run.json in a shard: a clear error naming the file, no folder left behind, and the retry succeeds', { timeout: 30_000 }, () => {
  const { runs, outside } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const good = readJson(path.join(s1, 'run.json'));
  const out = path.join(runs, 'merged');
  for (const wrong of wrongRunJsons(good, outside)) {
    const file = path.join(s1, 'run.json');
    fs.rmSync(file, { recursive: true });
    wrong.plant(file);
    assert.throws(
      () => mergeRuns([s0, s1], out),
      (e: unknown) => e instanceof MergeError && e.concerns === 'shards' && e.message.startsWith(file) && wrong.reason.test(e.message) && /run that shard again/.test(e.message),
      wrong.name,
    );
    assertNothingLeft(out);
  }
  fs.rmSync(path.join(s1, 'run.json'), { recursive: true });
  fs.writeFileSync(path.join(s1, 'run.json'), JSON.stringify(good));
  assert.deepEqual(mergeRuns([s0, s1], out).info.trials, [0, 1]);
});

test('bad records in a shard are left out with a warning; a params file that is not a regular file is not copied', () => {
  const { runs, outside } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  fs.appendFileSync(path.join(s1, 'series.jsonl'), '{"type":"bogus","trial":1}\n' + fs.readFileSync(path.join(s1, 'series.jsonl'), 'utf8').split('\n')[0] + '\n');
  fs.writeFileSync(path.join(outside, 'secret.json'), '{"secret": true}');
  fs.symlinkSync(path.join(outside, 'secret.json'), path.join(s0, 'params-final-0.json'));
  mkfifo(path.join(s1, 'params-final-1.json'));
  fs.writeFileSync(path.join(s1, 'params-initial-1.json'), '{"ok": true}');
  const out = path.join(runs, 'merged');
  const { warnings } = mergeRuns([s0, s1], out);
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings[0], /s1\/series\.jsonl: 1 record could not be read and is not shown \(first: line \d+: message: unknown type "bogus"/);
  assert.match(warnings[1], /params-final-0\.json is a symbolic link, not a regular file; not copied/);
  assert.match(warnings[2], /params-final-1\.json is a FIFO \(named pipe\), not a regular file; not copied/);
  assert.deepEqual(fs.readdirSync(out).filter((n) => n.startsWith('params-')), ['params-initial-1.json']);
});

test('--out: an existing non-empty folder (a run, or anything) is refused; an empty one is used; a bad name is refused', () => {
  const { runs } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const taken = path.join(runs, 'taken');
  fs.mkdirSync(taken);
  fs.writeFileSync(path.join(taken, 'notes.txt'), 'mine');
  assert.throws(() => mergeRuns([s0, s1], taken), (e: unknown) => e instanceof MergeError && e.concerns === 'out' && /exists and is not empty/.test(e.message));
  assert.equal(fs.readFileSync(path.join(taken, 'notes.txt'), 'utf8'), 'mine');
  assert.throws(() => mergeRuns([s0, s1], s0), (e: unknown) => e instanceof MergeError && e.concerns === 'out', 'a shard is not replaced');
  fs.writeFileSync(path.join(runs, 'file'), '');
  assert.throws(() => mergeRuns([s0, s1], path.join(runs, 'file')), (e: unknown) => e instanceof MergeError && /is a file, not a folder/.test(e.message));
  const empty = path.join(runs, 'empty');
  fs.mkdirSync(empty);
  assert.deepEqual(mergeRuns([s0, s1], empty).info.trials, [0, 1]);
  assert.throws(() => mergeRuns([s0, s1], '/'), (e: unknown) => e instanceof MergeError && e.concerns === 'out' && /plain name/.test(e.message));
});

test('a full disk while writing the merged run: the temporary folder is removed, nothing is left, the retry elsewhere succeeds', (t) => {
  if (process.getuid?.() !== 0) {
    t.diagnostic('not run: mounting a small tmpfs needs root (CI runs as root)');
    return;
  }
  const { runs } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const disk = path.join(runs, 'disk');
  fs.mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
  try {
    const out = path.join(disk, 'merged');
    assert.throws(() => mergeRuns([s0, s1], out), (e: unknown) => e instanceof MergeError && e.concerns === 'write' && /no space left on the device/.test(e.message) && e.message.includes(out));
    assert.deepEqual(fs.readdirSync(disk), [], 'the temporary folder is gone');
  } finally {
    execFileSync('umount', [disk]);
  }
  assert.deepEqual(mergeRuns([s0, s1], path.join(runs, 'merged')).info.trials, [0, 1]);
});

test('an incomplete set of shards still merges, and says what is missing or did not finish, with the reasons', () => {
  const { runs } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  // A shard whose task never ran leaves no folder: only the other shards' count can name it.
  const alone = mergeRuns([s0], path.join(runs, 'alone'));
  assert.deepEqual(alone.info.trials, [0]);
  assert.equal(alone.info.status, 'failed');
  assert.deepEqual(alone.incomplete, ['trials 1 of 2 are in no shard given (shard 1/2: its task wrote no folder, or it was not given)']);
  assert.match(alone.info.error ?? '', /trials 1 of 2 are in no shard given/);
  assert.equal(readRun(path.join(runs, 'alone')).info.status, 'failed', 'written as such');
  // Shards that failed, were cancelled, or were killed before they could say (still "running").
  const cases: [string, Record<string, unknown>, RegExp, string][] = [
    ['failed', { status: 'failed', error: 'trial 1 failed: the engine process was killed (SIGKILL)' }, /^shard 1\/2 \(.*s1\) failed: trial 1 failed: the engine process was killed \(SIGKILL\)$/, 'failed'],
    ['cancelled', { status: 'cancelled', error: 'cancelled' }, /^shard 1\/2 \(.*s1\) cancelled$/, 'cancelled'],
    ['running', { status: 'running' }, /^shard 1\/2 \(.*s1\) still marked running: its process was killed before it could record the end/, 'running'],
  ];
  const good = readJson(path.join(s1, 'run.json'));
  for (const [name, change, line, status] of cases) {
    const { error: _error, ...rest } = good as Record<string, unknown>;
    fs.writeFileSync(path.join(s1, 'run.json'), JSON.stringify({ ...rest, ...change }));
    const merged = mergeRuns([s0, s1], path.join(runs, `merged-${name}`));
    assert.equal(merged.incomplete.length, 1, name);
    assert.match(merged.incomplete[0], line);
    assert.equal(merged.info.status, status);
    assert.deepEqual(merged.info.trials, [0, 1]);
  }
  // The whole experiment: nothing incomplete.
  fs.writeFileSync(path.join(s1, 'run.json'), JSON.stringify(good));
  assert.deepEqual(mergeRuns([s0, s1], path.join(runs, 'whole')).incomplete, []);
});

test('ntkexp merge exits 1 on an incomplete merge, with a line for each gap, and writes the folder', () => {
  const { runs } = scratchWorkspace();
  const [s0] = fixtureShards(runs);
  const out = path.join(runs, 'partial');
  const r = spawnSync(process.execPath, [BIN, 'merge', s0, '--out', out], { encoding: 'utf8', env: CLI_ENV });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /ntkexp merge: incomplete: trials 1 of 2 are in no shard given \(shard 1\/2/);
  assert.match(r.stderr, /trials 0 of 2 .*failed; written to/);
  assert.equal(readRun(out).info.status, 'failed');
});

test('a forged run.json cannot make the merge list 10^12 missing trials: counts a run cannot have are refused, naming the shard', { timeout: 30_000 }, () => {
  const { runs } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const good = readJson(path.join(s1, 'run.json')) as Record<string, unknown>;
  for (const [name, change] of [
    ['total', { trialsTotal: 1e12 }],
    ['shards', { shard: { index: 1, count: 1e12 } }],
    ['beyond', { trials: [5] }],
  ] as const) {
    fs.writeFileSync(path.join(s1, 'run.json'), JSON.stringify({ ...good, ...change }));
    assert.throws(() => mergeRuns([s0, s1], path.join(runs, `m-${name}`)), (e: unknown) => e instanceof MergeError && /s1: its run\.json says .* not what a run writes/.test(e.message), name);
    assertNothingLeft(path.join(runs, `m-${name}`));
  }
});
