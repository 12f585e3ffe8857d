import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanczosEigs, type LanczosResult } from '../../../src/engine/linalg/lanczos';
import { denseEigen } from '../../../src/engine/linalg/denseEigen';
import { countingOperator, dot, type Vector } from '../../../src/engine/linalg/operator';
import { Rng } from '../../../src/engine/rng';
import { bulk, float32Operator, matrixWithSpectrum, outlierSpectrum, type TestMatrix } from './fixtures';

/** Max over returned pairs of ‖A y − θ y‖ computed densely, and of the orthonormality defect. */
function explicitChecks(A: TestMatrix, r: LanczosResult): { residual: number[]; defect: number } {
  const Y = r.eigenvectors!;
  const AY = A.op.matmat(Y);
  const residual = Y.map((y, i) => {
    let s = 0;
    for (let j = 0; j < A.n; j++) s += (AY[i][j] - r.eigenvalues[i] * y[j]) ** 2;
    return Math.sqrt(s);
  });
  let defect = 0;
  for (let i = 0; i < Y.length; i++) for (let j = 0; j <= i; j++) defect = Math.max(defect, Math.abs(dot(Y[i], Y[j]) - (i === j ? 1 : 0)));
  return { residual, defect };
}

// Indefinite: 10 separated at the top, 5 at the bottom, a bulk in between (n = 200).
const indefinite = matrixWithSpectrum(
  [50, 40, 30, 25, 20, 18, 16, 14, 12, 11, -30, -20, -15, -12, -10, ...bulk(185, -5, 8, 1)],
  1,
);
// A network-Hessian shape: 12 outliers over a bulk in [−5, 10] (n = 300).
const outliers = matrixWithSpectrum(outlierSpectrum(300, [1000, 600, 400, 300, 250, 200, 170, 150, 130, 115, 100, 90], -5, 10, 2), 2);

test("top-10 and bottom-5 ('both') of an indefinite spectrum equal ml-matrix's to 1e-8, with residuals that check out", () => {
  const reference = denseEigen(indefinite.matrix, indefinite.n, 'descending').values;
  const r = lanczosEigs(indefinite.op, { k: 10, which: 'both', kSmallest: 5, rng: new Rng(1) });
  assert.ok(r.allConverged);
  const expected = [...reference.slice(0, 10), ...reference.slice(-5).reverse()];
  expected.forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-8 * Math.abs(e), `θ_${i} = ${r.eigenvalues[i]} vs ${e}`));
  const { residual, defect } = explicitChecks(indefinite, r);
  residual.forEach((res, i) => {
    // The residual test held, and the cheap residual ‖C s‖ equals the explicit one to rounding.
    assert.ok(res <= r.tol * Math.max(Math.abs(r.eigenvalues[i]), r.scale) * 1.01 + 1e-12, `‖Ay − θy‖ = ${res}`);
    assert.ok(Math.abs(res - r.residuals[i]) <= 1e-11 * 50, `explicit ${res} vs estimated ${r.residuals[i]}`);
  });
  assert.ok(defect < 1e-12, `YᵀY − Id = ${defect}`);
  assert.equal(r.applications, r.iterations);
});

test("'largest', 'smallest' and 'magnitude' on outliers + bulk (n = 300) equal ml-matrix's to 1e-8", () => {
  const reference = outliers.eigenvalues;
  const top = lanczosEigs(outliers.op, { k: 10, rng: new Rng(2) });
  reference.slice(0, 10).forEach((e, i) => assert.ok(Math.abs(top.eigenvalues[i] - e) <= 1e-8 * e, `top θ_${i}`));
  const mag = lanczosEigs(outliers.op, { k: 10, which: 'magnitude', rng: new Rng(2) });
  reference.slice(0, 10).forEach((e, i) => assert.ok(Math.abs(mag.eigenvalues[i] - e) <= 1e-8 * e, `magnitude θ_${i}`));
  // The bottom of a bulk converges slowly (no gap): many more steps, and thick restarts at maxBasis 80.
  const bottom = lanczosEigs(outliers.op, { k: 5, which: 'smallest', rng: new Rng(2) });
  assert.ok(bottom.allConverged);
  const low = Array.from(reference.slice(-5)).reverse();
  low.forEach((e, i) => assert.ok(Math.abs(bottom.eigenvalues[i] - e) <= 1e-8 * Math.abs(e), `bottom θ_${i} = ${bottom.eigenvalues[i]} vs ${e}`));
  assert.ok(bottom.restarts > 0, 'expected thick restarts');
  assert.ok(bottom.peakVectors <= 80 + 1, `peak vectors ${bottom.peakVectors}`);
  assert.ok(top.applications <= 40, `top-10 took ${top.applications} applications`);
});

test('thick restart keeps memory within maxBasis + blockSize and still converges to 1e-8', () => {
  // Unrestarted, the top-10 converge in about 22 steps; a basis of 14 forces many restarts.
  const r = lanczosEigs(outliers.op, { k: 10, maxBasis: 14, rng: new Rng(3) });
  assert.ok(r.allConverged);
  assert.ok(r.restarts >= 5, `${r.restarts} restarts`);
  assert.ok(r.peakVectors <= 15, `peak ${r.peakVectors}`);
  outliers.eigenvalues.slice(0, 10).forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-8 * e));
  const { residual } = explicitChecks(outliers, r);
  residual.forEach((res, i) => assert.ok(res <= 1e-8 * r.eigenvalues[i] * 1.01, `residual ${res}`));
});

test('a float32 operator (float32 storage and arithmetic) gives top-10 and bottom-5 to 1e-5 relative', () => {
  const op = float32Operator(indefinite);
  const reference = indefinite.eigenvalues;
  const r = lanczosEigs(op, { k: 10, which: 'both', kSmallest: 5, rng: new Rng(4), verify: true });
  assert.ok(r.allConverged);
  assert.ok(r.eigenvectors!.every((y) => y instanceof Float32Array));
  const expected = [...reference.slice(0, 10), ...Array.from(reference.slice(-5)).reverse()];
  expected.forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-5 * Math.abs(e), `θ_${i} = ${r.eigenvalues[i]} vs ${e}`));
  // Explicit residuals, in float32, within 1e-4 relative of ‖A‖ = 50.
  r.trueResiduals!.forEach((res) => assert.ok(res <= 1e-4 * 50, `true residual ${res}`));
});

test('repeated eigenvalues: block size 3 finds an eigenvalue of multiplicity 3 three times', () => {
  const A = matrixWithSpectrum([20, 20, 20, 15, 10, 10, 9, 8, 7, 6.5, ...bulk(190, -2, 5, 5)], 6);
  const r = lanczosEigs(A.op, { k: 10, blockSize: 3, rng: new Rng(5) });
  assert.ok(r.allConverged);
  A.eigenvalues.slice(0, 10).forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-8 * e, `θ_${i} = ${r.eigenvalues[i]} vs ${e}`));
  assert.equal(r.applications % 3, 0);
  const { residual, defect } = explicitChecks(A, r);
  assert.ok(Math.max(...residual) <= 1e-8 * 20 * 1.01);
  assert.ok(defect < 1e-12, 'the three copies are orthonormal eigenvectors');
});

test('breakdown: a rank-3 PSD matrix (n = 60) gives [5, 3, 2, 0 × 7] on top and five zeros at the bottom', () => {
  const A = matrixWithSpectrum([5, 3, 2, ...new Array<number>(57).fill(0)], 7);
  const top = lanczosEigs(A.op, { k: 10, rng: new Rng(6) });
  assert.ok(top.allConverged);
  assert.ok(top.breakdowns >= 1);
  [5, 3, 2, 0, 0, 0, 0, 0, 0, 0].forEach((e, i) => assert.ok(Math.abs(top.eigenvalues[i] - e) <= 1e-12, `top θ_${i} = ${top.eigenvalues[i]}`));
  // One step per new direction: 4 for the Krylov space of the start, then one per restart vector.
  assert.ok(top.applications <= 12, `${top.applications} applications`);
  // Bottom-5: the restarts must continue until a restart finds nothing below the wanted boundary,
  // not stop at {0, 0, 2, 3, 5} once five Ritz values exist.
  const bottom = lanczosEigs(A.op, { k: 5, which: 'smallest', rng: new Rng(6) });
  assert.ok(bottom.allConverged);
  bottom.eigenvalues.forEach((v, i) => assert.ok(Math.abs(v) <= 1e-12, `bottom θ_${i} = ${v}`));
  const { residual, defect } = explicitChecks(A, bottom);
  assert.ok(Math.max(...residual) <= 1e-12 && defect < 1e-12);
});

test('breakdown: the identity (n = 50) gives ten 1s in ten applications', () => {
  const A = matrixWithSpectrum(new Array<number>(50).fill(1), 8);
  const op = countingOperator(A.op);
  const r = lanczosEigs(op, { k: 10, rng: new Rng(7) });
  assert.ok(r.allConverged);
  r.eigenvalues.forEach((v) => assert.ok(Math.abs(v - 1) <= 1e-14));
  assert.equal(r.applications, 10);
  assert.equal(op.applications, 10, 'the reported budget is what the operator saw');
  assert.equal(r.breakdowns, 10);
  assert.ok(explicitChecks(A, r).defect < 1e-13);
});

test('k = n returns the whole spectrum; k > n and a too-small maxBasis are errors that say what to do', () => {
  const A = matrixWithSpectrum(bulk(30, -1, 1, 9), 9);
  const r = lanczosEigs(A.op, { k: 30, rng: new Rng(8) });
  assert.ok(r.allConverged);
  A.eigenvalues.forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-12, `θ_${i}`));
  assert.throws(() => lanczosEigs(A.op, { k: 31 }), /at most 30/);
  assert.throws(() => lanczosEigs(A.op, { k: 20, which: 'both', kSmallest: 11 }), /at most 30/);
  assert.throws(() => lanczosEigs(A.op, { k: 10, maxBasis: 11 }), /use at least 12/);
  assert.throws(() => lanczosEigs(A.op, { k: 0 }), /k must be an integer ≥ 1/);
});

test('images A y come from the Lanczos relation without applications; a start vector is honoured', () => {
  const start = new Rng(10).fillNormal(new Float64Array(outliers.n));
  const r = lanczosEigs(outliers.op, { k: 5, wantImages: true, start });
  const again = lanczosEigs(outliers.op, { k: 5, start });
  assert.deepEqual(Array.from(r.eigenvalues), Array.from(again.eigenvalues), 'deterministic from the start vector');
  assert.equal(r.applications, again.applications);
  const AY = outliers.op.matmat(r.eigenvectors!);
  r.images!.forEach((img: Vector, i) => {
    let err = 0;
    for (let j = 0; j < outliers.n; j++) err = Math.max(err, Math.abs(img[j] - AY[i][j]));
    assert.ok(err <= 1e-10 * 1000, `image ${i} error ${err}`);
  });
});

test('maxIterations stops early and reports unconverged pairs', () => {
  const r = lanczosEigs(outliers.op, { k: 5, which: 'smallest', maxIterations: 20, rng: new Rng(11) });
  assert.equal(r.iterations, 20);
  assert.equal(r.allConverged, false);
  assert.ok(r.converged.some((c) => !c));
});
