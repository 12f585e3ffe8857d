import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '../../../src/engine/backend/gemm';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';

/**
 * gemm = alpha·op(A)·op(B) + beta·C0 against a float64 reference, for every transpose combination and
 * with and without C0, on whatever path the active backend takes (composed stock ops here; the native
 * kernel has its own tests). Tolerance: float32 products of K terms round to about K·u·Σ|a||b| (u = 2⁻²⁴),
 * plus one rounding of the scale and of the sum with beta·C0.
 */
function reference(A: Float64Array, B: Float64Array, C: Float64Array | undefined, m: number, n: number, k: number, tA: boolean, tB: boolean, alpha: number, beta: number) {
  const out = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const a = tA ? A[p * m + i] : A[i * k + p];
        const b = tB ? B[j * k + p] : B[p * n + j];
        s += a * b;
        abs += Math.abs(a * b);
      }
      out[i * n + j] = alpha * s + (C ? beta * C[i * n + j] : 0);
      bound[i * n + j] = (k + 2) * 2 ** -24 * (Math.abs(alpha) * abs + (C ? Math.abs(beta * C[i * n + j]) : 0)) + 1e-30;
    }
  }
  return { out, bound };
}

test('gemm equals alpha·op(A)·op(B) + beta·C0 in float64 within the float32 rounding bound, for every transpose and C0 combination', async () => {
  await setupBackend();
  const rng = new Rng(7);
  const [m, n, k] = [5, 7, 13];
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      for (const withC of [false, true]) {
        const A = rng.fillNormal(new Float64Array(m * k));
        const B = rng.fillNormal(new Float64Array(k * n));
        const C = withC ? rng.fillNormal(new Float64Array(m * n)) : undefined;
        const [alpha, beta] = [-0.37, withC ? 1.5 : 0];
        const out = tf.tidy(() =>
          gemm({
            a: tf.tensor2d(Float32Array.from(A), tA ? [k, m] : [m, k]),
            b: tf.tensor2d(Float32Array.from(B), tB ? [n, k] : [k, n]),
            transposeA: tA,
            transposeB: tB,
            alpha,
            ...(C ? { c: tf.tensor2d(Float32Array.from(C), [m, n]), beta } : {}),
          }).dataSync(),
        );
        // The inputs were rounded to float32 first: the reference uses the rounded values.
        const ref = reference(Float64Array.from(Float32Array.from(A)), Float64Array.from(Float32Array.from(B)), C && Float64Array.from(Float32Array.from(C)), m, n, k, tA, tB, alpha, beta);
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(out[i] - ref.out[i]) <= ref.bound[i], `tA=${tA} tB=${tB} C0=${withC} entry ${i}: ${out[i]} vs ${ref.out[i]} (bound ${ref.bound[i]})`);
      }
    }
  }
});
