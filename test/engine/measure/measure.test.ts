import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Curvature } from '../../../src/engine/network/curvature';
import { takeMeasurement } from '../../../src/engine/measure/measure';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { slq, slqMoments } from '../../../src/engine/linalg/slq';
import type { MeasureConfig } from '../../../src/engine/config';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { smallProblem } from '../../helpers/nets';

// Matrix-free (float32, stochastic) measurements against the dense float64 exact path on the same
// network: P = 453, so both paths run.

before(async () => {
  await setupBackend();
});

const settings = (exact: boolean): MeasureConfig => ({
  points: 2,
  spacing: 'log',
  moments: 4,
  probes: 30,
  top: 10,
  bottom: 5,
  density: 0,
  orthogonality: true,
  theory: false,
  layers: false,
  exact,
});

for (const [activation, lossName, nL] of [
  ['smooth_relu', 'mse', 1],
  ['tanh', 'softmax_ce', 3],
] as const) {
  test(`matrix-free measurement agrees with the dense exact path (${activation}, ${lossName})`, () => {
    const N = 12;
    const { spec, params, inputs } = smallProblem({ widths: [4, 20, 16, nL], activation, N, seed: 31 });
    const rng = new Rng(31, 'targets');
    const targets = new Float64Array(N * nL);
    if (lossName === 'mse') rng.fillNormal(targets);
    else for (let i = 0; i < N; i++) targets[i * nL + rng.int(nL)] = 1;
    const net = new TfNetwork(spec, params, inputs);
    // A few steps first so that the measurement is not at a special point.
    for (let s = 0; s < 5; s++) net.step(0.5, evaluateLoss(builtinLoss(lossName), net.outputs(), targets, N, nL).gradient);
    const args = { net, targets, loss: builtinLoss(lossName), trial: 0, step: 5, t: 2.5, rng: new Rng(4) };
    const exact = takeMeasurement({ ...args, settings: settings(true) }).record;
    const free = takeMeasurement({ ...args, settings: settings(false) }).record;
    assert.equal(exact.exact, true);
    assert.equal(free.exact, false);
    // Every moment of every operator, sampled or not (Tr(I^k) from Θ̂, Tr(S) = Gᵀ∇C, Tr(H) their sum),
    // lies within 4 of its reported standard errors of the float64 value, and every standard error is
    // positive: float32 arithmetic is never exact, and the error bar says so (no tolerance of our own).
    for (let k = 0; k < 4; k++) {
      for (const A of ['H', 'I', 'S'] as const) {
        const est = free.moments[A][k];
        const se = free.moments_stderr[A][k];
        const truth = exact.moments[A][k];
        assert.ok(se > 0, `Tr(${A}^${k + 1}) reported with stderr ${se}`);
        assert.ok(Math.abs(est - truth) <= 4 * se, `Tr(${A}^${k + 1}) ${est} ± ${se} vs exact ${truth} (${((est - truth) / se).toFixed(1)} s.e.)`);
      }
    }
    // Lanczos top-10 and bottom-5 against the dense eigenvalues.
    const scale = Math.abs(exact.top!.H![0]);
    for (let j = 0; j < 10; j++) {
      assert.ok(Math.abs(free.top!.H![j] - exact.top!.H![j]) <= 1e-4 * scale, `top H ${j}: ${free.top!.H![j]} vs ${exact.top!.H![j]}`);
      assert.ok(Math.abs(free.top!.I![j] - exact.top!.I![j]) <= 1e-4 * scale, `top I ${j}`);
    }
    const sScale = Math.max(Math.abs(exact.top!.S![0]), Math.abs(exact.bottom!.S![0]));
    for (let j = 0; j < 10; j++) assert.ok(Math.abs(free.top!.S![j] - exact.top!.S![j]) <= 1e-4 * sScale, `top S ${j}: ${free.top!.S![j]} vs ${exact.top!.S![j]}`);
    for (let j = 0; j < 5; j++) {
      assert.ok(Math.abs(free.bottom!.H![j] - exact.bottom!.H![j]) <= 1e-4 * scale, `bottom H ${j}: ${free.bottom!.H![j]} vs ${exact.bottom!.H![j]}`);
      assert.ok(Math.abs(free.bottom!.S![j] - exact.bottom!.S![j]) <= 1e-4 * sScale, `bottom S ${j}`);
    }
    // ‖IS‖_F/(‖I‖_F‖S‖_F) within 4 standard errors; Rayleigh quotients of I's eigenvectors agree.
    const o = free.orthogonality!;
    const oe = exact.orthogonality!;
    assert.ok(o.IS_stderr > 0 && Math.abs(o.IS - oe.IS) <= 4 * o.IS_stderr, `IS ${o.IS} ± ${o.IS_stderr} vs ${oe.IS}`);
    for (let j = 0; j < 5; j++) {
      assert.ok(Math.abs(o.rayleigh.I[j][0] - oe.rayleigh.I[j][0]) <= 1e-4 * scale);
      assert.ok(Math.abs(o.rayleigh.I[j][1] - oe.rayleigh.I[j][1]) <= 1e-3 * sScale, `vSv ${o.rayleigh.I[j][1]} vs ${oe.rayleigh.I[j][1]}`);
    }
    net.dispose();
  });
}

test('SLQ moments of the float32 H operator reproduce the exact Tr(H^k) within 3 standard errors', () => {
  const N = 10;
  const { spec, params, inputs, targets } = smallProblem({ widths: [3, 16, 12, 1], N, seed: 32 });
  const net = new TfNetwork(spec, params, inputs);
  const loss = builtinLoss('mse');
  const exact = takeMeasurement({ net, targets, loss, settings: settings(true), trial: 0, step: 0, t: 0, rng: new Rng(1) }).record;
  const curv = new Curvature(net, evaluateLoss(loss, net.outputs(), targets, N, 1));
  const result = slq(curv.operators().H, { probes: 40, steps: 20, rng: new Rng(7) });
  const m = slqMoments(result, 4);
  for (let k = 0; k < 4; k++) {
    assert.ok(Math.abs(m[k].estimate - exact.moments.H[k]) <= 3 * m[k].stderr, `k=${k + 1}: ${m[k].estimate} ± ${m[k].stderr} vs ${exact.moments.H[k]}`);
  }
  curv.dispose();
  net.dispose();
});
