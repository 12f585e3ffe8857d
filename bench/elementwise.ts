import * as tf from '@tensorflow/tfjs-core';
import { evaluateLoss } from '../src/engine/loss/loss';
import { mse } from '../src/catalogue/losses';
import { REPLACED, TF_OP, installSimdKernels, restoreStockKernels } from '../src/engine/backend/simd/install';
import { UNARY_KERNELS, type UnaryKernelName } from '../src/engine/backend/simd/unaryKernels';
import { type BenchRecord, type Benchmark, figure1, timeMedian, median } from './common';

/**
 * The element-wise kernels, stock tfjs-wasm against the SIMD ones (src/engine/backend/simd), in one
 * process: ns per element of each op on 256 × 1000 float32 (the Figure-1 network's hidden layers), and
 * the Figure-1 training step with each set. The two are measured alternately, round by round, so a
 * change of load on the shared machine hits both. Sigmoid is measured although it is not replaced:
 * the comparison with tfjs-wasm's XNNPACK kernel is why.
 */


const ROUNDS = 3;

/** The medians over `rounds` of alternating stock and SIMD runs of `fn`, with `simd` the kernels to install. */
function alternate(repeat: number, simd: readonly UnaryKernelName[], fn: () => void): { stock: number; simd: number } {
  const times = { stock: [] as number[], simd: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    restoreStockKernels();
    times.stock.push(timeMedian(repeat, fn));
    installSimdKernels(simd);
    times.simd.push(timeMedian(repeat, fn));
  }
  return { stock: median(times.stock), simd: median(times.simd) };
}

export const elementwise: Benchmark = {
  name: 'elementwise',
  produces: ['elementwise_step'],
  async run(ctx) {
    if (tf.getBackend() !== 'wasm') return [{ name: 'elementwise', ms: NaN, skipped: `the active backend is ${tf.getBackend()}, not wasm` }];
    const out: BenchRecord[] = [];
    const rows = 256;
    const cols = 1000;
    const n = rows * cols;
    const x = tf.randomNormal([rows, cols], 0, 3, 'float32', 1);
    const positive = tf.tidy(() => tf.add(tf.abs(x), 1e-3));
    for (const k of UNARY_KERNELS) {
      const input = k.kernelName.startsWith('Log') ? positive : x;
      const t = alternate(Math.max(ctx.repeat, 10), [k.kernelName], () => TF_OP[k.kernelName](input).dispose());
      out.push({
        name: 'elementwise',
        ms: t.simd,
        op: k.kernelName,
        path: REPLACED.includes(k.kernelName) ? 'wasm_simd' : 'wasm_stock (SIMD measured, not installed)',
        ns_per_element: (t.simd / n) * 1e6,
        stock_ms: t.stock,
        stock_ns_per_element: (t.stock / n) * 1e6,
        speedup: t.stock / t.simd,
        elements: n,
      });
    }
    tf.dispose([x, positive]);
    const f = figure1();
    const lossAt = () => evaluateLoss(mse, f.net.outputs(), f.targets, f.N, 1);
    const params = f.net.parameterVector();
    const step = alternate(ctx.repeat, REPLACED, () => {
      f.net.step(1e-3, lossAt().gradient);
      f.net.outputs();
    });
    f.net.setParameters(params);
    f.net.dispose();
    out.push({ name: 'elementwise_step', ms: step.simd, path: 'wasm_simd', stock_ms: step.stock, speedup: step.stock / step.simd, what: 'Figure-1 net.step + outputs, stock vs SIMD element-wise kernels' });
    installSimdKernels();
    return out;
  },
};
