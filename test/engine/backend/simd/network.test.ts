import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../../src/engine/network/tfNetwork';
import { Curvature } from '../../../../src/engine/network/curvature';
import { builtinLoss } from '../../../../src/catalogue/losses';
import { evaluateLoss } from '../../../../src/engine/loss/loss';
import { installSimdKernels, restoreStockKernels } from '../../../../src/engine/backend/simd/install';
import { initBackend } from '../../../../src/engine/backend';
import { Rng } from '../../../../src/engine/rng';
import { relErr, smallProblem } from '../../../helpers/nets';

// The engine's passes with and without the SIMD kernels. Only the activations differ between the
// two: by at most 8 float32 ulps (2^-20 relative: the stock softplus is up to 7.3 ulp off, tanh 2.1,
// ours 0.5; measured over the sweep in install.test.ts). A unit sums at most 17 such terms (the widest
// layer) and a difference passes through at most 2 hidden layers, so no result can move by more than
// 2·17·2^-20 of the scale of its terms; relErr divides by the largest result, of that scale.
const TOL = 2 * 17 * 2 ** -20;

before(async () => {
  const info = await initBackend('wasm');
  assert.equal(info.elementwise?.path, 'simd');
});

/** Outputs, Jᵀu, a step's parameters, and H v of one network, with the kernels as installed now. */
function passes(activation: string): Float64Array[] {
  const N = 7; // 7×17 and 7×13 activations: both SIMD tails (of two and of one) run
  const { spec, params, inputs, targets } = smallProblem({ widths: [5, 17, 13, 2], activation, N, seed: 3 });
  const net = new TfNetwork(spec, params, inputs);
  try {
    const rng = new Rng(11);
    const outputs = net.outputs();
    const ev = evaluateLoss(builtinLoss('mse'), outputs, targets, N, 2);
    const vjp = Float64Array.from(net.vjp(rng.fillNormal(new Float64Array(N * 2))));
    const curv = new Curvature(net, ev);
    const hvp = Float64Array.from(curv.hvp(rng.fillNormal(new Float64Array(net.P))));
    curv.dispose();
    net.step(0.1, ev.gradient);
    return [outputs, vjp, hvp, Float64Array.from(net.parameterVector())];
  } finally {
    net.dispose();
  }
}

for (const activation of ['smooth_relu', 'tanh']) {
  test(`${activation} network: forward, vjp, H v and a gradient step agree with and without the SIMD kernels`, (t) => {
    restoreStockKernels();
    const stock = passes(activation);
    installSimdKernels();
    const simd = passes(activation);
    ['outputs', 'vjp', 'hvp', 'step'].forEach((what, i) => {
      const e = relErr(simd[i], stock[i]);
      t.diagnostic(`${what}: ${e.toExponential(2)} (bound ${TOL.toExponential(2)})`);
      assert.ok(e <= TOL, `${activation} ${what}: ${e}`);
    });
    // Not vacuous: the two runs did use different kernels (the stock softplus and tanh are not correctly rounded).
    assert.ok(simd.some((r, i) => relErr(r, stock[i]) > 0), 'the SIMD kernels changed nothing');
  });
}
