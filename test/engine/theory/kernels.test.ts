import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Activation } from '../../../src/catalogue/activation';
import { builtinActivation } from '../../../src/catalogue/activations';
import { asymmetry } from '../../../src/engine/linalg/dense';
import { gaussianPairMoments, pairRule } from '../../../src/engine/theory/gaussianPair';
import { infiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { KERNEL_NAMES, hardInputs, matrixError, normalizedInputs } from './fixtures';

/** Σ(L), Θ(L) for erf by the closed forms of Williams (1997) for E[erf erf] and E[erf' erf']. */
function erfClosedForm(X: Float64Array, n0: number, depth: number, beta: number): { sigma: Float64Array; theta: Float64Array } {
  const N = X.length / n0;
  let sigma = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let d = 0; d < n0; d++) s += X[i * n0 + d] * X[j * n0 + d];
      sigma[i * N + j] = s / n0 + beta * beta;
    }
  }
  let theta = sigma.slice();
  for (let l = 1; l < depth; l++) {
    const next = new Float64Array(N * N);
    const nextTheta = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const a = 1 + 2 * sigma[i * N + i];
        const b = 1 + 2 * sigma[j * N + j];
        const c = sigma[i * N + j];
        next[i * N + j] = (2 / Math.PI) * Math.asin((2 * c) / Math.sqrt(a * b)) + beta * beta;
        const sigmaDot = 4 / Math.PI / Math.sqrt(a * b - 4 * c * c);
        nextTheta[i * N + j] = theta[i * N + j] * sigmaDot + next[i * N + j];
      }
    }
    sigma = next;
    theta = nextTheta;
  }
  return { sigma, theta };
}

test('erf: Σ and Θ at depth 4 match the Williams closed forms to 1e-6 at the built-in degree and 1e-9 at degree 150', () => {
  const X = hardInputs(10, 4, 1);
  const reference = erfClosedForm(X, 4, 4, 0.1);
  const erf = builtinActivation('erf');
  for (const degree of [undefined, 150]) {
    const k = infiniteWidthKernels(X, 4, { depth: 4, beta: 0.1, activation: erf, degree });
    const tol = degree ? 1e-9 : 1e-6;
    assert.ok(matrixError(k.sigma, reference.sigma) < tol, `Σ at degree ${degree}: ${matrixError(k.sigma, reference.sigma)}`);
    assert.ok(matrixError(k.theta, reference.theta) < tol, `Θ at degree ${degree}: ${matrixError(k.theta, reference.theta)}`);
  }
});

test('erf with unequal input norms (the pair-by-pair path) matches the closed forms to 1e-9', () => {
  const X = normalizedInputs(8, 3, 2);
  for (let d = 0; d < 3; d++) X[3 + d] *= 1.7; // one point with a larger norm, one smaller
  for (let d = 0; d < 3; d++) X[6 + d] *= 0.4;
  const reference = erfClosedForm(X, 3, 3, 0.3);
  const k = infiniteWidthKernels(X, 3, { depth: 3, beta: 0.3, activation: builtinActivation('erf'), degree: 150 });
  assert.ok(matrixError(k.sigma, reference.sigma) < 1e-9);
  assert.ok(matrixError(k.theta, reference.theta) < 1e-9);
});

test('linear σ: Σ(ℓ+1) = Σ(ℓ) + β², Θ(L) = Σ_ℓ Σ(ℓ), Υ(ℓ+1) = Υ(ℓ) + 2Θ(ℓ) (cross-layer blocks of Hess f), g ≡ 0', () => {
  const X = normalizedInputs(6, 5, 3);
  const linear = builtinActivation('linear');
  const k = infiniteWidthKernels(X, 5, { depth: 4, beta: 0.5, activation: linear });
  const first = infiniteWidthKernels(X, 5, { depth: 1, beta: 0.5, activation: linear });
  const b2 = 0.25;
  for (let p = 0; p < 36; p++) {
    const s1 = first.sigma[p];
    // Σ(ℓ) = s1 + (ℓ−1)β², Θ(ℓ) = ℓ s1 + ℓ(ℓ−1)/2 β², Υ(4) = 2(Θ(1) + Θ(2) + Θ(3)).
    assert.ok(Math.abs(k.sigma[p] - (s1 + 3 * b2)) < 1e-13);
    assert.ok(Math.abs(k.theta[p] - (4 * s1 + 6 * b2)) < 1e-12);
    assert.ok(Math.abs(k.upsilon[p] - 2 * (6 * s1 + 4 * b2)) < 1e-12);
    assert.ok(Math.abs(k.sigmaDot[p] - 1) < 1e-14);
    for (const name of ['sigmaDDot', 'phi', 'xi', 'lambdaKernel'] as const) assert.equal(k[name][p], 0);
  }
});

test('depth 2 by hand: Φ(2) = Θ(1)(x,x) E_20, Υ(2) = Θ(1)² Σ̈(2) + 2Θ(1) Σ̇(2), Ξ(2) = Θ(1)(x,x) Θ(1)(x′,x′) E_22, Λ(2) = Θ(1)(x,x) Θ(1) E_31 + Φ(2)', () => {
  const X = hardInputs(5, 3, 4);
  const N = 5;
  const act = builtinActivation('smooth_relu');
  const k = infiniteWidthKernels(X, 3, { depth: 2, beta: 0.1, activation: act, tabulate: 'never' });
  const k1 = infiniteWidthKernels(X, 3, { depth: 1, beta: 0.1, activation: act });
  const theta1 = k1.theta;
  const rule = pairRule(act.quadratureDegree);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const p = i * N + j;
      const m = gaussianPairMoments(act, k1.sigma[i * N + i], k1.sigma[j * N + j], k1.sigma[p], rule);
      const tii = theta1[i * N + i];
      const tjj = theta1[j * N + j];
      const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-13 * Math.max(1, Math.abs(b)), `${what}(${i},${j}): ${a} vs ${b}`);
      close(k.sigma[p], m[0] + 0.01, 'Σ');
      close(k.sigmaDot[p], m[5], 'Σ̇');
      close(k.sigmaDDot[p], m[10], 'Σ̈');
      close(k.theta[p], theta1[p] * m[5] + m[0] + 0.01, 'Θ');
      close(k.phi[p], tii * m[8], 'Φ');
      close(k.upsilon[p], theta1[p] ** 2 * m[10] + 2 * theta1[p] * m[5], 'Υ');
      close(k.xi[p], tii * tjj * m[10], 'Ξ');
      close(k.lambdaKernel[p], tii * theta1[p] * m[13] + tii * m[8], 'Λ');
    }
  }
});

test('Σ, Σ̇, Σ̈, Θ, Ξ, Υ are symmetric; Φ and Λ are not when the input norms differ (softplus, depth 4)', () => {
  const N = 12;
  const X = normalizedInputs(N, 6, 5);
  for (let d = 0; d < 6; d++) X[d] *= 1.5;
  const k = infiniteWidthKernels(X, 6, { depth: 4, beta: 0.1, activation: builtinActivation('smooth_relu') });
  for (const name of ['sigma', 'sigmaDot', 'sigmaDDot', 'theta', 'xi', 'upsilon'] as const) {
    assert.ok(asymmetry(k[name], N) < 1e-14, `${name} asymmetry ${asymmetry(k[name], N)}`);
  }
  for (const name of ['phi', 'lambdaKernel'] as const) assert.ok(asymmetry(k[name], N) > 1e-3, `${name} should not be symmetric`);
  assert.ok(k.warnings.length === 0 && k.sPartDefined);
  // With equal norms Φ(x, x) and Θ(x, x) do not depend on x and E_20 = E_02, so Φ and Λ are symmetric.
  const equal = infiniteWidthKernels(normalizedInputs(N, 6, 5), 6, { depth: 4, beta: 0.1, activation: builtinActivation('smooth_relu') });
  for (const name of ['phi', 'lambdaKernel'] as const) assert.ok(asymmetry(equal[name], N) < 1e-14, name);
});

test('ρ-tables (tolerance 1e-9) agree with one quadrature per pair to 1e-8 for every smooth built-in (equal norms, depth 4)', () => {
  const X = hardInputs(24, 5, 6);
  for (const name of ['smooth_relu', 'normalized_smooth_relu', 'tanh', 'erf', 'sin', 'arctan']) {
    const act = builtinActivation(name);
    const tabulated = infiniteWidthKernels(X, 5, { depth: 4, beta: 0.1, activation: act, tabulate: 'always' });
    const direct = infiniteWidthKernels(X, 5, { depth: 4, beta: 0.1, activation: act, tabulate: 'never' });
    assert.equal(tabulated.quadrature.directPairs, 0);
    assert.equal(direct.quadrature.tabulatedPairs, 0);
    for (const kernel of KERNEL_NAMES) {
      const e = matrixError(tabulated[kernel], direct[kernel]);
      assert.ok(e < 1e-8, `${name} ${kernel}: ${e}`);
    }
  }
});

test('inputs with two distinct norms: tables per pair of variance groups agree with the pair-by-pair path to 1e-9', () => {
  const N = 20;
  const X = normalizedInputs(N, 4, 7);
  for (let i = 0; i < N / 2; i++) for (let d = 0; d < 4; d++) X[i * 4 + d] *= Math.SQRT2;
  const act = builtinActivation('tanh');
  const tabulated = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: act, tabulate: 'always' });
  const direct = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: act, tabulate: 'never' });
  assert.equal(tabulated.quadrature.directPairs, 0);
  for (const kernel of KERNEL_NAMES) assert.ok(matrixError(tabulated[kernel], direct[kernel]) < 1e-9, kernel);
});

test('ReLU: closed-form Σ and Θ agree with (slow) quadrature of max(0, x) to 1e-2; the S-part is NaN and flagged', () => {
  const X = normalizedInputs(6, 4, 8);
  const relu = builtinActivation('relu');
  const k = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: relu });
  // The same function, under another name so that the kernels take the quadrature path.
  const reluByQuadrature: Activation = { ...relu, name: 'relu_by_quadrature' };
  const q = infiniteWidthKernels(X, 4, { depth: 3, beta: 0.1, activation: reluByQuadrature, degree: 400 });
  assert.ok(matrixError(q.sigma, k.sigma) < 1e-2, `Σ: ${matrixError(q.sigma, k.sigma)}`);
  assert.ok(matrixError(q.theta, k.theta) < 1e-2, `Θ: ${matrixError(q.theta, k.theta)}`);
  // Diagonal by hand: Σ(ℓ+1)(x,x) = Σ(ℓ)(x,x)/2 + β², Σ̇ = 1/2 on the diagonal.
  assert.ok(Math.abs(k.sigma[0] - ((1.01 / 2 + 0.01) / 2 + 0.01)) < 1e-15);
  assert.ok(Math.abs(k.sigmaDot[0] - 0.5) < 1e-15);
  assert.equal(k.sPartDefined, false);
  assert.deepEqual(k.quadrature.degrees, []);
  for (const name of ['sigmaDDot', 'phi', 'xi', 'lambdaKernel', 'upsilon'] as const) assert.ok(k[name].every(Number.isNaN), name);
  assert.match(k.warnings.join('\n'), /Dirac/);
});

test('depth 1: Θ = Σ(1), S-part zero, Σ̇ and Σ̈ NaN (not defined)', () => {
  const X = normalizedInputs(4, 3, 9);
  const k = infiniteWidthKernels(X, 3, { depth: 1, beta: 0.2, activation: builtinActivation('relu') });
  assert.deepEqual(Array.from(k.theta), Array.from(k.sigma));
  assert.ok(k.upsilon.every((v) => v === 0) && k.sPartDefined);
  assert.ok(k.sigmaDot.every(Number.isNaN) && k.sigmaDDot.every(Number.isNaN));
});

test('argument errors say what was expected', () => {
  const act = builtinActivation('tanh');
  assert.throws(() => infiniteWidthKernels(new Float64Array(6), 4, { depth: 2, beta: 0.1, activation: act }), /N × n0/);
  assert.throws(() => infiniteWidthKernels(new Float64Array(8), 4, { depth: 0, beta: 0.1, activation: act }), /depth/);
});
