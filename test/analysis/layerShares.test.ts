import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerShares } from '../../src/analysis/layerShares';

test('shares of a positive trace are fractions summing to 1; signed traces are shares of their total size; all zero is undefined', () => {
  assert.deepEqual(layerShares([1, 3]), [0.25, 0.75]);
  const s = layerShares([2, -1, 1]);
  assert.deepEqual(s, [0.5, -0.25, 0.25]);
  assert.equal(s.reduce((a, x) => a + Math.abs(x), 0), 1);
  // A sum near 0 does not blow the shares up (Tr(S) = Σ Tr(S_ℓℓ) = 1e-12 here).
  assert.ok(layerShares([1, -1 + 1e-12]).every((x) => Math.abs(x) <= 1));
  assert.ok(layerShares([0, 0]).every(Number.isNaN));
});
