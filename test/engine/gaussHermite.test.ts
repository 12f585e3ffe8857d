import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussHermite, gaussianExpectation } from '../../src/catalogue/gaussHermite';

test('Gauss–Hermite integrates E Z^(2k) = (2k−1)!! exactly for 2k ≤ 2n − 1, at every degree up to 1000', () => {
  for (const n of [1, 2, 5, 20, 60, 150, 200, 300, 600, 1000]) {
    const { nodes, weights } = gaussHermite(n);
    assert.equal(new Set(nodes).size, n, `degree ${n}: nodes must be distinct`);
    let doubleFactorial = 1;
    for (let k = 0; 2 * k <= Math.min(2 * n - 1, 12); k++) {
      if (k > 0) doubleFactorial *= 2 * k - 1;
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * k);
      assert.ok(Math.abs(s - doubleFactorial) <= 1e-12 * doubleFactorial, `degree ${n}: E Z^${2 * k} = ${s}, expected ${doubleFactorial}`);
    }
  }
});

test('Gauss–Hermite: E cos(Z) = e^{−1/2} and E e^{Z} = e^{1/2} to 1e-14 at degree 40', () => {
  assert.ok(Math.abs(gaussianExpectation(Math.cos, 40) - Math.exp(-0.5)) < 1e-14);
  assert.ok(Math.abs(gaussianExpectation(Math.exp, 40) - Math.exp(0.5)) < 1e-13);
});

test('Gauss–Hermite rejects a degree outside 1..1000', () => {
  assert.throws(() => gaussHermite(0), /degree/);
  assert.throws(() => gaussHermite(2.5), /degree/);
});
