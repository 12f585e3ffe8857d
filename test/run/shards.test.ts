import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeRuns, MergeError } from '../../src/run/merge';
import type { RunInfo, RunSummary } from '../../src/contracts/runStore';
import { runText, tempDir, tinyExperiment } from './helpers';

test('two shards merged give the summary of one unsharded run; shards of another file are refused', async () => {
  const text = tinyExperiment({ trials: 4 });
  const dir = tempDir();
  const whole = join(dir, 'whole');
  const s0 = join(dir, 's0');
  const s1 = join(dir, 's1');
  await runText(text, { dir, out: whole, workers: 2 });
  await runText(text, { dir, out: s0, workers: 1, shard: { index: 0, count: 2 } });
  await runText(text, { dir, out: s1, workers: 1, shard: { index: 1, count: 2 } });
  const info0 = JSON.parse(readFileSync(join(s0, 'run.json'), 'utf8')) as RunInfo;
  assert.deepEqual(info0.trials, [0, 2]);
  assert.deepEqual(info0.shard, { index: 0, count: 2 });
  const merged = join(dir, 'merged');
  const { info, summary } = mergeRuns([s1, s0], merged);
  assert.deepEqual(info.trials, [0, 1, 2, 3]);
  assert.equal(info.shard, undefined);
  assert.equal(info.status, 'finished');
  const reference = JSON.parse(readFileSync(join(whole, 'summary.json'), 'utf8')) as RunSummary;
  assert.deepEqual(summary.steps, reference.steps);
  assert.deepEqual(summary.trials, reference.trials);
  // The same experiment from a file that differs in one comment is another file: refused.
  const other = join(dir, 'other');
  await runText(text + '# another file\n', { dir: tempDir(), out: other, workers: 1, shard: { index: 1, count: 2 } });
  assert.throws(() => mergeRuns([s0, other], join(dir, 'bad')), (e: unknown) => e instanceof MergeError && /different files/.test(e.message));
  assert.throws(() => mergeRuns([s0, s0], join(dir, 'dup')), (e: unknown) => e instanceof MergeError && /in both/.test(e.message));
});
