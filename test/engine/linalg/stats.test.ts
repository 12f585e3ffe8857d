import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confidenceInterval,
  deltaMethodStderr,
  logGamma,
  studentTCdf,
  studentTQuantile,
} from '../../../src/engine/linalg/stats';
import { Rng } from '../../../src/engine/rng';

test('Student-t quantiles equal the tabulated values to 1e-6', () => {
  // t_{0.975} for 1, 4, 9, 19, 49 degrees of freedom; t_{0.95, 9}; and 1e7 degrees of freedom, where
  // t = z + (z³ + z)/(4ν) + O(ν⁻²) with z = 1.959963985 the normal quantile.
  const table: Array<[number, number, number]> = [
    [0.975, 1, 12.706204736],
    [0.975, 4, 2.776445105],
    [0.975, 9, 2.262157163],
    [0.975, 19, 2.093024054],
    [0.975, 49, 2.009575237],
    [0.95, 9, 1.833112933],
    [0.975, 1e7, 1.959964222],
  ];
  for (const [p, dof, t] of table) {
    const q = studentTQuantile(p, dof);
    assert.ok(Math.abs(q - t) <= 1e-6 * t, `t_{${p}, ${dof}} = ${q}, expected ${t}`);
    assert.ok(Math.abs(studentTCdf(t, dof) - p) <= 1e-9);
  }
  assert.equal(studentTQuantile(0.5, 3), 0);
  assert.ok(Math.abs(studentTQuantile(0.025, 9) + 2.262157163) < 1e-6);
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
  assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\)/);
});

test('confidenceInterval is estimate ± t · stderr', () => {
  const [lo, hi] = confidenceInterval({ estimate: 10, stderr: 2 }, 9);
  assert.ok(Math.abs(hi - 10 - 2 * 2.262157163) < 1e-6);
  assert.ok(Math.abs(10 - lo - 2 * 2.262157163) < 1e-6);
});

test('deltaMethodStderr of a ratio of means matches the spread over 400 replications within 15%', () => {
  // x ~ N(5, 1), y = 0.5 x + N(3, 0.5²): R = mean x / mean y; m = 50 samples per replication.
  const m = 50;
  const reps = 400;
  const rng = new Rng(11);
  const estimates: number[] = [];
  let reported = 0;
  for (let r = 0; r < reps; r++) {
    const x = new Float64Array(m);
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      x[i] = 5 + rng.normal();
      y[i] = 0.5 * x[i] + 3 + 0.5 * rng.normal();
    }
    const mx = x.reduce((s, v) => s + v, 0) / m;
    const my = y.reduce((s, v) => s + v, 0) / m;
    const R = mx / my;
    estimates.push(R);
    reported += deltaMethodStderr([1 / my, -R / my], [x, y]) / reps;
  }
  const mean = estimates.reduce((s, v) => s + v, 0) / reps;
  const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (reps - 1));
  assert.ok(Math.abs(reported / sd - 1) < 0.15, `delta-method stderr ${reported} vs spread ${sd}`);
});
