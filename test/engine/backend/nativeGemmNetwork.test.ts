import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { GEMM_KERNEL } from '../../../src/engine/backend/gemm';
import { gamma32 } from '../../../src/engine/backend/gemmTolerance';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Curvature } from '../../../src/engine/network/curvature';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { Rng } from '../../../src/engine/rng';
import { relErr, smallProblem } from '../../helpers/nets';
import { NATIVE_PATHS, withNativeGemm } from '../../helpers/nativePaths';

// The engine's gradient (Jᵀ∇C) and H·v with and without the native kernels. Only the products differ
// between the two runs (every element-wise kernel is the same code). Each product's result differs by
// at most 2γ_{K+3}·|A||B| elementwise (gemmTolerance.ts); for the random-sign sums of a network at
// initialization |A||B| ≈ √K·|AB| (a sum of K terms of random sign grows as √K, its absolute sum as K),
// and the NTK scaling keeps every layer's map of order 1, so the relative difference of the result is
// at most the sum over the D products of the pass (counted by profiling it):
//
//     relErr ≤ 2 · D · γ_{Kmax+3} · √Kmax.
//
// A wrong product (layout, transpose, batch) is off by O(1), far above it.

before(async () => {
  await initBackend('wasm', { nativeGemm: false });
});

/** Products run by `fn` (kernel calls of BatchMatMul or NtkGemm). */
async function productsIn(fn: () => unknown): Promise<number> {
  const info = await tf.profile(() => {
    fn();
  });
  return info.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === GEMM_KERNEL).length;
}

for (const { label, options } of NATIVE_PATHS) {
  for (const widths of [
    [5, 16, 12, 2],
    [30, 64, 48, 3],
  ]) {
    test(`gradient and H·v of a ${widths.join('-')} network with and without the native products (${label})`, async () => {
      const N = widths[0] === 5 ? 6 : 20;
      const { spec, params, inputs, targets } = smallProblem({ widths, activation: 'smooth_relu', N, seed: 3 });
      const nL = widths[widths.length - 1];
      const v = new Rng(11).fillNormal(new Float64Array(params.length));
      // Each quantity from scratch: a new network, its forward pass, then the pass itself.
      const compute = {
        gradient: () => {
          const net = new TfNetwork(spec, params, inputs);
          try {
            return net.vjp(evaluateLoss(builtinLoss('mse'), net.outputs(), targets, N, nL).gradient);
          } finally {
            net.dispose();
          }
        },
        hvp: () => {
          const net = new TfNetwork(spec, params, inputs);
          const curv = new Curvature(net, evaluateLoss(builtinLoss('mse'), net.outputs(), targets, N, nL));
          try {
            return curv.hvp(v);
          } finally {
            curv.dispose();
            net.dispose();
          }
        },
      };
      const run = () => ({ gradient: compute.gradient(), hvp: compute.hvp() });
      const stock = run();
      // D: the products of the whole computation of each quantity.
      const D = { gradient: await productsIn(compute.gradient), hvp: await productsIn(compute.hvp) };
      const Kmax = Math.max(N, ...widths);
      const native = withNativeGemm(options, () => run());
      if (!native) return;
      for (const what of ['gradient', 'hvp'] as const) {
        const tol = 2 * D[what] * gamma32(Kmax + 3) * Math.sqrt(Kmax);
        const e = relErr(native[what], stock[what]);
        console.log(`${widths.join('-')} ${what}: relErr ${e.toExponential(2)}, bound ${tol.toExponential(2)} (D = ${D[what]}, Kmax = ${Kmax})`);
        assert.ok(e <= tol, `${what}: relErr ${e} > ${tol}`);
      }
    });
  }
}
