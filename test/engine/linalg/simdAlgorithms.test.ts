/**
 * The algorithms on float32 operators with their vectors in a vector arena (WebAssembly SIMD kernels,
 * forced here for small sizes) against the JavaScript reference path on the same operators: same
 * results to float32 accuracy, same budgets, plain vectors returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanczosEigs, type LanczosOptions } from '../../../src/engine/linalg/lanczos';
import { traceMoments } from '../../../src/engine/linalg/moments';
import { krylovSketch } from '../../../src/engine/linalg/sketch';
import { slq } from '../../../src/engine/linalg/slq';
import { frobeniusRatio } from '../../../src/engine/linalg/frobenius';
import { countingOperator, dot, type LinearOperator, type Vector } from '../../../src/engine/linalg/operator';
import { arenaOf, simdPolicy } from '../../../src/engine/linalg/simd/arena';
import { Rng } from '../../../src/engine/rng';
import { bulk, float32Operator, matrixWithSpectrum, outlierSpectrum, relativeError } from './fixtures';

simdPolicy.minSize = 0;

/** Runs `f` on the JavaScript path (no arenas) and on the arena path. */
function bothPaths<T>(f: () => T): { plain: T; simd: T } {
  simdPolicy.enabled = false;
  try {
    const plain = f();
    simdPolicy.enabled = true;
    return { plain, simd: f() };
  } finally {
    simdPolicy.enabled = true;
  }
}

/** An operator that reports whether it ever saw arena vectors (to prove which path ran). */
function watched(op: LinearOperator): LinearOperator & { sawArena: boolean } {
  const w = {
    size: op.size,
    precision: op.precision,
    sawArena: false,
    matmat(X: readonly Vector[]) {
      if (X.some((x) => arenaOf(x))) w.sawArena = true;
      return op.matmat(X);
    },
  };
  return w;
}

const isPlain = (vs: readonly Vector[] | undefined): boolean => (vs ?? []).every((v) => v instanceof Float32Array && !arenaOf(v));

const indefinite = matrixWithSpectrum([50, 40, 30, 25, 20, 18, 16, 14, 12, 11, -30, -20, -15, -12, -10, ...bulk(185, -5, 8, 1)], 1);
const outliers = matrixWithSpectrum(outlierSpectrum(300, [1000, 600, 400, 300, 250, 200, 170, 150, 130, 115, 100, 90], -5, 10, 2), 2);

test("lanczosEigs 'both' on a float32 operator: the arena path converges to the same pairs (1e-5) with plain vectors out", () => {
  const op = watched(float32Operator(indefinite));
  const opts: LanczosOptions = { k: 10, which: 'both', kSmallest: 5, rng: new Rng(4), verify: true, wantImages: true };
  const { plain, simd } = bothPaths(() => lanczosEigs(op, { ...opts, rng: new Rng(4) }));
  assert.ok(op.sawArena, 'the arena path ran');
  assert.ok(plain.allConverged && simd.allConverged);
  const reference = indefinite.eigenvalues;
  const expected = [...reference.slice(0, 10), ...Array.from(reference.slice(-5)).reverse()];
  expected.forEach((e, i) => {
    assert.ok(relativeError(simd.eigenvalues[i], e) <= 1e-5, `θ_${i} = ${simd.eigenvalues[i]} vs ${e}`);
    assert.ok(relativeError(simd.eigenvalues[i], plain.eigenvalues[i]) <= 1e-5, `θ_${i} paths differ`);
  });
  simd.trueResiduals!.forEach((res) => assert.ok(res <= 1e-4 * 50, `true residual ${res}`));
  assert.ok(isPlain(simd.eigenvectors) && isPlain(simd.images), 'returned vectors are plain copies');
  // Images from the Lanczos relation equal A y to float32 accuracy.
  const AY = float32Operator(indefinite).matmat(simd.eigenvectors!);
  simd.images!.forEach((img, i) => {
    let err = 0;
    for (let j = 0; j < indefinite.n; j++) err = Math.max(err, Math.abs(img[j] - AY[i][j]));
    assert.ok(err <= 1e-4 * 50, `image ${i}: ${err}`);
  });
  assert.ok(Math.abs(simd.applications - plain.applications) <= 2, `applications ${simd.applications} vs ${plain.applications}`);
});

test('thick restarts in the arena (maxBasis 14) keep converging, to the same eigenvalues as the JavaScript path', () => {
  const op = watched(float32Operator(outliers));
  const { plain, simd } = bothPaths(() => lanczosEigs(op, { k: 10, maxBasis: 14, rng: new Rng(3) }));
  assert.ok(op.sawArena);
  assert.ok(plain.allConverged && simd.allConverged);
  assert.ok(simd.restarts >= 5, `${simd.restarts} restarts`);
  assert.ok(simd.peakVectors <= 15);
  outliers.eigenvalues.slice(0, 10).forEach((e, i) => {
    assert.ok(relativeError(simd.eigenvalues[i], e) <= 1e-5, `θ_${i} = ${simd.eigenvalues[i]} vs ${e}`);
    assert.ok(relativeError(simd.eigenvalues[i], plain.eigenvalues[i]) <= 1e-5);
  });
  // The returned eigenvectors are orthonormal to float32 accuracy.
  const Y = simd.eigenvectors!;
  for (let i = 0; i < Y.length; i++) for (let j = 0; j <= i; j++) assert.ok(Math.abs(dot(Y[i], Y[j]) - (i === j ? 1 : 0)) < 1e-5);
});

test('breakdowns in the arena: a rank-3 float32 matrix gives [5, 3, 2, 0 …] on top, as on the JavaScript path', () => {
  const A = matrixWithSpectrum([5, 3, 2, ...new Array<number>(57).fill(0)], 7);
  const op = float32Operator(A);
  const { plain, simd } = bothPaths(() => lanczosEigs(op, { k: 10, rng: new Rng(6) }));
  for (const r of [plain, simd]) {
    assert.ok(r.allConverged);
    [5, 3, 2, 0, 0, 0, 0, 0, 0, 0].forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i] - e) <= 1e-5 * 5, `θ_${i} = ${r.eigenvalues[i]}`));
  }
  assert.ok(simd.applications <= plain.applications + 2, `${simd.applications} vs ${plain.applications}`);
});

test('traceMoments with a Lanczos sketch on a float32 operator: the arena path gives the same estimates (1e-5) for the same budget', () => {
  const op = float32Operator(outliers);
  const run = () => {
    const counted = countingOperator(op);
    const lz = lanczosEigs(counted, { k: 12, which: 'magnitude', wantImages: true, rng: new Rng(7) });
    const w = watched(counted);
    const m = traceMoments(w, { kmax: 4, probes: 12, sketch: { vectors: lz.eigenvectors!, images: lz.images! }, rng: new Rng(8) });
    return { m, sawArena: w.sawArena, applications: counted.applications };
  };
  const { plain, simd } = bothPaths(run);
  assert.ok(simd.sawArena && !plain.sawArena);
  assert.equal(simd.m.applications, plain.m.applications);
  simd.m.moments.forEach((e, k) => {
    const p = plain.m.moments[k];
    assert.ok(relativeError(e.estimate, p.estimate) <= 1e-5, `k = ${k + 1}: ${e.estimate} vs ${p.estimate}`);
    assert.ok(relativeError(e.stderr, p.stderr) <= 1e-3, `k = ${k + 1} stderr: ${e.stderr} vs ${p.stderr}`);
    assert.ok(Math.abs(e.estimate - outliers.trace(k + 1)) <= 4 * e.stderr + 1e-5 * Math.abs(outliers.trace(k + 1)), `k = ${k + 1} covers the exact value`);
  });
});

test('krylovSketch on a float32 operator: same exact moments and budget on both paths, plain vectors and images out', () => {
  const op = float32Operator(outliers);
  const { plain, simd } = bothPaths(() => krylovSketch(op, { dimension: 20, kmax: 5, rng: new Rng(1), withImages: true }));
  assert.equal(simd.applications, plain.applications);
  simd.exactMoments.forEach((x, k) => assert.ok(relativeError(x, plain.exactMoments[k]) <= 1e-5, `k = ${k + 1}`));
  assert.ok(isPlain(simd.vectors) && isPlain(simd.images));
  // Its sketch drives the deflated estimator without a validation error (QᵀQ = Id to float32 accuracy).
  const m = traceMoments(op, { kmax: 4, probes: 4, sketch: simd, rng: new Rng(2) });
  assert.equal(m.sketchRank, 20);
});

test('slq on a float32 operator: the same nodes and weights on both paths', () => {
  const op = float32Operator(indefinite);
  const { plain, simd } = bothPaths(() => slq(op, { probes: 3, steps: 25, rng: new Rng(9) }));
  simd.probes.forEach((p, i) => {
    const q = plain.probes[i];
    assert.equal(p.steps, q.steps);
    p.nodes.forEach((x, j) => assert.ok(Math.abs(x - q.nodes[j]) <= 1e-5 * 50, `probe ${i} node ${j}`));
    p.weights.forEach((x, j) => assert.ok(Math.abs(x - q.weights[j]) <= 1e-4, `probe ${i} weight ${j}`));
  });
  assert.equal(simd.applications, plain.applications);
});

test('frobeniusRatio on float32 operators: the same ratio on both paths', () => {
  const A = float32Operator(matrixWithSpectrum(outlierSpectrum(200, [9, 7, 5], 0, 1, 4), 4));
  const B = float32Operator(matrixWithSpectrum(outlierSpectrum(200, [20, -15, 10], -1, 1, 5), 5));
  const { plain, simd } = bothPaths(() => frobeniusRatio(A, B, { probes: 10, sketchDimension: 8, rng: new Rng(10) }));
  assert.ok(relativeError(simd.ratio.estimate, plain.ratio.estimate) <= 1e-5, `${simd.ratio.estimate} vs ${plain.ratio.estimate}`);
  assert.equal(simd.applicationsA, plain.applicationsA);
});
