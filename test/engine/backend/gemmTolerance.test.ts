import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gamma32, gemmReference, worstBoundRatio } from '../../../src/engine/backend/gemmTolerance';

test('γ_n = n·u/(1 − n·u) with u = 2⁻²⁴; no bound once n·u ≥ 1', () => {
  assert.equal(gamma32(0), 0);
  assert.ok(Math.abs(gamma32(1000) / (1000 * 2 ** -24) - 1) < 1e-4);
  assert.ok(gamma32(1000) > 1000 * 2 ** -24);
  assert.equal(gamma32(2 ** 24), Infinity);
});

test('gemmReference: exact product of the stored operands (every transpose) and the bound from Σ|a||b| and |beta·c0|', () => {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]; stored transposed where asked.
  const A = [1, 2, 3, 4];
  const At = [1, 3, 2, 4];
  const B = [5, 6, 7, 8];
  const Bt = [5, 7, 6, 8];
  for (const [a, transposeA] of [[A, false], [At, true]] as const) {
    for (const [b, transposeB] of [[B, false], [Bt, true]] as const) {
      const r = gemmReference({ a, b, M: 2, N: 2, K: 2, transposeA, transposeB, alpha: 2, c: [1, -1, 0, 10], beta: -0.5 });
      assert.deepEqual(Array.from(r.exact), [2 * 19 - 0.5, 2 * 22 + 0.5, 2 * 43, 2 * 50 - 5]);
      assert.deepEqual(Array.from(r.bound), [2 * 19 + 0.5, 2 * 22 + 0.5, 2 * 43, 2 * 50 + 5].map((x) => gamma32(5) * x));
    }
  }
});

test('worstBoundRatio: within, beyond, exact zeros and NaNs', () => {
  assert.equal(worstBoundRatio([1, 2], [1, 2], [0, 0]), 0);
  assert.equal(worstBoundRatio([1.5, 2], [1, 2], [1, 1]), 0.5);
  assert.equal(worstBoundRatio([1.5, 2], [1, 2], [1, 1], 2), 0.25);
  assert.equal(worstBoundRatio([1e-30, 2], [0, 2], [0, 1]), Infinity, 'an exact zero must be matched exactly');
  assert.equal(worstBoundRatio([NaN, 2], [NaN, 2], [1, 1]), 0, 'NaN where the reference is NaN');
  assert.equal(worstBoundRatio([NaN, 2], [1, 2], [1, 1]), Infinity, 'NaN elsewhere');
  assert.equal(worstBoundRatio([1, 2], [NaN, 2], [1, 1]), Infinity, 'a number where the reference is NaN');
  assert.throws(() => worstBoundRatio([1], [1, 2], [1, 1]), /expected 2 values/);
});
