import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviationOf, formatDeviation, hiddenWidth, quantityScale, vanishes } from '../../src/analysis/deviation';
import { summarizeRun } from '../../src/run/summary';
import { momentsTable } from '../../src/cli/momentsTable';
import { momentsOrNaN, orNaN, type MeasurementRecord, type Moments } from '../../src/contracts/engineMessages';
import type { RunInfo } from '../../src/contracts/runStore';
import type { EngineMessage } from '../../src/contracts/engineMessages';

// The rule every printed deviation follows (src/analysis/deviation.ts), on the family of cases it must
// cover: with a standard error, without one (a prediction crossing zero), and a quantity that vanishes
// only at infinite width; then through summary.json and the CLI's table.

test('deviationOf: in standard errors when the comparison has one, relative to the scale otherwise, w·x where the limit is 0', () => {
  assert.deepEqual(deviationOf({ measured: 1.3, predicted: 1, stderr: 0.1, scale: 2, vanishes: false }), { kind: 'stderr', value: (1.3 - 1) / 0.1 });
  // No standard error: relative to the quantity's scale over the run, not to the prediction at this time.
  const crossing = deviationOf({ measured: 0.055, predicted: 1e-5, scale: 0.5, vanishes: false });
  assert.equal(crossing.kind, 'relative');
  assert.ok(Math.abs((crossing as { value: number }).value - (0.055 - 1e-5) / 0.5) < 1e-15);
  assert.equal(formatDeviation(crossing), '+11.0%');
  // A zero standard error is no standard error.
  assert.equal(deviationOf({ measured: 2, predicted: 1, stderr: 0, scale: 4, vanishes: false }).kind, 'relative');
  assert.deepEqual(deviationOf({ measured: 0.002, predicted: 0, stderr: 1e-4, scale: 0, vanishes: true, width: 256 }), { kind: 'finiteWidth', scaled: 0.512, width: 256 });
  assert.equal(formatDeviation({ kind: 'finiteWidth', scaled: -0.512, width: 256 }), 'w·x = −0.51');
  assert.equal(formatDeviation({ kind: 'finiteWidth', scaled: 3.4e-6, width: 256 }), 'w·x = +3.4e-6');
  assert.deepEqual(deviationOf({ measured: 0.002, predicted: 0, scale: 0, vanishes: true }), { kind: 'none' });
  assert.deepEqual(deviationOf({ measured: 1, predicted: undefined, scale: 1, vanishes: false }), { kind: 'none' });
  assert.equal(formatDeviation({ kind: 'stderr', value: -2.04 }), '−2.0σ');
  assert.equal(quantityScale([0.5, -0.8, undefined, 1e-6], [9]), 0.8);
  assert.equal(quantityScale([0, 0], [-3, 2]), 3);
  assert.ok(vanishes([0, 0, 0]) && !vanishes([0, 1e-30]) && !vanishes([]));
  assert.equal(hiddenWidth({ network: { width: 256 } }), 256);
  assert.equal(hiddenWidth({ network: { widths: [300, 100] } }), 100);
  assert.equal(hiddenWidth({ network: { width: 'wide' } }), undefined);
  assert.equal(hiddenWidth(undefined), undefined);
});

// Three trials, three steps; the expected Tr(S) crosses zero at step 10, Tr(S³) is 0 in the limit.
const expectedAt = (step: number): Moments => ({
  H: [2 + step / 100, 1],
  I: [2, 1],
  S: [[0.5, 1e-6, -0.4][step / 10], 0, 0],
});
const measuredAt = (step: number, trial: number): Moments => ({
  H: [2.1 + step / 100 + 0.01 * trial, 1.05],
  I: [1.9 + 0.02 * trial, 0.9],
  S: [[0.52, 0.055, -0.41][step / 10] + 0.001 * trial, 0.001, 0.002 + 0.001 * trial],
});

function records(trials: number): EngineMessage[] {
  const out: EngineMessage[] = [];
  for (let trial = 0; trial < trials; trial++) {
    for (const step of [0, 10, 20]) {
      const m = measuredAt(step, trial);
      const zero = { H: m.H.map(() => 1e-6), I: m.I.map(() => 1e-7), S: m.S.map(() => 1e-6) };
      const record: MeasurementRecord = { type: 'measurement', trial, step, t: step, loss: 1, moments: m, moments_stderr: zero, theory: expectedAt(step), expected: expectedAt(step), exact: false, elapsed_ms: 1 };
      out.push(record as EngineMessage);
    }
  }
  return out;
}

const info = (trials: number): RunInfo => ({ id: 'r', experiment: 'e', status: 'finished', backend: 'wasm', trials: Array.from({ length: trials }, (_, i) => i), resolved: { network: { width: 256 } } }) as unknown as RunInfo;

test('summary.json: deviation relative to the scale over the run, in standard errors over trials, the spread, null where the limit is 0', () => {
  const s = summarizeRun(info(3), records(3), 0);
  const at10 = s.steps.find((st) => st.step === 10)!;
  const meanS = (0.055 * 3 + 0.001 * 3) / 3;
  assert.ok(Math.abs(orNaN(at10.mean.S[0]) - meanS) < 1e-15);
  // Scale: the largest |expected Tr(S)| over the run, 0.5 (not 1e-6, which gave "+5471%"-like figures).
  assert.ok(Math.abs(at10.deviation!.S[0]! - (meanS - 1e-6) / 0.5) < 1e-12, `${at10.deviation!.S[0]}`);
  const values = [0, 1, 2].map((t) => 0.055 + 0.001 * t);
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - meanS) ** 2, 0) / 2);
  assert.ok(Math.abs(orNaN(at10.spread!.S[0]) - sd) < 1e-15);
  assert.ok(Math.abs(orNaN(at10.stderr.S[0]) - sd / Math.sqrt(3)) < 1e-15);
  assert.ok(Math.abs(at10.deviation_se!.S[0]! - (meanS - 1e-6) / (sd / Math.sqrt(3))) < 1e-9);
  // Tr(S³): expected 0 at every step — no relative or σ figure.
  assert.equal(at10.deviation!.S[2], null);
  assert.equal(at10.deviation_se!.S[2], null);
  // One trial: no standard error over trials, no spread.
  const one = summarizeRun(info(1), records(1), 0).steps[1];
  assert.equal(one.spread, undefined);
  assert.equal(one.deviation_se, undefined);
});

test('the CLI table applies the same rule: σ and spread over trials, % of the scale for one trial, w·x for Tr(S³)', () => {
  const rowsOf = (n: number) =>
    summarizeRun(info(n), records(n), 0).steps.map((st) => ({ step: st.step, t: st.t, loss: orNaN(st.loss.mean), moments: momentsOrNaN(st.mean), stderr: momentsOrNaN(st.stderr), spread: st.spread && momentsOrNaN(st.spread), theory: st.expected && momentsOrNaN(st.expected) }));
  const many = momentsTable(rowsOf(3), { kmax: 3, theoryLabel: 'expected', overTrials: true, width: 256 });
  const sBlock = many.split('\n\n')[2];
  assert.match(sBlock.split('\n')[0], /spread/);
  assert.match(sBlock, /0 \+ O\(1\/256\)/);
  assert.match(sBlock, /w·x = \+0\.77/); // 256 × mean Tr(S³) at every step (0.003)
  assert.match(sBlock, /σ/);
  assert.doesNotMatch(sBlock, /\d{3,}\.\d%/, 'no relative deviation in the hundreds of percent');
  const single = momentsTable(rowsOf(1), { kmax: 3, theoryLabel: 'theory', overTrials: false, width: 256 });
  const sSingle = single.split('\n\n')[2];
  assert.doesNotMatch(sSingle, /σ/);
  assert.doesNotMatch(sSingle.split('\n')[0], /spread/);
  // Tr(S) at step 10: (0.055 − 1e-6)/0.5 of the scale.
  assert.match(sSingle.split('\n')[2], /\+11\.0%/);
});
