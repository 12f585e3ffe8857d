import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { gemm, hasNativeGemm } from '../../../src/engine/backend/gemm';
import { gemmReference, worstBoundRatio } from '../../../src/engine/backend/gemmTolerance';
import { Rng } from '../../../src/engine/rng';
import { NATIVE_PATHS, withNativeGemm } from '../../helpers/nativePaths';

// The native kernels against a float64 reference computed here, element by element within the float32
// bound of gemmTolerance.ts: γ_{K+3}·(|alpha|·Σ_k|a_ik||b_kj| + |beta|·|c0_ij|), γ_n = n·2⁻²⁴/(1 − n·2⁻²⁴).
// It grows with K (K = 1000 allows ~6e-5 of Σ|a||b|, K = 1 about 2.4e-7) and holds for any summation
// order; a wrong layout, stride or transpose is off by O(1) of the values.

before(async () => {
  await initBackend('wasm', { nativeGemm: false });
});

const rng = new Rng(7, 'heap-gemm-test');
function values(n: number): Float32Array {
  return rng.fillNormal(new Float32Array(n));
}
const size = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

/** op(X)'s rows × cols stored as X: transposed storage swaps the last two dimensions. */
function stored(batch: readonly number[], rows: number, cols: number, transpose: boolean): number[] {
  return transpose ? [...batch, cols, rows] : [...batch, rows, cols];
}

/**
 * The batched product in float64 with NumPy broadcasting of the batch dimensions, written out over
 * coordinates (independently of the kernel's flat-index mapping), with the bound of each element.
 */
function batchedReference(
  a: Float32Array,
  aBatch: readonly number[],
  b: Float32Array,
  bBatch: readonly number[],
  M: number,
  K: number,
  N: number,
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; exact: Float64Array; bound: Float64Array } {
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (s: readonly number[]) => [...new Array(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aBatch), pad(bBatch)];
  const outBatch = pa.map((n, d) => Math.max(n, pb[d]));
  const count = size(outBatch);
  const exact = new Float64Array(count * M * N);
  const bound = new Float64Array(count * M * N);
  for (let flat = 0; flat < count; flat++) {
    const coords: number[] = [];
    for (let d = rank - 1, rest = flat; d >= 0; d--) {
      coords[d] = rest % outBatch[d];
      rest = Math.floor(rest / outBatch[d]);
    }
    const index = (shape: number[]) => shape.reduce((acc, n, d) => acc * n + (n === 1 ? 0 : coords[d]), 0);
    const ia = index(pa);
    const ib = index(pb);
    const r = gemmReference({ a: a.subarray(ia * M * K, (ia + 1) * M * K), b: b.subarray(ib * K * N, (ib + 1) * K * N), M, N, K, transposeA, transposeB });
    exact.set(r.exact, flat * M * N);
    bound.set(r.bound, flat * M * N);
  }
  return { shape: [...outBatch, M, N], exact, bound };
}

const SHAPES: readonly { name: string; M: number; K: number; N: number; aBatch?: number[]; bBatch?: number[] }[] = [
  { name: 'square', M: 17, K: 17, N: 17 },
  { name: 'tall', M: 64, K: 9, N: 3 },
  { name: 'wide', M: 3, K: 9, N: 64 },
  { name: 'row vector', M: 1, K: 33, N: 20 },
  { name: 'column vector', M: 20, K: 33, N: 1 },
  { name: 'outer product', M: 12, K: 1, N: 7 },
  { name: 'dot product', M: 1, K: 50, N: 1 },
  { name: '1×1', M: 1, K: 1, N: 1 },
  { name: 'long inner dimension', M: 6, K: 1000, N: 5 },
  { name: 'large (a threaded BLAS splits it)', M: 150, K: 140, N: 160 },
  { name: 'empty inner dimension', M: 4, K: 0, N: 3 },
  { name: 'no rows', M: 0, K: 5, N: 3 },
  { name: 'batch, B shared', M: 5, K: 7, N: 4, aBatch: [2, 3], bBatch: [] },
  { name: 'batch, B batches broadcast', M: 5, K: 7, N: 4, aBatch: [2, 3], bBatch: [3] },
  { name: 'batch, both sides broadcast', M: 5, K: 7, N: 4, aBatch: [2, 1], bBatch: [1, 3] },
  { name: 'batch, equal', M: 5, K: 7, N: 4, aBatch: [4], bBatch: [4] },
  { name: 'batch, A shared', M: 5, K: 7, N: 4, aBatch: [], bBatch: [2, 2] },
  { name: 'batch, rank 5', M: 3, K: 4, N: 2, aBatch: [2, 1, 3], bBatch: [1, 2, 1] },
];

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

for (const { label, options } of NATIVE_PATHS) {
  test(`heap grown during a product: results still right (${label})`, () => {
    withNativeGemm(options, () => {
      const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
      const before = heap();
      // An outer product whose output needs more than the heap had: makeOutput grows it mid-kernel.
      const n = Math.ceil(Math.sqrt(before / 4)) + 64;
      const av = values(n);
      const bv = values(n);
      const out = tf.tidy(() => tf.matMul(tf.tensor2d(av, [n, 1]), tf.tensor2d(bv, [1, n])));
      assert.ok(heap() > before, `the heap grew (${before} → ${heap()} bytes)`);
      const got = out.dataSync();
      out.dispose();
      for (let s = 0; s < 2000; s++) {
        const i = Math.floor((s * 7919) % n);
        const j = Math.floor((s * 104729) % n);
        assert.equal(got[i * n + j], Math.fround(av[i] * bv[j]), `C[${i}, ${j}]`);
      }
    });
  });

  test(`BatchMatMul on every shape class × transpose combination within the float32 bound (${label})`, () => {
    withNativeGemm(options, () => {
      assert.ok(hasNativeGemm(), 'the native kernels are registered');
      for (const s of SHAPES) {
        for (const [transposeA, transposeB] of TRANSPOSES) {
          const aShape = stored(s.aBatch ?? [], s.M, s.K, transposeA);
          const bShape = stored(s.bBatch ?? [], s.K, s.N, transposeB);
          const av = values(size(aShape));
          const bv = values(size(bShape));
          const ref = batchedReference(av, s.aBatch ?? [], bv, s.bBatch ?? [], s.M, s.K, s.N, transposeA, transposeB);
          const out = tf.tidy(() => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), transposeA, transposeB));
          const what = `${s.name} [${aShape}]·[${bShape}] transposeA=${transposeA} transposeB=${transposeB}`;
          assert.deepEqual(out.shape, ref.shape, what);
          const ratio = worstBoundRatio(out.dataSync(), ref.exact, ref.bound);
          out.dispose();
          assert.ok(ratio <= 1, `${what}: ${ratio}× the bound`);
        }
      }
    });
  });

  test(`NtkGemm: alpha, beta and C0 on every transpose combination, inputs untouched (${label})`, () => {
    withNativeGemm(options, () => {
      const shapes = SHAPES.filter((s) => !s.aBatch && !s.bBatch && s.M * s.K * s.N < 1e5);
      const scalings = [
        { alpha: 1 },
        { alpha: -0.3 },
        { alpha: 0.7, beta: 1 },
        { alpha: 2, beta: -0.5 },
        { alpha: 1.5, beta: 0 }, // C0 is then ignored, NaNs and all (BLAS semantics)
      ];
      for (const s of shapes) {
        for (const [transposeA, transposeB] of TRANSPOSES) {
          for (const sc of scalings) {
            const av = values(s.M * s.K);
            const bv = values(s.K * s.N);
            const cv = sc.beta === 0 ? new Float32Array(s.M * s.N).fill(NaN) : values(s.M * s.N);
            const a = tf.tensor2d(av, stored([], s.M, s.K, transposeA) as [number, number]);
            const b = tf.tensor2d(bv, stored([], s.K, s.N, transposeB) as [number, number]);
            const c = 'beta' in sc ? tf.tensor2d(cv, [s.M, s.N]) : undefined;
            const out = gemm({ a, b, transposeA, transposeB, alpha: sc.alpha, c, beta: sc.beta });
            const what = `${s.name} transposeA=${transposeA} transposeB=${transposeB} ${JSON.stringify(sc)}`;
            assert.deepEqual(out.shape, [s.M, s.N], what);
            const ref = gemmReference({ a: av, b: bv, M: s.M, N: s.N, K: s.K, transposeA, transposeB, alpha: sc.alpha, c: c ? cv : undefined, beta: sc.beta });
            const ratio = worstBoundRatio(out.dataSync(), ref.exact, ref.bound);
            assert.ok(ratio <= 1, `${what}: ${ratio}× the bound`);
            assert.deepEqual(a.dataSync(), av, `${what}: a unchanged`);
            assert.deepEqual(b.dataSync(), bv, `${what}: b unchanged`);
            if (c) {
              assert.notEqual(out.dataId, c.dataId, `${what}: a new tensor, not C0`);
              assert.deepEqual(c.dataSync(), cv, `${what}: C0 unchanged`);
            }
            tf.dispose([a, b, out, ...(c ? [c] : [])]);
          }
        }
      }
    });
  });

  test(`a NaN in an operand reaches every element it touches, as in the stock kernel (${label})`, () => {
    const av = values(6 * 8);
    av[2 * 8 + 3] = NaN; // row 2 of A
    const bv = values(8 * 5);
    const run = () => tf.tidy(() => tf.matMul(tf.tensor2d(av, [6, 8]), tf.tensor2d(bv, [8, 5])).dataSync());
    const stock = run();
    withNativeGemm(options, () => {
      const got = run();
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 5; j++) assert.equal(Number.isNaN(got[i * 5 + j]), Number.isNaN(stock[i * 5 + j]), `C[${i}, ${j}]`);
      }
      assert.ok(Number.isNaN(got[2 * 5 + 4]), 'row 2 is NaN');
    });
  });

  test(`malformed products are refused with the stock kernel's message (${label})`, () => {
    withNativeGemm(options, () => {
      const a = tf.zeros([3, 4]);
      const b = tf.zeros([5, 2]);
      assert.throws(() => tf.matMul(a, b), /inner shapes \(4\) and \(5\)/);
      assert.throws(() => tf.matMul(tf.zeros([2, 3, 4]), tf.zeros([3, 4, 2])), /broadcast/i);
      assert.throws(() => gemm({ a: a as tf.Tensor2D, b: tf.zeros([4, 2]) as tf.Tensor2D, c: tf.zeros([3, 3]) as tf.Tensor2D }), /c must be 3×2/);
      assert.throws(() => tf.matMul(tf.zeros([2, 2], 'int32'), tf.zeros([2, 2], 'int32')), /float32/);
    });
  });
}
