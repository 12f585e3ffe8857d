import { ROUNDING_APPLICATIONS } from '../../../src/engine/linalg/rounding';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frobeniusRatio } from '../../../src/engine/linalg/frobenius';
import { denseOperator } from '../../../src/engine/linalg/operator';
import { Rng } from '../../../src/engine/rng';
import { randomOrthogonal, type TestMatrix, matrixWithSpectrum, bulk, outlierSpectrum } from './fixtures';

function product(a: TestMatrix, b: TestMatrix): Float64Array {
  const n = a.n;
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const x = a.matrix[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += x * b.matrix[k * n + j];
    }
  }
  return c;
}

const n = 200;
// A PSD low-rank-plus-small part ("I") and an indefinite one with outliers ("S"), unrelated bases.
const I = matrixWithSpectrum([100, 50, 20, 10, ...bulk(196, 0, 0.5, 1)], 1);
const S = matrixWithSpectrum(outlierSpectrum(n, [40, -30, 25], -2, 2, 2), 2);
const exactAB2 = product(I, S).reduce((s, x) => s + x * x, 0);
const exactRatio = exactAB2 / (I.trace(2) * S.trace(2));

test('‖AB‖²/(‖A‖²‖B‖²) within 3 standard errors of the dense value, with and without exact norms and sketches', () => {
  const cases = [
    { name: 'plain', options: {} },
    { name: 'exact ‖A‖²', options: { exactNormA2: I.trace(2) } },
    { name: 'exact both', options: { exactNormA2: I.trace(2), exactNormB2: S.trace(2) } },
    { name: 'sketch of B', options: { sketchDimension: 10, exactNormA2: I.trace(2) } },
  ];
  const stderr: Record<string, number> = {};
  for (const { name, options } of cases) {
    const r = frobeniusRatio(I.op, S.op, { probes: 40, rng: new Rng(3), ...options });
    assert.ok(Math.abs(r.ratio.estimate - exactRatio) <= 3 * r.ratio.stderr, `${name}: ${r.ratio.estimate} ± ${r.ratio.stderr} vs ${exactRatio}`);
    assert.ok(Math.abs(r.cosine.estimate - Math.sqrt(r.ratio.estimate)) < 1e-15);
    stderr[name] = r.ratio.stderr / r.ratio.estimate;
  }
  console.log(`# relative stderr of the ratio: ${Object.entries(stderr).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
  // Knowing ‖A‖² exactly and deflating B's outliers both help.
  assert.ok(stderr['sketch of B'] < 0.5 * stderr['plain']);
});

test('application counts: one of B and one or two of A per probe, plus the sketch', () => {
  const r = frobeniusRatio(I.op, S.op, { probes: 12, rng: new Rng(4) });
  assert.equal(r.applicationsB, 12 + ROUNDING_APPLICATIONS);
  assert.equal(r.applicationsA, 24 + ROUNDING_APPLICATIONS);
  const e = frobeniusRatio(I.op, S.op, { probes: 12, rng: new Rng(4), exactNormA2: I.trace(2), sketchDimension: 8 });
  assert.equal(e.applicationsB, 12 + 8 + 1 + ROUNDING_APPLICATIONS);
  assert.equal(e.applicationsA, 12 + 8 + ROUNDING_APPLICATIONS);
});

test('operators on orthogonal subspaces give a ratio of exactly 0 with zero standard error', () => {
  const Q = randomOrthogonal(60, new Rng(5));
  const build = (weights: (i: number) => number): Float64Array => {
    const m = new Float64Array(60 * 60);
    Q.forEach((q, i) => {
      const w = weights(i);
      for (let a = 0; a < 60; a++) for (let b = 0; b < 60; b++) m[a * 60 + b] += w * q[a] * q[b];
    });
    return m;
  };
  const A = denseOperator(build((i) => (i < 20 ? 1 + i : 0)), 60);
  const B = denseOperator(build((i) => (i >= 20 ? i - 40 : 0)), 60);
  const r = frobeniusRatio(A, B, { probes: 8, rng: new Rng(6) });
  assert.ok(Math.abs(r.ratio.estimate) < 1e-28, `ratio ${r.ratio.estimate}`);
  assert.ok(r.ratio.stderr < 1e-28);
});

test('the delta-method standard error matches the spread of the ratio over 100 seeds within 25%', () => {
  const reps = 100;
  const estimates: number[] = [];
  let reported = 0;
  for (let s = 0; s < reps; s++) {
    const r = frobeniusRatio(I.op, S.op, { probes: 30, rng: new Rng(s, 'spread') });
    estimates.push(r.ratio.estimate);
    reported += r.ratio.stderr / reps;
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / reps;
  const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
  assert.ok(Math.abs(reported / sd - 1) < 0.25, `mean reported stderr ${reported} vs spread ${sd}`);
  assert.ok(Math.abs(mean - exactRatio) < 4 * sd / Math.sqrt(reps), `mean ${mean} vs ${exactRatio}`);
});

test('frobeniusRatio rejects operators of different sizes', () => {
  const small = matrixWithSpectrum([1, 2, 3], 7);
  assert.throws(() => frobeniusRatio(I.op, small.op, { probes: 4 }), /sizes differ \(200 and 3\)/);
});
