import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Curvature } from '../../../src/engine/network/curvature';
import { BUILTIN_ACTIVATIONS } from '../../../src/catalogue/activations';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { relErr, smallProblem } from '../../helpers/nets';

// The float32 TensorFlow.js passes against the float64 reference. float32 rounding over sums of a
// few hundred terms is ~1e-6 relative; 1e-4 is "about 1e-4" of the issue and catches any wrong term.
const TOL = 1e-4;

before(async () => {
  await setupBackend();
});

for (const parametrization of ['ntk', 'mean_field'] as const) {
  for (const activation of BUILTIN_ACTIVATIONS) {
    test(`tf vs float64 (${activation}, ${parametrization}): f, Jᵀu, Jv, Hv, Iv, Sv`, () => {
      const N = 6;
      const nL = 2;
      const { spec, params, inputs, targets } = smallProblem({ widths: [5, 16, 12, nL], activation, parametrization, N, seed: 2 });
      const ref = new Dense64Network(spec, params, inputs);
      const net = new TfNetwork(spec, params, inputs);
      try {
        const Y = net.outputs();
        assert.ok(relErr(Y, ref.outputs()) < TOL, `outputs ${relErr(Y, ref.outputs())}`);
        const ev = evaluateLoss(builtinLoss('mse'), ref.outputs(), targets, N, nL);
        const rng = new Rng(9);
        const u = rng.fillNormal(new Float64Array(N * nL));
        assert.ok(relErr(net.vjp(u), ref.vjp(u)) < TOL, 'vjp');
        const curv = new Curvature(net, ev);
        for (let r = 0; r < 2; r++) {
          const v = rng.fillNormal(new Float64Array(ref.P));
          assert.ok(relErr(curv.jvp(v), ref.jvp(v)) < TOL, `jvp ${relErr(curv.jvp(v), ref.jvp(v))}`);
          const e = (a: ArrayLike<number>, b: ArrayLike<number>): number => relErr(a, b);
          assert.ok(e(curv.hvp(v), ref.hvp(v, ev)) < TOL, `hvp ${e(curv.hvp(v), ref.hvp(v, ev))}`);
          assert.ok(e(curv.ivp(v), ref.ivp(v, ev)) < TOL, `ivp ${e(curv.ivp(v), ref.ivp(v, ev))}`);
          assert.ok(e(curv.svp(v), ref.svp(v, ev)) < TOL, `svp ${e(curv.svp(v), ref.svp(v, ev))}`);
        }
        curv.dispose();
      } finally {
        net.dispose();
      }
    });
  }
}

test('softmax_ce and bce curvature products match the float64 reference', () => {
  for (const [lossName, nL] of [
    ['softmax_ce', 4],
    ['bce', 1],
  ] as const) {
    const N = 5;
    const { spec, params, inputs } = smallProblem({ widths: [4, 10, 8, nL], activation: 'tanh', N, seed: 4 });
    const rng = new Rng(4, lossName);
    const targets = new Float64Array(N * nL);
    for (let i = 0; i < N; i++) {
      if (lossName === 'bce') targets[i] = rng.uniform() < 0.5 ? -1 : 1;
      else targets[i * nL + rng.int(nL)] = 1;
    }
    const ref = new Dense64Network(spec, params, inputs);
    const net = new TfNetwork(spec, params, inputs);
    const ev = evaluateLoss(builtinLoss(lossName), ref.outputs(), targets, N, nL);
    const curv = new Curvature(net, ev);
    const v = rng.fillNormal(new Float64Array(ref.P));
    assert.ok(relErr(curv.hvp(v), ref.hvp(v, ev)) < TOL, `${lossName} hvp`);
    assert.ok(relErr(curv.ivp(v), ref.ivp(v, ev)) < TOL, `${lossName} ivp`);
    assert.ok(relErr(curv.svp(v), ref.svp(v, ev)) < TOL, `${lossName} svp`);
    curv.dispose();
    net.dispose();
  }
});

test('a gradient step matches θ − η∇C of the float64 reference, and a stale curvature context refuses to work', () => {
  const N = 4;
  const { spec, params, inputs, targets } = smallProblem({ widths: [3, 8, 1], N, seed: 8 });
  const ref = new Dense64Network(spec, params, inputs);
  const ev = evaluateLoss(builtinLoss('mse'), ref.outputs(), targets, N, 1);
  const net = new TfNetwork(spec, params, inputs);
  const curv = new Curvature(net, ev);
  net.step(0.5, ev.gradient);
  const expected = ref.vjp(ev.gradient).map((g, i) => params[i] - 0.5 * g);
  assert.ok(relErr(net.parameterVector(), expected) < 1e-5);
  assert.throws(() => curv.hvp(new Float32Array(ref.P)), /stale/);
  curv.dispose();
  net.dispose();
});

test('tensor memory does not grow: the live tensor count is the same after 1 and after 100 steps and products', () => {
  const N = 8;
  const { spec, params, inputs, targets } = smallProblem({ widths: [4, 12, 12, 1], N, seed: 5 });
  const net = new TfNetwork(spec, params, inputs);
  const loss = builtinLoss('mse');
  const rng = new Rng(1);
  const v = rng.fillNormal(new Float32Array(net.P));
  const cycle = (): void => {
    const ev = evaluateLoss(loss, net.outputs(), targets, N, 1);
    const curv = new Curvature(net, ev);
    curv.hvp(v);
    curv.ivp(v);
    curv.svp(v);
    curv.jvp(v);
    curv.dispose();
    net.step(0.1, ev.gradient);
  };
  cycle();
  const after1 = tf.memory().numTensors;
  for (let s = 0; s < 99; s++) cycle();
  assert.equal(tf.memory().numTensors, after1);
  net.dispose();
});
