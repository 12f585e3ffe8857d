import * as tf from '@tensorflow/tfjs-core';
import { gemm } from './gemm';
import { gemmReference, worstBoundRatio } from './gemmTolerance';
import { Rng } from '../rng';

/**
 * The start-up check of a new matrix product: a few small products computed by the stock kernels,
 * then — after `install()` has swapped the new kernels in — by the new ones, compared element by
 * element within twice the float32 bound of gemmTolerance.ts (both must obey it). The shapes are odd
 * (no kernel's block size divides them), every transpose combination, a batch broadcast, alpha, beta
 * and C0, and one product large enough for a threaded BLAS to split. A wrong layout, transpose,
 * offset or stride is off by O(1) times the bound; rounding never exceeds it.
 */
export type SelfCheck = { readonly ok: true; readonly products: number; readonly worstRatio: number } | { readonly ok: false; readonly reason: string };

interface Case {
  readonly name: string;
  run(): tf.Tensor;
  /** Per output batch (row-major over the batch dimensions): the float32 error bound of each element. */
  bound(): Float64Array;
}

export function selfCheckGemm(install: () => void): SelfCheck {
  const rng = new Rng(15, 'gemm-self-check');
  const made: tf.Tensor[] = [];
  const tensor = (shape: number[]): tf.Tensor => {
    const values = rng.fillNormal(new Float32Array(shape.reduce((p, n) => p * n, 1)));
    const t = tf.tensor(values, shape, 'float32');
    made.push(t);
    return t;
  };
  try {
    const cases = checkCases(tensor);
    const stock = cases.map((c) => readAndDispose(c.run()));
    install();
    let worst = 0;
    for (let i = 0; i < cases.length; i++) {
      const got = readAndDispose(cases[i].run());
      if (got.length !== stock[i].length) return { ok: false, reason: `${cases[i].name}: ${got.length} values instead of ${stock[i].length}` };
      const ratio = worstBoundRatio(got, stock[i], cases[i].bound(), 2);
      if (!(ratio <= 1)) return { ok: false, reason: `${cases[i].name}: off by ${ratio.toPrecision(3)}× twice the float32 bound` };
      worst = Math.max(worst, ratio);
    }
    return { ok: true, products: cases.length, worstRatio: worst };
  } catch (error) {
    return { ok: false, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0] };
  } finally {
    tf.dispose(made);
  }
}

function readAndDispose(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function checkCases(tensor: (shape: number[]) => tf.Tensor): Case[] {
  const cases: Case[] = [];
  const [M, K, N] = [33, 47, 29];
  const shapeOf = (rows: number, cols: number, t: boolean) => (t ? [cols, rows] : [rows, cols]);
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = tensor(shapeOf(M, K, transposeA)) as tf.Tensor2D;
      const b = tensor(shapeOf(K, N, transposeB)) as tf.Tensor2D;
      const c = tensor([M, N]) as tf.Tensor2D;
      const flags = `transposeA=${transposeA}, transposeB=${transposeB}`;
      cases.push({
        name: `matMul ${M}×${K}·${K}×${N} (${flags})`,
        run: () => tf.matMul(a, b, transposeA, transposeB),
        bound: () => gemmReference({ a: a.dataSync(), b: b.dataSync(), M, N, K, transposeA, transposeB }).bound,
      });
      cases.push({
        name: `gemm 0.75·op(A)·op(B) − 1.25·C0 (${flags})`,
        run: () => gemm({ a, b, transposeA, transposeB, alpha: 0.75, c, beta: -1.25 }),
        bound: () => gemmReference({ a: a.dataSync(), b: b.dataSync(), M, N, K, transposeA, transposeB, alpha: 0.75, c: c.dataSync(), beta: -1.25 }).bound,
      });
    }
  }
  // Large enough (2.3 M multiply-adds) for a threaded BLAS to split the work.
  const big = { M: 130, K: 150, N: 120 };
  const A = tensor([big.M, big.K]);
  const B = tensor([big.K, big.N]);
  cases.push({
    name: `matMul ${big.M}×${big.K}·${big.K}×${big.N}`,
    run: () => tf.matMul(A, B),
    bound: () => gemmReference({ a: A.dataSync(), b: B.dataSync(), ...big }).bound,
  });
  // Batches: one B broadcast over A's [2, 3] batches, and B's [3] batches broadcast over A's leading 2
  // (the stock kernel handles these; a two-sided broadcast such as [2, 1] against [1, 3] it does not).
  for (const bBatch of [[1], [3]]) {
    const a = tensor([2, 3, 5, 7]);
    const b = tensor([...bBatch, 4, 7]);
    cases.push({
      name: `matMul [2,3,5,7]·[${bBatch},4,7]ᵀ`,
      run: () => tf.matMul(a, b, false, true),
      bound: () => {
        const av = a.dataSync();
        const bv = b.dataSync();
        const out = new Float64Array(6 * 5 * 4);
        for (let i = 0; i < 6; i++) {
          const j = bBatch[0] === 1 ? 0 : i % 3;
          const r = gemmReference({ a: av.subarray(i * 35, (i + 1) * 35), b: bv.subarray(j * 28, (j + 1) * 28), M: 5, N: 4, K: 7, transposeB: true });
          out.set(r.bound, i * 20);
        }
        return out;
      },
    });
  }
  return cases;
}
