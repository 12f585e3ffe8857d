/**
 * `ntkexp merge` on damaged shards as users run it (`node bin/ntkexp.js merge …`, from the sources):
 * exit 1 with the file and what is wrong and no stack trace, nothing left behind, exit 0 on the retry;
 * an --out folder that cannot be used is exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureShards, readJson, scratchWorkspace, wrongRunJsons } from '../fixtures/planted';
import { ntkexp as spawnCli } from '../helpers/cli';

function ntkexp(args: string[]) {
  const r = spawnCli(args, { timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

test('merge with a damaged run.json: exit 1, the file and the field, no stack, nothing left; the retry exits 0', { timeout: 120_000 }, () => {
  const { runs, outside } = scratchWorkspace();
  const [s0, s1] = fixtureShards(runs);
  const good = readJson(path.join(s1, 'run.json'));
  const out = path.join(runs, 'merged');
  const file = path.join(s1, 'run.json');
  // Three of the family here (each is a process start); test/run/merge.test.ts covers all of it.
  for (const wrong of wrongRunJsons(good, outside).filter((w) => ['not JSON', 'a missing field', 'a FIFO'].includes(w.name))) {
    fs.rmSync(file);
    wrong.plant(file);
    const r = ntkexp(['merge', s0, s1, '--out', out]);
    assert.equal(r.status, 1, `${wrong.name}: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`ntkexp merge: ${file}`), r.stderr);
    assert.match(r.stderr, wrong.reason);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(fs.readdirSync(runs).sort(), ['s0', 's1'], 'nothing left behind');
  }
  fs.rmSync(file);
  fs.writeFileSync(file, JSON.stringify(good));
  const retry = ntkexp(['merge', s0, s1, '--out', out]);
  assert.equal(retry.status, 0, retry.stderr);
  assert.match(retry.stderr, /trials 0, 1 of 2/);
  const again = ntkexp(['merge', s0, s1, '--out', out]);
  assert.equal(again.status, 2, 'an existing run is not replaced');
  assert.match(again.stderr, /already exists and is not empty: choose a new or empty folder$/m);
});
