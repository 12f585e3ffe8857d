import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Curvature } from '../../../src/engine/network/curvature';
import { ntkGram } from '../../../src/engine/network/ntkGram';
import { hessianTraces } from '../../../src/engine/network/hessianTrace';
import { initialParameters, type NetworkSpec } from '../../../src/engine/network/spec';
import { builtinActivation } from '../../../src/catalogue/activations';
import { mse } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { hutchinsonMoments } from '../../../src/engine/linalg/hutchinson';
import { infiniteWidthKernels, mseExpectedPrediction, mseSetup, outputQuadratic } from '../../../src/engine/theory';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { normalizedInputs } from './fixtures';

// The theory against finite networks of the engine. Statistical tests: fixed seeds, tolerances stated
// in each test. Small N keeps the products cheap at large width.

before(async () => {
  await setupBackend();
});

const activation = builtinActivation('smooth_relu');
const spec = (width: number, n0: number): NetworkSpec => ({ widths: [n0, width, width, 1], activation, beta: 0.1, parametrization: 'ntk' });

test('at width 4000 the empirical NTK Gram Θ̂ is within 5% of Θ (Frobenius, mean of 2 networks)', (t) => {
  const N = 6;
  const n0 = 5;
  const X = normalizedInputs(N, n0, 1);
  const theta = infiniteWidthKernels(X, n0, { depth: 3, beta: 0.1, activation }).theta;
  const mean = new Float64Array(N * N);
  for (let s = 0; s < 2; s++) {
    const net = new TfNetwork(spec(4000, n0), initialParameters(spec(4000, n0), new Rng(s, 'init')), X);
    const g = ntkGram(net);
    net.dispose();
    for (let i = 0; i < N * N; i++) mean[i] += g[i] / 2;
  }
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < N * N; i++) {
    diff += (mean[i] - theta[i]) ** 2;
    norm += theta[i] ** 2;
  }
  const rel = Math.sqrt(diff / norm);
  t.diagnostic(`‖Θ̂ − Θ‖_F/‖Θ‖_F = ${rel.toFixed(4)}`);
  assert.ok(rel < 0.05, `‖Θ̂ − Θ‖_F/‖Θ‖_F = ${rel}`);
});

test('over 40 initializations (width 500), the means of Tr S(0) and Tr S(0)² are within 3 standard errors of E[Tr S(0)], E[Tr S(0)²]', (t) => {
  const N = 4;
  const n0 = 3;
  const X = normalizedInputs(N, n0, 2);
  const target = new Rng(2, 'targets').fillNormal(new Float64Array(N));
  const kernels = infiniteWidthKernels(X, n0, { depth: 3, beta: 0.1, activation });
  const expected = mseExpectedPrediction(mseSetup(kernels), kernels, { target, nL: 1, eta: 1, steps: [0], kmax: 2 });
  const trials = 40;
  const s1: number[] = [];
  const s2: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const sp = spec(500, n0);
    const net = new TfNetwork(sp, initialParameters(sp, new Rng(7, 'init', trial)), X);
    const ev = evaluateLoss(mse, net.outputs(), target, N, 1);
    const G = hessianTraces(net);
    s1.push(G.reduce((s, g, i) => s + g * ev.gradient[i], 0));
    const curv = new Curvature(net, ev);
    // Tr(S²) per network by Hutchinson: its own noise is part of the spread the standard error sees.
    s2.push(hutchinsonMoments(curv.operators().S, { kmax: 2, probes: 20, rng: new Rng(trial, 'probes') }).moments[1].estimate);
    curv.dispose();
    net.dispose();
  }
  const stats = (x: number[]): { mean: number; se: number } => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
    return { mean: m, se: Math.sqrt(v / x.length) };
  };
  const a = stats(s1);
  const b = stats(s2);
  const e1 = expected.traceS[0][0];
  const e2 = expected.traceS[1][0];
  t.diagnostic(`Tr S(0): ${a.mean.toPrecision(4)} ± ${a.se.toPrecision(2)} vs ${e1.toPrecision(4)}; Tr S(0)²: ${b.mean.toPrecision(4)} ± ${b.se.toPrecision(2)} vs ${e2.toPrecision(4)}`);
  assert.ok(Math.abs(a.mean - e1) <= 3 * a.se, `mean Tr S(0) = ${a.mean} ± ${a.se}, expected ${e1}`);
  assert.ok(Math.abs(b.mean - e2) <= 3 * b.se, `mean Tr S(0)² = ${b.mean} ± ${b.se}, expected ${e2}`);
});

test('the relative error of Tr(S²) to ∇CᵀΥ∇C shrinks as the width grows 125 → 500 → 2000 (RMS over 8 networks each)', (t) => {
  const N = 4;
  const n0 = 3;
  const X = normalizedInputs(N, n0, 3);
  const target = new Rng(3, 'targets').fillNormal(new Float64Array(N));
  const kernels = infiniteWidthKernels(X, n0, { depth: 3, beta: 0.1, activation });
  const errors: number[] = [];
  for (const width of [125, 500, 2000]) {
    let sumSquares = 0;
    const networks = 8;
    for (let s = 0; s < networks; s++) {
      const sp = spec(width, n0);
      const net = new TfNetwork(sp, initialParameters(sp, new Rng(s, 'init', width)), X);
      const ev = evaluateLoss(mse, net.outputs(), target, N, 1);
      // the prediction with this network's own ∇C (THEORY.md §6: Tr S² → ∇CᵀΥ∇C)
      const predicted = outputQuadratic(kernels.upsilon, ev.gradient, N, 1);
      const curv = new Curvature(net, ev);
      const m = hutchinsonMoments(curv.operators().S, { kmax: 2, probes: 40, rng: new Rng(s, 'probes', width) }).moments[1];
      curv.dispose();
      net.dispose();
      sumSquares += ((m.estimate - predicted) / predicted) ** 2;
    }
    errors.push(Math.sqrt(sumSquares / networks));
  }
  t.diagnostic(`RMS relative error of Tr S² against ∇CᵀΥ∇C: ${errors.map((e) => e.toFixed(4)).join(' → ')}`);
  // The error is O(1/√width): each 4× in width should about halve it; require a strict decrease.
  assert.ok(errors[1] < errors[0] && errors[2] < errors[1], `RMS relative errors ${errors.map((e) => e.toFixed(4)).join(' → ')}`);
});

test('through training (MSE, width 1000, depth 3, N = 6, η = 1): a trial follows its path-wise prediction at five times', async () => {
  const { msePathwisePrediction } = await import('../../../src/engine/theory');
  const N = 6;
  const n0 = 4;
  const X = normalizedInputs(N, n0, 5);
  const target = new Rng(5, 'targets').fillNormal(new Float64Array(N));
  const kernels = infiniteWidthKernels(X, n0, { depth: 3, beta: 0.1, activation });
  const sp = spec(1000, n0);
  const net = new TfNetwork(sp, initialParameters(sp, new Rng(1, 'init')), X);
  const steps = [0, 2, 5, 15, 40];
  const prediction = msePathwisePrediction(mseSetup(kernels), { Y0: net.outputs(), G0: hessianTraces(net), target, nL: 1, eta: 1, steps, kmax: 4 });
  const measured = { S1: [] as number[], S2: [] as { estimate: number; stderr: number }[], I: [] as number[][] };
  for (let step = 0; step <= 40; step++) {
    const ev = evaluateLoss(mse, net.outputs(), target, N, 1);
    if (steps.includes(step)) {
      const G = hessianTraces(net);
      measured.S1.push(G.reduce((s, g, i) => s + g * ev.gradient[i], 0));
      const curv = new Curvature(net, ev);
      measured.S2.push(hutchinsonMoments(curv.operators().S, { kmax: 2, probes: 30, rng: new Rng(step, 'probes') }).moments[1]);
      curv.dispose();
      measured.I.push(traceMatrixPowers(ntkGram(net), N, 4));
    }
    net.step(1, ev.gradient);
  }
  net.dispose();
  // Tr(S) passes near zero along the path, so its error is measured against the path's scale.
  const scaleS = Math.max(...prediction.traceS[0].map(Math.abs));
  steps.forEach((step, s) => {
    const dS = Math.abs(measured.S1[s] - prediction.traceS[0][s]);
    assert.ok(dS <= 0.1 * scaleS, `step ${step}: Tr S ${measured.S1[s]} vs ${prediction.traceS[0][s]} (path scale ${scaleS})`);
    const m2 = measured.S2[s];
    const p2 = prediction.traceS[1][s];
    assert.ok(Math.abs(m2.estimate - p2) <= 0.1 * p2 + 3 * m2.stderr, `step ${step}: Tr S² ${m2.estimate} ± ${m2.stderr} vs ${p2}`);
    for (let k = 1; k <= 4; k++) {
      // Θ̂ of one network at width 1000 differs from Θ by a few percent (sd ≈ 4% in Tr); Tr(I^k) by about k times that.
      const mi = measured.I[s][k - 1];
      const pi = prediction.traceI[k - 1][s];
      assert.ok(Math.abs(mi - pi) <= 0.06 * k * pi, `step ${step}: Tr I^${k} ${mi} vs ${pi}`);
      // and, as the theory says for MSE, Tr(I^k) stays put during training (Θ̂ moves by O(1/√width)):
      // within 1.5%·k of its value at t = 0
      assert.ok(Math.abs(mi - measured.I[0][k - 1]) <= 0.015 * k * measured.I[0][k - 1], `step ${step}: Tr I^${k} moved from ${measured.I[0][k - 1]} to ${mi}`);
    }
  });
});

/** Tr((Θ̂/N)^k), k = 1 … kmax, for the N × N Gram of one output. */
function traceMatrixPowers(theta: Float64Array, N: number, kmax: number): number[] {
  const A = theta.map((x) => x / N);
  let P = A.slice();
  const out: number[] = [];
  for (let k = 1; k <= kmax; k++) {
    let t = 0;
    for (let i = 0; i < N; i++) t += P[i * N + i];
    out.push(t);
    const Q = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let l = 0; l < N; l++) Q[i * N + j] += P[i * N + l] * A[l * N + j];
    P = Q;
  }
  return out;
}
