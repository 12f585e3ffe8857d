import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinActivation } from '../../../src/catalogue/activations';
import { gaussianExpectation } from '../../../src/catalogue/gaussHermite';
import { Rng } from '../../../src/engine/rng';
import { reluPairMoments, reluSigma, reluSigmaDot } from '../../../src/engine/theory/arcCosine';
import {
  complementSqrt,
  convergedDegree,
  correlation,
  gaussianDiagonalMoments,
  gaussianPairMoments,
  pairExpectation,
  pairRule,
  safeSqrt,
} from '../../../src/engine/theory/gaussianPair';
import { relative } from './fixtures';

/** Covariances [K11, K22, K12] covering ρ = ±1, a zero variance, unequal variances. */
const COVARIANCES: Array<[number, number, number]> = [
  [1, 0.8, 0.3],
  [2, 1, -1.2],
  [0.5, 0.5, 0.5],
  [1, 1, -1],
  [1, 0, 0],
  [1.01, 1.01, 0.7],
];

test('erf: E_00 and E_11 match the closed forms of Williams (1997) to 1e-10 at degree 150', () => {
  const erf = builtinActivation('erf');
  for (const [k11, k22, k12] of COVARIANCES) {
    const m = gaussianPairMoments(erf, k11, k22, k12, pairRule(150));
    const sigma = (2 / Math.PI) * Math.asin((2 * k12) / Math.sqrt((1 + 2 * k11) * (1 + 2 * k22)));
    const sigmaDot = 4 / Math.PI / Math.sqrt((1 + 2 * k11) * (1 + 2 * k22) - 4 * k12 * k12);
    assert.ok(Math.abs(m[0] - sigma) < 1e-10, `E_00 at ${[k11, k22, k12]}: ${m[0]} vs ${sigma}`);
    assert.ok(relative(m[5], sigmaDot) < 1e-10, `E_11 at ${[k11, k22, k12]}: ${m[5]} vs ${sigmaDot}`);
  }
});

test('softplus: all sixteen E_ab agree with a Monte-Carlo average within 4 standard errors (200000 draws, seed 11)', () => {
  const act = builtinActivation('smooth_relu');
  const [k11, k22, k12] = [1.2, 0.9, 0.5];
  const m = gaussianPairMoments(act, k11, k22, k12, pairRule(act.quadratureDegree));
  const rng = new Rng(11, 'pair');
  const n = 200000;
  const sum = new Float64Array(16);
  const sum2 = new Float64Array(16);
  const fu = new Float64Array(4);
  const fv = new Float64Array(4);
  const rho = k12 / Math.sqrt(k11 * k22);
  for (let s = 0; s < n; s++) {
    const z1 = rng.normal();
    const z2 = rng.normal();
    const u = Math.sqrt(k11) * z1;
    const v = Math.sqrt(k22) * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
    for (let a = 0; a < 4; a++) {
      fu[a] = act.scalar[a](u);
      fv[a] = act.scalar[a](v);
    }
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const x = fu[a] * fv[b];
        sum[a * 4 + b] += x;
        sum2[a * 4 + b] += x * x;
      }
    }
  }
  for (let idx = 0; idx < 16; idx++) {
    const mean = sum[idx] / n;
    const se = Math.sqrt((sum2[idx] / n - mean * mean) / (n - 1));
    assert.ok(Math.abs(mean - m[idx]) < 4 * se, `E_${Math.floor(idx / 4)}${idx % 4}: quadrature ${m[idx]}, Monte Carlo ${mean} ± ${se}`);
  }
});

test('ReLU: quadrature approaches the arc-cosine closed forms, slowly (kink): at degree 200 within 1e-2 (Σ) and 5e-2 (Σ̇)', () => {
  const relu = builtinActivation('relu');
  const cases: Array<[number, number, number]> = [
    [1, 1, 0.5],
    [1.2, 0.8, -0.3],
    [1, 1, 0.99],
    [2, 0.5, 0.9],
  ];
  const worst = (degree: number) => {
    let e0 = 0;
    let e1 = 0;
    for (const [k11, k22, k12] of cases) {
      const m = gaussianPairMoments(relu, k11, k22, k12, pairRule(degree));
      e0 = Math.max(e0, relative(m[0], reluSigma(k11, k22, k12)));
      e1 = Math.max(e1, relative(m[5], reluSigmaDot(k11, k22, k12)));
    }
    return [e0, e1];
  };
  const [s200, d200] = worst(200);
  assert.ok(s200 < 1e-2 && d200 < 5e-2, `degree 200: Σ ${s200}, Σ̇ ${d200}`);
  const [s50, d50] = worst(50);
  const [s400, d400] = worst(400);
  assert.ok(s400 < s200 && s200 < s50, `Σ error must shrink with degree: ${s50}, ${s200}, ${s400}`);
  assert.ok(d400 < d200 && d200 < d50, `Σ̇ error must shrink with degree: ${d50}, ${d200}, ${d400}`);
});

test('ReLU closed forms: diagonal K/2 and 1/2, orthogonal inputs 1/(2π)·√(K11K22) and 1/4; σ-derivative moments NaN', () => {
  assert.ok(relative(reluSigma(3, 3, 3), 1.5) < 1e-15);
  assert.ok(relative(reluSigmaDot(3, 3, 3), 0.5) < 1e-15);
  assert.ok(relative(reluSigma(2, 0.5, 0), 1 / (2 * Math.PI)) < 1e-15);
  assert.ok(relative(reluSigmaDot(2, 0.5, 0), 0.25) < 1e-15);
  assert.ok(Math.abs(reluSigma(1, 1, -1)) < 1e-15);
  const m = reluPairMoments(1, 1, 0.2);
  for (const idx of [10, 8, 13]) assert.ok(Number.isNaN(m[idx]), `entry ${idx} should be NaN`);
});

test('the smaller variance goes on the z1 axis: swapping the pair transposes the moments exactly, and arctan at degree 160 is right to 1e-9 either way', () => {
  const act = builtinActivation('arctan');
  const a = gaussianPairMoments(act, 1.3, 0.7, 0.4, pairRule(160));
  const b = gaussianPairMoments(act, 0.7, 1.3, 0.4, pairRule(160));
  const reference = gaussianPairMoments(act, 1.3, 0.7, 0.4, pairRule(400));
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      assert.equal(a[i * 4 + j], b[j * 4 + i]);
      assert.ok(Math.abs(a[i * 4 + j] - reference[i * 4 + j]) < 1e-9, `E_${i}${j}: ${a[i * 4 + j]} vs ${reference[i * 4 + j]}`);
    }
  }
});

test('the pair rule at ρ = 1 equals the 1-D diagonal rule', () => {
  const act = builtinActivation('tanh');
  const pair = gaussianPairMoments(act, 0.9, 0.9, 0.9, pairRule(60));
  const diag = gaussianDiagonalMoments(act, 0.9, pairRule(60));
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(pair[i] - diag[i]) < 1e-14, `entry ${i}: ${pair[i]} vs ${diag[i]}`);
});

test('fragile numerics: ρ is clipped to [−1, 1], zero variances give ρ = 0, square roots of rounding negatives are 0', () => {
  assert.equal(correlation(1, 1, 1 + 1e-15), 1);
  assert.equal(correlation(2, 2, -2 - 1e-14), -1);
  assert.equal(correlation(0, 1, 0), 0);
  assert.equal(correlation(-1e-18, 1, 0), 0);
  assert.equal(safeSqrt(-1e-17), 0);
  assert.equal(complementSqrt(1), 0);
  assert.ok(Math.abs(complementSqrt(0.6) - 0.8) < 1e-15);
  // A pair with a zero variance: v ≡ 0, so E_00 = E[σ(u)] σ(0), with σ(0) = log 2 for softplus.
  const act = builtinActivation('smooth_relu');
  const m = gaussianPairMoments(act, 1, 0, 0, pairRule(60));
  assert.ok(Math.abs(m[0] - gaussianExpectation(act.scalar[0], 60) * Math.log(2)) < 1e-14);
});

test('pairExpectation checks its derivative orders', () => {
  const act = builtinActivation('sin');
  // E[sin u sin v] = e^{−(K11+K22)/2} sinh(K12).
  const v = pairExpectation(act, 0, 0, 1, 0.5, 0.3);
  assert.ok(relative(v, Math.exp(-0.75) * Math.sinh(0.3)) < 1e-13);
  assert.throws(() => pairExpectation(act, 4, 0, 1, 1, 0), /derivative orders/);
});

test('convergedDegree keeps a converged degree and doubles an unconverged one until n and 2n agree', () => {
  const tanh = builtinActivation('tanh');
  const normal = convergedDegree(tanh, 1.01, 120, 1e-6);
  assert.equal(normal.degree, 120);
  assert.ok(normal.converged && normal.discrepancy < 1e-6);
  const wide = convergedDegree(tanh, 4.01, 120, 1e-6);
  assert.ok(wide.degree >= 240 && wide.converged && wide.discrepancy < 1e-6, JSON.stringify(wide));
});
