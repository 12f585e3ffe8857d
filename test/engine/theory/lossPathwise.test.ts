import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bce, mse, softmaxCe } from '../../../src/catalogue/losses';
import { denseLossHessian, evaluateLoss } from '../../../src/engine/loss/loss';
import { builtinActivation } from '../../../src/catalogue/activations';
import { Rng } from '../../../src/engine/rng';
import { asymmetry, matmul, traceOfProduct } from '../../../src/engine/linalg/dense';
import { initialDistribution } from '../../../src/engine/theory/initialDistribution';
import { infiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { lossGramMoments } from '../../../src/engine/theory/lossMoments';
import { lossPathwisePrediction } from '../../../src/engine/theory/lossPathwise';
import { msePathwisePrediction, mseSetup } from '../../../src/engine/theory/msePathwise';
import { normalizedInputs, relative } from './fixtures';

const N = 6;
// Unequal norms, so that Φ and Λ are not symmetric and a transposed Λ would show.
const X = normalizedInputs(N, 3, 31);
for (let d = 0; d < 3; d++) X[d] *= 1.6;
const kernels = infiniteWidthKernels(X, 3, { depth: 3, beta: 0.1, activation: builtinActivation('smooth_relu') });
const law = initialDistribution(kernels);

test('RK4 flow with the MSE loss matches the closed-form flow e^{−tΘ̄} to 1e-8', () => {
  const nL = 2;
  const target = new Rng(32).fillNormal(new Float64Array(N * nL));
  const { Y0, G0 } = law.sample(new Rng(33), nL);
  const steps = [0, 4, 10, 50, 200];
  const eta = 0.5;
  const closed = msePathwisePrediction(mseSetup(kernels), { Y0, G0, target, nL, eta, steps, kmax: 2, mode: 'flow' });
  const rk4 = lossPathwisePrediction(kernels, { loss: mse, Y0, G0, target, nL, eta, steps, kmax: 2, mode: 'flow' });
  for (let i = 0; i < steps.length; i++) {
    assert.ok(relative(rk4.traceS[0][i], closed.traceS[0][i], 1e-3) < 1e-8, `Tr S at ${steps[i]}: ${rk4.traceS[0][i]} vs ${closed.traceS[0][i]}`);
    assert.ok(relative(rk4.traceS[1][i], closed.traceS[1][i], 1e-3) < 1e-8, `Tr S² at ${steps[i]}`);
    assert.ok(relative(rk4.loss[i], closed.loss[i], 1e-3) < 1e-8, `loss at ${steps[i]}`);
    assert.ok(relative(rk4.traceI[1][i], closed.traceI[1][i]) < 1e-12, 'Tr I² with H_C = Id/N');
    for (let p = 0; p < N * nL; p++) assert.ok(Math.abs(rk4.G[i][p] - closed.G[i][p]) < 1e-8);
  }
});

test('the discrete map with the MSE loss equals the closed form with A^s to 1e-10', () => {
  const nL = 1;
  const target = new Rng(34).fillNormal(new Float64Array(N));
  const { Y0, G0 } = law.sample(new Rng(35), nL);
  const eta = (1.2 * N) / mseSetup(kernels).spectrum.eig.values[N - 1];
  const steps = [3, 0, 17];
  const closed = msePathwisePrediction(mseSetup(kernels), { Y0, G0, target, nL, eta, steps, kmax: 3 });
  const map = lossPathwisePrediction(kernels, { loss: mse, Y0, G0, target, nL, eta, steps, kmax: 3 });
  assert.equal(map.iterations, 17);
  for (let i = 0; i < steps.length; i++) {
    assert.ok(relative(map.traceS[0][i], closed.traceS[0][i], 1e-3) < 1e-10);
    assert.ok(relative(map.traceS[1][i], closed.traceS[1][i], 1e-3) < 1e-10);
    for (let k = 0; k < 3; k++) assert.ok(relative(map.traceI[k][i], closed.traceI[k][i]) < 1e-12);
  }
});

test('BCE, fixed-step RK4: halving the step divides the error by about 16 (fourth order)', () => {
  const target = Float64Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const { Y0, G0 } = law.sample(new Rng(36), 1);
  const common = { loss: bce, Y0, G0, target, nL: 1, eta: 1, steps: [40], kmax: 2, mode: 'flow' as const };
  const reference = lossPathwisePrediction(kernels, { ...common, flow: { tolerance: 1e-14 } });
  const error = (h: number) => {
    const p = lossPathwisePrediction(kernels, { ...common, flow: { step: h } });
    return Math.max(...p.Y[0].map((y, i) => Math.abs(y - reference.Y[0][i])), ...p.G[0].map((g, i) => Math.abs(g - reference.G[0][i])));
  };
  // Measured errors at h = 2, 1, 0.5: 2.3e-6, 1.4e-7, 8.2e-9 (ratios 16.6, 16.5); larger steps are not yet asymptotic.
  const errors = [2, 1, 0.5].map(error);
  assert.ok(errors[0] > 1e-7, `the coarse step must show an error: ${errors[0]}`);
  for (let i = 1; i < errors.length; i++) {
    const ratio = errors[i - 1] / errors[i];
    assert.ok(ratio > 13 && ratio < 20, `error ratio ${ratio} (${errors.join(', ')})`);
  }
});

test('adaptive RK4: tolerances 1e-8 and 1e-11 agree to 1e-7 (BCE)', () => {
  const target = Float64Array.from({ length: N }, (_, i) => (i < 3 ? 1 : -1));
  const { Y0, G0 } = law.sample(new Rng(37), 1);
  const common = { loss: bce, Y0, G0, target, nL: 1, eta: 1, steps: [5, 60], kmax: 2, mode: 'flow' as const };
  const loose = lossPathwisePrediction(kernels, { ...common, flow: { tolerance: 1e-8 } });
  const tight = lossPathwisePrediction(kernels, { ...common, flow: { tolerance: 1e-11 } });
  assert.ok(tight.iterations > loose.iterations);
  for (let i = 0; i < 2; i++) {
    assert.ok(relative(loose.traceS[0][i], tight.traceS[0][i], 1e-3) < 1e-7);
    assert.ok(relative(loose.traceI[0][i], tight.traceI[0][i]) < 1e-7);
  }
});

test('Λ orientation: one gradient step moves G by −η Λ ∇C (rows of Λ at the point where g is taken), not by −η Λᵀ ∇C', () => {
  assert.ok(asymmetry(kernels.lambdaKernel, N) > 1e-3);
  const target = Float64Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : -1));
  const { Y0, G0 } = law.sample(new Rng(38), 1);
  const eta = 0.7;
  const p = lossPathwisePrediction(kernels, { loss: bce, Y0, G0, target, nL: 1, eta, steps: [1], kmax: 1 });
  const grad = evaluateLoss(bce, Y0, target, N, 1).gradient;
  for (let i = 0; i < N; i++) {
    let moveG = 0;
    let moveY = 0;
    for (let j = 0; j < N; j++) {
      moveG += kernels.lambdaKernel[i * N + j] * grad[j];
      moveY += kernels.theta[i * N + j] * grad[j];
    }
    assert.ok(Math.abs(p.G[0][i] - (G0[i] - eta * moveG)) < 1e-14);
    assert.ok(Math.abs(p.Y[0][i] - (Y0[i] - eta * moveY)) < 1e-14);
  }
});

test('softmax CE: Tr(I^k) = Tr((H_C (Θ ⊗ Id))^k) against the dense N nL × N nL product; Tr S = Gᵀ∇C, Tr S² = Σ_a ∇C_aᵀ Υ ∇C_a', () => {
  const nL = 3;
  const rng = new Rng(39);
  const target = new Float64Array(N * nL);
  for (let i = 0; i < N; i++) target[i * nL + rng.int(nL)] = 1;
  const { Y0, G0 } = law.sample(rng, nL);
  const p = lossPathwisePrediction(kernels, { loss: softmaxCe, Y0, G0, target, nL, eta: 2, steps: [0, 25], kmax: 5 });
  for (let s = 0; s < 2; s++) {
    const Y = p.Y[s];
    const G = p.G[s];
    const ev = evaluateLoss(softmaxCe, Y, target, N, nL);
    const n = N * nL;
    const H = denseLossHessian(ev);
    const kron = new Float64Array(n * n);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let a = 0; a < nL; a++) kron[(i * nL + a) * n + j * nL + a] = kernels.theta[i * N + j];
    const M = matmul(H, kron, n, n, n);
    let power = M;
    for (let k = 1; k <= 5; k++) {
      if (k > 1) power = matmul(power, M, n, n, n);
      let trace = 0;
      for (let q = 0; q < n; q++) trace += power[q * n + q];
      assert.ok(relative(p.traceI[k - 1][s], trace) < 1e-12, `Tr I^${k} at ${p.steps[s]}: ${p.traceI[k - 1][s]} vs ${trace}`);
    }
    const traceS = G.reduce((acc, g, q) => acc + g * ev.gradient[q], 0);
    let traceS2 = 0;
    for (let a = 0; a < nL; a++) {
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) traceS2 += ev.gradient[i * nL + a] * kernels.upsilon[i * N + j] * ev.gradient[j * nL + a];
    }
    assert.ok(relative(p.traceS[0][s], traceS) < 1e-12);
    assert.ok(relative(p.traceS[1][s], traceS2) < 1e-12);
    assert.ok(relative(p.loss[s], ev.value) < 1e-15);
  }
  // The loss decreases and the curvature of I changes with Y(t) (cross-entropy: I's spectrum moves).
  assert.ok(p.loss[1] < p.loss[0]);
  assert.ok(relative(p.traceI[0][1], p.traceI[0][0]) > 1e-3);
});

test('lossGramMoments for a diagonal H_C: Tr(M^k) from half powers equals the trace of the explicit power (k up to 5)', () => {
  const nL = 1;
  const Y = new Rng(40).fillNormal(new Float64Array(N));
  const target = Float64Array.from({ length: N }, (_, i) => (i % 2 ? 1 : -1));
  const ev = evaluateLoss(bce, Y, target, N, nL);
  const moments = lossGramMoments(kernels.theta, ev, 5);
  const M = kernels.theta.map((t, q) => ev.hessianBlocks[Math.floor(q / N)] * t);
  const M2 = matmul(M, M, N, N, N);
  const M3 = matmul(M2, M, N, N, N);
  assert.ok(relative(moments[2], traceOfProduct(M2, M, N)) < 1e-12);
  assert.ok(relative(moments[4], traceOfProduct(M3, M2, N)) < 1e-12);
});
