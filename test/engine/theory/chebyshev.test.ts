import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chebyshevTable, evaluateChebyshev } from '../../../src/engine/theory/chebyshev';

test('a smooth vector function is interpolated to its tolerance at points it was not built from', () => {
  const f = (x: number, out: Float64Array) => {
    out[0] = Math.exp(x);
    out[1] = 1 / (1.2 - x); // pole at 1.2: geometric but slow convergence
    out[2] = 0; // an identically zero component must not block convergence
  };
  const table = chebyshevTable(f, 3, { tolerance: 1e-10 });
  assert.ok(table.converged, `not converged at ${table.points} points`);
  const out = new Float64Array(3);
  const exact = new Float64Array(3);
  let worst = 0;
  for (let k = 0; k <= 1000; k++) {
    const x = -1 + (2 * k) / 1000;
    evaluateChebyshev(table, x, out);
    f(x, exact);
    worst = Math.max(worst, Math.abs(out[0] - exact[0]) / Math.E, Math.abs(out[1] - exact[1]) / 5, Math.abs(out[2]));
  }
  assert.ok(worst < 1e-10, `worst relative error ${worst}`);
  assert.ok(table.errorEstimate <= 1e-10);
});

test('a kink does not converge within the size limit and says so', () => {
  const table = chebyshevTable((x, out) => void (out[0] = Math.abs(x - 0.1)), 1, { tolerance: 1e-9, maxPoints: 129 });
  assert.equal(table.converged, false);
  assert.equal(table.points, 129);
  assert.ok(table.errorEstimate > 1e-9);
});

test('sizes must be 2^j + 1', () => {
  assert.throws(() => chebyshevTable(() => undefined, 1, { tolerance: 1e-9, minPoints: 16 }), /2\^j \+ 1/);
});
