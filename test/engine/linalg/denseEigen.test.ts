import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigenvector } from '../../../src/engine/linalg/dense';
import { denseEigen } from '../../../src/engine/linalg/denseEigen';
import { matrixWithSpectrum, bulk } from './fixtures';

test('denseEigen recovers a known spectrum (n = 120) to 1e-12 and A = V Λ Vᵀ to 1e-11', () => {
  const spectrum = [40, 40, -7, ...bulk(117, -3, 5, 1)];
  const A = matrixWithSpectrum(spectrum, 1);
  const e = denseEigen(A.matrix, A.n, 'descending');
  const maxAbs = 40;
  e.values.forEach((v, i) => assert.ok(Math.abs(v - A.eigenvalues[i]) <= 1e-12 * maxAbs, `λ_${i}: ${v} vs ${A.eigenvalues[i]}`));
  const n = A.n;
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
      err = Math.max(err, Math.abs(s - A.matrix[i * n + j]));
    }
  }
  assert.ok(err <= 1e-11 * maxAbs, `reconstruction error ${err}`);
  // Columns are unit eigenvectors.
  const v = eigenvector(e, 2);
  const Av = A.op.matmat([v])[0];
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.abs(Av[i] - e.values[2] * v[i]));
  assert.ok(r <= 1e-11 * maxAbs, `residual ${r}`);
});

test('denseEigen sorts ascending by default and rejects non-symmetric or mis-sized input with a message', () => {
  const e = denseEigen(Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]), 3);
  assert.deepEqual(Array.from(e.values), [-1, 2, 3]);
  assert.throws(() => denseEigen(Float64Array.from([1, 2, 0, 1]), 2), /not symmetric/);
  assert.throws(() => denseEigen(new Float64Array(5), 2), /expected an 2×2/);
  assert.throws(() => denseEigen(Float64Array.from([NaN, 0, 0, 1]), 2), /finite/);
});
