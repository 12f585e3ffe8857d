import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedSharpness, edgeOfStability, stabilityNotices, type StabilityRecord } from '../../src/analysis/edgeOfStability';

// The edge-of-stability rule over a run's records: each trial's first measurement at or above its
// threshold (not the first in time over all trials, not the largest), the sharpness the threshold bounds
// (λmax(H), or Adam's preconditioned one), and the catapult check at step 0 only.

const rec = (trial: number, step: number, H: number | null, over: Partial<StabilityRecord> = {}): StabilityRecord => ({
  trial,
  step,
  t: step / 10,
  sharpness: { H },
  stability: { optimizer: 'gd', threshold: 2, rule: '2/η', on: 'H' },
  ...over,
});

test('each trial is reported at its first measurement at or above the threshold; null sharpness is skipped', () => {
  const e = edgeOfStability([rec(1, 20, 2.5), rec(0, 0, 1), rec(0, 10, 2), rec(0, 20, 3), rec(1, 10, 1.99), rec(2, 0, null), rec(2, 10, 1.5)])!;
  assert.deepEqual(e.crossed, [
    { trial: 0, step: 10, t: 1, sharpness: 2 },
    { trial: 1, step: 20, t: 2, sharpness: 2.5 },
  ]);
  assert.equal(e.trials, 3);
  assert.equal(e.catapult, undefined);
  const notices = stabilityNotices(e);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /reached gd's threshold 2\/η = 2\.000 in 2 of 3 trials, first at step 10 \(t = 1\.000, trial 0: 2\.000\)/);
});

test("Adam's threshold bounds the preconditioned sharpness, not λmax(H)", () => {
  const adam = { optimizer: 'adam', threshold: 38, rule: '(2 + 2β₁)/((1 − β₁)η)', on: 'preconditioned H' };
  const r = (step: number, H: number, pre?: number): StabilityRecord => ({ trial: 0, step, t: step, sharpness: { H, ...(pre !== undefined ? { preconditioned: pre } : {}) }, stability: adam });
  assert.equal(boundedSharpness(r(0, 100)), undefined);
  const e = edgeOfStability([r(0, 100), r(5, 100, 10), r(9, 1, 40)])!;
  assert.deepEqual(e.crossed, [{ trial: 0, step: 9, t: 9, sharpness: 40 }]);
  assert.match(stabilityNotices(e)[0], /the preconditioned sharpness λmax\(P⁻¹H\) reached adam's threshold/);
});

test('the catapult check is read at step 0, counted over the trials; below the threshold nothing is said', () => {
  const cat = (trial: number, regime: boolean): StabilityRecord =>
    rec(trial, 0, 1, { stability: { optimizer: 'gd', threshold: 2, rule: '2/η', on: 'H', catapult: { linearized: regime ? 3 : 1, threshold: 2, regime } } });
  const e = edgeOfStability([cat(1, false), cat(0, true), cat(2, true), rec(0, 5, 1)])!;
  assert.deepEqual(e.catapult, { linearized: 3, threshold: 2, regime: true, trials: 3, in_regime: 2 });
  assert.match(stabilityNotices(e).join(' '), /catapult regime: .* λmax\(Θ̂\)\/N = 3\.000 is above 2\/η = 2\.000 \(in 2 of 3 trials\)/);
  assert.deepEqual(stabilityNotices(edgeOfStability([cat(0, false), rec(0, 5, 1)])), []);
  assert.equal(edgeOfStability([{ trial: 0, step: 0, t: 0, sharpness: { H: 5 } }]), undefined, 'records from before the threshold was recorded');
});
