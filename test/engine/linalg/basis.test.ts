import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combine, combineInPlace, orthogonalize, orthonormalityDefect, randomUnitOrthogonalTo } from '../../../src/engine/linalg/basis';
import { dot, type Vector } from '../../../src/engine/linalg/operator';
import { Rng } from '../../../src/engine/rng';

const space = { size: 40, precision: 'float64' as const };

function orthonormalBasis(r: number, rng: Rng): Vector[] {
  const basis: Vector[] = [];
  for (let i = 0; i < r; i++) {
    const v = randomUnitOrthogonalTo(space, basis, rng);
    assert.ok(v);
    basis.push(v);
  }
  return basis;
}

test('orthogonalize (Gram–Schmidt twice) leaves w orthogonal to the basis to 1e-15 even when w is almost inside it', () => {
  const rng = new Rng(1);
  const Q = orthonormalBasis(10, rng);
  // w = Σ c_i q_i + 1e-10 · (random): nearly in span(Q), the hard case for one pass.
  const w = new Float64Array(40);
  const c = Array.from({ length: 10 }, () => rng.normal());
  Q.forEach((q, i) => q.forEach((x, j) => (w[j] += c[i] * x)));
  for (let j = 0; j < 40; j++) w[j] += 1e-10 * rng.normal();
  const h = orthogonalize(w, Q);
  const wn = Math.sqrt(dot(w, w));
  // One pass would leave |qᵀw|/‖w‖ ≈ u·‖w₀‖/‖w‖ ≈ 1e-6 here; the second brings it to rounding level.
  for (const q of Q) assert.ok(Math.abs(dot(q, w)) <= 1e-14 * wn, `qᵀw = ${dot(q, w)} with ‖w‖ = ${wn}`);
  // The coefficients are Qᵀw₀ = c plus the perturbation's share (≈ 1e-10).
  c.forEach((ci, i) => assert.ok(Math.abs(h[i] - ci) < 1e-9, `coefficient ${i}: ${h[i]} vs ${ci}`));
});

test('randomUnitOrthogonalTo returns null once the basis spans the space', () => {
  const rng = new Rng(2);
  const Q = orthonormalBasis(40, rng);
  assert.ok(orthonormalityDefect(Q, rng) < 1e-13);
  assert.equal(randomUnitOrthogonalTo(space, Q, rng), null);
});

test('combineInPlace equals combine (Ritz vectors written over the basis)', () => {
  const rng = new Rng(3);
  const V = orthonormalBasis(6, rng);
  const S = Float64Array.from({ length: 36 }, () => rng.normal());
  const cols = [4, 1, 2];
  const expected = combine(space, V, S, 6, cols);
  const inPlace = combineInPlace(V.map((v) => v.slice() as Vector), S, 6, cols);
  expected.forEach((e, l) => e.forEach((x, i) => assert.ok(Math.abs(x - inPlace[l][i]) < 1e-14)));
});
