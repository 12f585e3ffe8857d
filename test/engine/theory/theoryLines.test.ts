import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bce, mse } from '../../../src/catalogue/losses';
import { builtinActivation } from '../../../src/catalogue/activations';
import { Rng } from '../../../src/engine/rng';
import { initialDistribution } from '../../../src/engine/theory/initialDistribution';
import { infiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { meanFieldPrediction } from '../../../src/engine/theory/meanField';
import { mseExpectedPrediction } from '../../../src/engine/theory/mseExpected';
import { msePathwisePrediction, mseSetup } from '../../../src/engine/theory/msePathwise';
import { theoryLines } from '../../../src/engine/theory/theoryLines';
import { normalizedInputs, relative } from './fixtures';

const N = 5;
const kernels = infiniteWidthKernels(normalizedInputs(N, 3, 41), 3, { depth: 3, beta: 0.1, activation: builtinActivation('normalized_smooth_relu') });
const law = initialDistribution(kernels);

test('mean field, MSE: ∇C = −Y*/N; Tr(H)/√w has variance ∇CᵀΞ∇C (Monte Carlo over G, 3 standard errors); Tr(H²)/w → ∇CᵀΥ∇C', () => {
  const nL = 2;
  const target = new Rng(42).fillNormal(new Float64Array(N * nL));
  const m = meanFieldPrediction(kernels, target, nL);
  m.gradient.forEach((g, p) => assert.ok(Math.abs(g + target[p] / N) < 1e-15));
  let upsilon = 0;
  for (let a = 0; a < nL; a++) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) upsilon += target[i * nL + a] * kernels.upsilon[i * N + j] * target[j * nL + a];
  assert.ok(relative(m.traceH2, upsilon / (N * N)) < 1e-12);
  // Tr S = Gᵀ∇C with G ~ N(0, Ξ): its sample variance against the prediction.
  const rng = new Rng(43);
  const n = 20000;
  let s2 = 0;
  let s4 = 0;
  for (let r = 0; r < n; r++) {
    const { G0 } = law.sample(rng, nL);
    const t = G0.reduce((acc, g, p) => acc + g * m.gradient[p], 0);
    s2 += t * t;
    s4 += t ** 4;
  }
  const variance = s2 / n;
  const se = Math.sqrt((s4 / n - variance * variance) / n);
  assert.equal(m.traceH.mean, 0);
  assert.ok(Math.abs(variance - m.traceH.variance) < 3 * se, `variance ${variance} ± ${se}, predicted ${m.traceH.variance}`);
  assert.ok(relative(m.traceH.std, Math.sqrt(m.traceH.variance)) < 1e-15);
});

test('mean field, BCE: ∇C at Y = 0 is −Y*/(2N)', () => {
  const target = Float64Array.from({ length: N }, (_, i) => (i % 2 ? 1 : -1));
  const m = meanFieldPrediction(kernels, target, 1, bce);
  m.gradient.forEach((g, i) => assert.ok(Math.abs(g + target[i] / (2 * N)) < 1e-15));
});

test('theory lines for MSE: the closed forms at the run\'s steps, path-wise and expected, as plain JSON', () => {
  const nL = 1;
  const target = new Rng(44).fillNormal(new Float64Array(N));
  const trial = law.sample(new Rng(45), nL);
  const steps = [0, 1, 2, 10, 100];
  const lines = theoryLines({ kernels, loss: mse, target, nL, eta: 0.5, steps, trial, meanField: true });
  const setup = mseSetup(kernels);
  const path = msePathwisePrediction(setup, { ...trial, target, nL, eta: 0.5, steps, kmax: 4 });
  const expected = mseExpectedPrediction(setup, kernels, { target, nL, eta: 0.5, steps, kmax: 4 });
  assert.equal(lines.mode, 'discrete');
  assert.equal(lines.kmax, 4);
  assert.deepEqual(lines.pathwise!.traceS, path.traceS);
  assert.deepEqual(lines.pathwise!.traceH, path.traceH);
  assert.deepEqual(lines.expected!.traceS, expected.traceS);
  assert.equal(lines.expected!.method, 'closed form');
  assert.deepEqual(lines.times, steps.map((s) => 0.5 * s));
  assert.ok(lines.meanField && lines.meanField.traceH2 > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(lines)), lines);
});

test('theory lines for BCE: path-wise by the discrete map; expected only by Monte Carlo, with standard errors, reproducible by seed', () => {
  const target = Float64Array.from({ length: N }, (_, i) => (i < 2 ? 1 : -1));
  const trial = law.sample(new Rng(46), 1);
  const request = { kernels, loss: bce, target, nL: 1, eta: 1, steps: [0, 5, 20], trial };
  const noSamples = theoryLines(request);
  assert.ok(noSamples.pathwise && !noSamples.expected);
  assert.match(noSamples.warnings.join('\n'), /Monte-Carlo/);
  const a = theoryLines({ ...request, expected: { samples: 200, seed: 7 } });
  const b = theoryLines({ ...request, expected: { samples: 200, seed: 7 } });
  assert.deepEqual(a.expected, b.expected);
  assert.equal(a.expected!.method, 'monte carlo');
  const se = a.expected!.traceSStandardError!;
  assert.ok(se[0].every((v) => v > 0) && se[1].every((v) => v > 0));
  // The Monte-Carlo loss at step 0 is E[C(Y(0))], Y(0) ~ N(0, Σ): compare with a separate average.
  const rng = new Rng(47);
  let loss0 = 0;
  for (let r = 0; r < 4000; r++) {
    const { Y0 } = law.sample(rng, 1);
    for (let i = 0; i < N; i++) loss0 += Math.log1p(Math.exp(-target[i] * Y0[i])) / N;
  }
  assert.ok(Math.abs(a.expected!.loss[0] - loss0 / 4000) < 0.05 * (loss0 / 4000));
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
});

test('theory lines for ReLU say that the S-part is undefined', () => {
  const relu = infiniteWidthKernels(normalizedInputs(N, 3, 48), 3, { depth: 2, beta: 0.1, activation: builtinActivation('relu') });
  const lines = theoryLines({ kernels: relu, loss: mse, target: new Float64Array(N).fill(1), nL: 1, eta: 1, steps: [0, 1] });
  assert.match(lines.warnings.join('\n'), /Dirac/);
  assert.ok(lines.expected!.traceS[0].every(Number.isNaN));
  assert.ok(lines.expected!.traceI[0].every(Number.isFinite));
});

test('ReLU under BCE, flow: Y and Tr(I^k) are still integrated while the S-part stays NaN', () => {
  const relu = infiniteWidthKernels(normalizedInputs(N, 3, 49), 3, { depth: 3, beta: 0.1, activation: builtinActivation('relu') });
  const target = Float64Array.from({ length: N }, (_, i) => (i % 2 ? 1 : -1));
  const trial = { Y0: new Rng(50).fillNormal(new Float64Array(N)), G0: new Float64Array(N) };
  const lines = theoryLines({ kernels: relu, loss: bce, target, nL: 1, eta: 1, steps: [0, 10, 50], trial, mode: 'flow', expected: { samples: 10, seed: 1 } });
  assert.ok(lines.pathwise!.traceI[0].every(Number.isFinite));
  assert.ok(lines.pathwise!.loss[2] < lines.pathwise!.loss[0]);
  assert.ok(Number.isNaN(lines.pathwise!.traceS[0][1]));
  assert.ok(!lines.expected);
  assert.match(lines.warnings.join('\n'), /undefined/);
});
