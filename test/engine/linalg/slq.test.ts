import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slq, slqDensity, slqMoments } from '../../../src/engine/linalg/slq';
import { countingOperator, dot, type Vector } from '../../../src/engine/linalg/operator';
import { Rng } from '../../../src/engine/rng';
import { bulk, float32Operator, matrixWithSpectrum, relativeError } from './fixtures';

// Indefinite, two clusters and a spread (n = 200).
const A = matrixWithSpectrum([...bulk(80, -3, -2, 1), ...bulk(100, 1, 6, 2), 9, 10, 11, 12, ...bulk(16, -1, 0.5, 3)], 1);

test('SLQ moments reproduce the exact Tr(A^k), k = 1…6, within 3 standard errors (30 probes × 20 steps)', () => {
  const op = countingOperator(A.op);
  const r = slq(op, { probes: 30, steps: 20, rng: new Rng(1) });
  assert.equal(r.applications, 30 * 20);
  assert.equal(op.applications, r.applications);
  for (const m of slqMoments(r, 6)) {
    const exact = A.trace(m.k);
    assert.ok(Math.abs(m.estimate - exact) <= 3 * m.stderr, `k = ${m.k}: ${m.estimate} ± ${m.stderr} vs ${exact}`);
  }
  for (const p of r.probes) {
    assert.equal(p.nodes.length, 20);
    assert.ok(Math.abs(p.weights.reduce((s, w) => s + w, 0) - 1) < 1e-12, 'weights sum to 1');
  }
});

test('each probe is a Gauss quadrature: n Σ τθ^k = n vᵀA^kv for k ≤ 2m − 1 (m = 5), to 1e-10', () => {
  const n = A.n;
  const r = slq(A.op, { probes: 1, steps: 5, rng: new Rng(2) });
  // The same stream gives the same start vector: Rademacher / √n.
  const v = new Rng(2).fillRademacher(new Float64Array(n)).map((x) => x / Math.sqrt(n));
  const powers: Vector[] = [v];
  for (let j = 1; j <= 5; j++) powers.push(A.op.matmat([powers[j - 1]])[0]);
  const quad = slqMoments(r, 9);
  for (let k = 1; k <= 9; k++) {
    const direct = n * dot(powers[Math.ceil(k / 2)], powers[Math.floor(k / 2)]);
    assert.ok(relativeError(quad[k - 1].estimate, direct) < 1e-10, `k = ${k}: ${quad[k - 1].estimate} vs ${direct}`);
  }
  // Degree 2m = 10 is beyond the rule's exactness.
  const tenth = slqMoments(r, 10)[9].estimate;
  const direct10 = n * dot(powers[5], powers[5]);
  assert.ok(relativeError(tenth, direct10) > 1e-6, 'not exact at degree 2m');
});

test('the density integrates to n, peaks on the clusters, and a log-scale density accounts for the negative part', () => {
  const r = slq(A.op, { probes: 20, steps: 30, rng: new Rng(3) });
  const d = slqDensity(r, { sigma: 0.1, points: 2000 });
  assert.ok(Math.abs(d.mass - A.n) < 1e-6 * A.n, `∫ density = ${d.mass}`);
  const at = (t: number): number => d.density[d.t.findIndex((x) => x >= t)];
  // 80 eigenvalues in [−3, −2] ≈ 80 per unit; a gap in (6.5, 8.5) with none.
  assert.ok(at(-2.5) > 40 && at(-2.5) < 160, `density at −2.5: ${at(-2.5)}`);
  assert.ok(at(7.5) < 1, `density in the gap: ${at(7.5)}`);
  const log = slqDensity(r, { sigma: 0.05, logScale: true, points: 2000 });
  const positives = Array.from(A.eigenvalues).filter((x) => x > 0).length;
  assert.ok(Math.abs(log.mass + log.excludedMass - A.n) < 1e-6 * A.n);
  // The split between positive and non-positive mass is itself an estimate (of 111 of 200).
  assert.ok(Math.abs(log.mass - positives) < 0.15 * positives, `positive mass ${log.mass} vs ${positives}`);
});

test('without reorthogonalization (3 vectors) and in float32 the moments still agree within 3 standard errors', () => {
  const plain = slq(A.op, { probes: 30, steps: 20, rng: new Rng(4), reorthogonalize: false });
  assert.ok(plain.peakVectors <= 3, `peak ${plain.peakVectors}`);
  const f32 = slq(float32Operator(A), { probes: 30, steps: 20, rng: new Rng(4) });
  for (const r of [plain, f32]) {
    for (const m of slqMoments(r, 4)) assert.ok(Math.abs(m.estimate - A.trace(m.k)) <= 3 * m.stderr, `k = ${m.k}`);
  }
});

test('breakdown: on a rank-3 matrix a probe stops after 4 steps with an exact quadrature', () => {
  const B = matrixWithSpectrum([5, 3, 2, ...new Array<number>(57).fill(0)], 5);
  const r = slq(B.op, { probes: 3, steps: 20, rng: new Rng(5) });
  for (const p of r.probes) {
    assert.equal(p.steps, 4);
    const nodes = Array.from(p.nodes).sort((a, b) => a - b);
    [0, 2, 3, 5].forEach((e, i) => assert.ok(Math.abs(nodes[i] - e) < 1e-12, `node ${nodes[i]}`));
  }
  assert.equal(r.applications, 12);
  assert.throws(() => slqDensity(r, { sigma: 0 }), /sigma must be > 0/);
  assert.throws(() => slq(B.op, { probes: 0, steps: 3 }), /probes must be an integer ≥ 1/);
});
