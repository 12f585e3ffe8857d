import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinActivation } from '../../../src/catalogue/activations';
import { Rng } from '../../../src/engine/rng';
import { matmul } from '../../../src/engine/linalg/dense';
import { initialDistribution } from '../../../src/engine/theory/initialDistribution';
import { infiniteWidthKernels, type InfiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { mseExpectedPrediction } from '../../../src/engine/theory/mseExpected';
import { msePathwisePrediction, mseSetup } from '../../../src/engine/theory/msePathwise';
import { VISIBLE_NULL_SHARE } from '../../../src/engine/theory/thetaSpectrum';
import { normalizedInputs, relative } from './fixtures';

const N = 6;
const nL = 2;
const kernels = infiniteWidthKernels(normalizedInputs(N, 4, 21), 4, { depth: 3, beta: 0.1, activation: builtinActivation('smooth_relu') });
const setup = mseSetup(kernels);
const lambdaMax = setup.spectrum.eig.values[N - 1];
// η λmax/N = 1.5: stable, but the fastest mode overshoots, so discrete and flow differ visibly.
const eta = (1.5 * N) / lambdaMax;
const target = new Rng(22, 'target').fillNormal(new Float64Array(N * nL));
const trial = initialDistribution(kernels).sample(new Rng(23, 'trial'), nL);
const steps = [0, 1, 2, 5, 10, 40];

/** Gradient descent on the linearized network, step by step: the reference for the closed forms. */
function iterate(k: InfiniteWidthKernels, Y0: Float64Array, G0: Float64Array, rate: number, upTo: number) {
  const n = k.N;
  let Y = Y0.slice();
  let G = G0.slice();
  const out: Array<{ traceS: number; traceS2: number; loss: number; Y: Float64Array }> = [];
  for (let s = 0; s <= upTo; s++) {
    const grad = Y.map((y, p) => (y - target[p]) / n);
    const UG = matmul(k.upsilon, grad, n, n, nL);
    let traceS = 0;
    let traceS2 = 0;
    let loss = 0;
    for (let p = 0; p < n * nL; p++) {
      traceS += G[p] * grad[p];
      traceS2 += grad[p] * UG[p];
      loss += (n * grad[p]) ** 2 / (2 * n);
    }
    out.push({ traceS, traceS2, loss, Y: Y.slice() });
    const dY = matmul(k.theta, grad, n, n, nL);
    const dG = matmul(k.lambdaKernel, grad, n, n, nL);
    Y = Y.map((y, p) => y - rate * dY[p]);
    G = G.map((g, p) => g - rate * dG[p]);
  }
  return out;
}

test('MSE path-wise, discrete: the closed forms with A^s match gradient descent on the linearized network to 1e-10', () => {
  const p = msePathwisePrediction(setup, { ...trial, target, nL, eta, steps, kmax: 4 });
  const ref = iterate(kernels, trial.Y0, trial.G0, eta, 40);
  steps.forEach((s, i) => {
    assert.ok(relative(p.traceS[0][i], ref[s].traceS, 1e-3) < 1e-10, `Tr S at ${s}: ${p.traceS[0][i]} vs ${ref[s].traceS}`);
    assert.ok(relative(p.traceS[1][i], ref[s].traceS2, 1e-3) < 1e-10, `Tr S² at ${s}`);
    assert.ok(relative(p.loss[i], ref[s].loss, 1e-3) < 1e-10, `loss at ${s}`);
    for (let q = 0; q < N * nL; q++) assert.ok(Math.abs(p.Y[i][q] - ref[s].Y[q]) < 1e-10);
    for (let k = 3; k <= 4; k++) assert.equal(p.traceS[k - 1][i], 0);
    assert.ok(Math.abs(p.traceH[0][i] - (p.traceI[0][i] + p.traceS[0][i])) < 1e-12);
    assert.ok(Math.abs(p.traceH[1][i] - (p.traceI[1][i] + p.traceS[1][i])) < 1e-12);
  });
  assert.deepEqual(p.times, steps.map((s) => eta * s));
  assert.deepEqual(p.warnings, []);
});

test('MSE: Tr(I^k) = nL Tr((Θ/N)^k), constant in t', () => {
  const p = msePathwisePrediction(setup, { ...trial, target, nL, eta, steps: [0, 7], kmax: 3 });
  let power: Float64Array = new Float64Array(N * N);
  for (let i = 0; i < N; i++) power[i * N + i] = 1;
  const thetaBar = kernels.theta.map((v) => v / N);
  for (let k = 1; k <= 3; k++) {
    power = matmul(power, thetaBar, N, N, N);
    let trace = 0;
    for (let i = 0; i < N; i++) trace += power[i * N + i];
    assert.ok(relative(p.traceI[k - 1][0], nL * trace) < 1e-12, `k = ${k}`);
    assert.equal(p.traceI[k - 1][1], p.traceI[k - 1][0]);
  }
});

test('a singular Θ is not a warning when the residual has no visible part along its null space; the share decides, not the rank', () => {
  const X = normalizedInputs(N, 4, 24);
  for (let d = 0; d < 4; d++) X[4 + d] = X[d];
  const k = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: builtinActivation('tanh') });
  const s = mseSetup(k);
  assert.equal(s.spectrum.rank, N - 1);
  // The same target on both copies, and Y(0) equal there too: the residual is in Θ's range.
  const same = Float64Array.from(target);
  for (let o = 0; o < nL; o++) same[1 * nL + o] = same[0 * nL + o];
  const Y0 = new Float64Array(N * nL);
  const G0 = new Float64Array(N * nL);
  const quiet = msePathwisePrediction(s, { Y0, G0, target: same, nL, eta: 0.5, steps: [0, 3], kmax: 2 });
  assert.ok(!quiet.warnings.some((w) => /singular/.test(w)), quiet.warnings.join('\n'));
  const expected = mseExpectedPrediction(s, k, { target: same, nL, eta: 0.5, steps: [0, 3], kmax: 2 });
  assert.ok(!expected.warnings.some((w) => /singular/.test(w)), expected.warnings.join('\n'));
  // Just above and below the visible share: the warning follows the residual, whatever the rank.
  const split = (share: number): Float64Array => {
    const t = Float64Array.from(same);
    // The null direction of two equal inputs is (e0 − e1)/√2: move the copies apart by that share.
    let norm = 0;
    for (const y of t) norm += y * y;
    const d = share * Math.sqrt(norm / nL) * Math.SQRT1_2 * Math.sqrt(1 / (1 - share * share));
    for (let o = 0; o < nL; o++) {
      t[0 * nL + o] += d;
      t[1 * nL + o] -= d;
    }
    return t;
  };
  const atShare = (share: number) => msePathwisePrediction(s, { Y0, G0, target: split(share), nL, eta: 0.5, steps: [0], kmax: 1 }).warnings.some((w) => /singular/.test(w));
  assert.equal(atShare(VISIBLE_NULL_SHARE / 3), false);
  assert.equal(atShare(VISIBLE_NULL_SHARE * 30), true);
});

test('MSE path-wise with a singular Θ (a duplicated input): the closed forms still match gradient descent, and say Θ is singular', () => {
  const X = normalizedInputs(N, 4, 24);
  for (let d = 0; d < 4; d++) X[4 + d] = X[d];
  const k = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: builtinActivation('tanh') });
  const s = mseSetup(k);
  assert.equal(s.spectrum.rank, N - 1);
  const eta2 = N / s.spectrum.eig.values[N - 1];
  const Y0 = initialDistribution(k).sample(new Rng(25), nL);
  const p = msePathwisePrediction(s, { ...Y0, target, nL, eta: eta2, steps: [0, 3, 30], kmax: 2 });
  // Different targets on the duplicated input: the residual has a part the dynamics cannot move.
  assert.match(p.warnings.join('\n'), /singular .* of the residual Y\* − Y\(0\) lies along its 1 null direction/);
  assert.match(p.warnings.join('\n'), /loss cannot fall below/);
  const ref = iterate(k, Y0.Y0, Y0.G0, eta2, 30);
  [0, 3, 30].forEach((st, i) => {
    assert.ok(relative(p.traceS[0][i], ref[st].traceS, 1e-3) < 1e-9, `Tr S at ${st}: ${p.traceS[0][i]} vs ${ref[st].traceS}`);
    assert.ok(relative(p.traceS[1][i], ref[st].traceS2, 1e-3) < 1e-9, `Tr S² at ${st}`);
  });
});

test('MSE expected: t = 0 gives E[Tr S] = Tr(Φ)/N and E[Tr S²] = Tr(Υ(Σ + Y*Y*ᵀ))/N² (nL = 1)', () => {
  const y1 = target.filter((_, p) => p % nL === 0);
  const e = mseExpectedPrediction(setup, kernels, { target: y1, nL: 1, eta, steps: [0], kmax: 2 });
  let trPhi = 0;
  for (let i = 0; i < N; i++) trPhi += kernels.phi[i * N + i];
  assert.ok(relative(e.traceS[0][0], trPhi / N) < 1e-12, `${e.traceS[0][0]} vs ${trPhi / N}`);
  assert.ok(e.traceS[0][0] > 0, 'positive for softplus (paper §3.4)');
  let tr2 = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) tr2 += kernels.upsilon[i * N + j] * (kernels.sigma[j * N + i] + y1[j] * y1[i]);
  assert.ok(relative(e.traceS[1][0], tr2 / (N * N)) < 1e-12);
});

test('MSE expected: the closed forms equal the average of the path-wise formula over 4000 draws of (Y(0), G(0)), within 3 standard errors', () => {
  const law = initialDistribution(kernels);
  const rng = new Rng(26, 'expected');
  const samples = 4000;
  for (const mode of ['discrete', 'flow'] as const) {
    const st = [0, 3, 20];
    const e = mseExpectedPrediction(setup, kernels, { target, nL, eta, steps: st, kmax: 2, mode });
    const sums = { s1: [0, 0, 0], s1sq: [0, 0, 0], s2: [0, 0, 0], s2sq: [0, 0, 0], l: [0, 0, 0], lsq: [0, 0, 0] };
    for (let r = 0; r < samples; r++) {
      const draw = law.sample(rng, nL);
      const p = msePathwisePrediction(setup, { ...draw, target, nL, eta, steps: st, kmax: 2, mode });
      for (let i = 0; i < st.length; i++) {
        sums.s1[i] += p.traceS[0][i];
        sums.s1sq[i] += p.traceS[0][i] ** 2;
        sums.s2[i] += p.traceS[1][i];
        sums.s2sq[i] += p.traceS[1][i] ** 2;
        sums.l[i] += p.loss[i];
        sums.lsq[i] += p.loss[i] ** 2;
      }
    }
    const check = (what: string, predicted: number, sum: number, sumSq: number) => {
      const mean = sum / samples;
      const se = Math.sqrt((sumSq / samples - mean * mean) / (samples - 1));
      assert.ok(Math.abs(mean - predicted) < 3 * se, `${mode} ${what}: predicted ${predicted}, Monte Carlo ${mean} ± ${se}`);
    };
    for (let i = 0; i < st.length; i++) {
      check(`E Tr S at ${st[i]}`, e.traceS[0][i], sums.s1[i], sums.s1sq[i]);
      check(`E Tr S² at ${st[i]}`, e.traceS[1][i], sums.s2[i], sums.s2sq[i]);
      check(`E loss at ${st[i]}`, e.loss[i], sums.l[i], sums.lsq[i]);
    }
  }
});

test('MSE: discrete and flow agree when η is small (t = η s fixed), and differ at η λmax/N = 1.5', () => {
  const small = msePathwisePrediction(setup, { ...trial, target, nL, eta: eta / 1000, steps: [20000], kmax: 2, mode: 'discrete' });
  const flow = msePathwisePrediction(setup, { ...trial, target, nL, eta: eta / 1000, steps: [20000], kmax: 2, mode: 'flow' });
  assert.ok(relative(small.traceS[0][0], flow.traceS[0][0]) < 1e-2);
  const d = msePathwisePrediction(setup, { ...trial, target, nL, eta, steps: [2], kmax: 2, mode: 'discrete' });
  const f = msePathwisePrediction(setup, { ...trial, target, nL, eta, steps: [2], kmax: 2, mode: 'flow' });
  assert.ok(relative(d.traceS[1][0], f.traceS[1][0]) > 1e-2);
});

test('a learning rate beyond 2N/λmax is reported', () => {
  const p = msePathwisePrediction(setup, { ...trial, target, nL, eta: (2.5 * N) / lambdaMax, steps: [1], kmax: 1 });
  assert.match(p.warnings.join('\n'), /diverges/);
  assert.throws(() => msePathwisePrediction(setup, { ...trial, target: new Float64Array(3), nL, eta, steps: [1], kmax: 1 }), /Y\*/);
  assert.throws(() => msePathwisePrediction(setup, { ...trial, target, nL, eta, steps: [1.5], kmax: 1 }), /steps/);
});
