import * as tf from '@tensorflow/tfjs-core';

/**
 * The one matrix product of the engine, as BLAS states it:
 *
 *     C = alpha · op(A) · op(B) + beta · C0,     op(X) = X or Xᵀ,
 *
 * on float32 2-D tensors. The network's passes are written with it (scales folded into alpha, a weight
 * update as one product with beta = 1), and the backend decides how it runs, by capability:
 *
 * - a backend that registers the kernel `NtkGemm` (the native BLAS path, nativeGemm.ts) runs it as one
 *   call, transposes and scales included;
 * - otherwise it is composed from stock TensorFlow.js ops. Where the backend's `matMul` is slow with
 *   transpose flags (the stock wasm kernel: 8–30× slower, DESIGN.md), operands are transposed explicitly
 *   first.
 *
 * Kernel contract (`tf.engine().runKernel('NtkGemm', inputs, attrs)`): inputs `{a, b}` and optionally
 * `c` (the C0 above, same shape as the result); attrs `{transposeA, transposeB, alpha, beta}`; the
 * result is a new float32 tensor of shape [rows of op(A), columns of op(B)]; no input is modified.
 */
export const GEMM_KERNEL = 'NtkGemm';

export interface GemmArgs {
  readonly a: tf.Tensor2D;
  readonly b: tf.Tensor2D;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  /** Default 1. */
  readonly alpha?: number;
  /** C0, added as beta · C0 (default none). */
  readonly c?: tf.Tensor2D;
  /** Default 1 when `c` is given. */
  readonly beta?: number;
}

/** Whether the active backend runs `matMul` with transpose flags at full speed. */
export function transposeFlagsAreFast(): boolean {
  return tf.getBackend() !== 'wasm' || hasNativeGemm();
}

/** Whether the active backend has the one-call product (the native BLAS path). */
export function hasNativeGemm(): boolean {
  return tf.getKernel(GEMM_KERNEL, tf.getBackend()) !== undefined;
}

export function gemm(args: GemmArgs): tf.Tensor2D {
  const transposeA = args.transposeA ?? false;
  const transposeB = args.transposeB ?? false;
  const alpha = args.alpha ?? 1;
  const beta = args.c ? (args.beta ?? 1) : 0;
  if (hasNativeGemm()) {
    const inputs: Record<string, tf.Tensor> = { a: args.a, b: args.b };
    if (args.c) inputs.c = args.c;
    return tf.engine().runKernel(GEMM_KERNEL, inputs, { transposeA, transposeB, alpha, beta }) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const fast = transposeFlagsAreFast();
    const a = transposeA && !fast ? tf.transpose(args.a) : args.a;
    const b = transposeB && !fast ? tf.transpose(args.b) : args.b;
    let out: tf.Tensor2D = tf.matMul(a, b, transposeA && fast, transposeB && fast);
    if (alpha !== 1) out = tf.mul(out, alpha);
    if (args.c && beta !== 0) out = tf.add(out, beta === 1 ? args.c : tf.mul(args.c, beta));
    return out;
  });
}
