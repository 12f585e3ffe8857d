/**
 * Losses C(Y) = (1/N) Σ_i c(Y_i, Y*_i) on the network's outputs Y (N × nL, row-major float64), with
 * the gradient ∇C and the Hessian H_C in the outputs (THEORY.md §3). Outputs are few (N·nL ≤ a few
 * thousand), so everything here is float64 in plain typed arrays; the network uploads ∇C as a tensor.
 *
 * Every loss of the product has a Hessian that is block diagonal over samples (one nL × nL block per
 * data point), so a loss only defines the per-sample function c and its derivatives
 * (catalogue/losses.ts).
 */
import type { SampleLoss } from '../../catalogue/losses';

/** C, ∇C and the blocks of H_C at Y. */
export interface LossEvaluation {
  readonly value: number;
  /** ∇C, N × nL. */
  readonly gradient: Float64Array;
  /** H_C as N blocks of nL × nL (already divided by N). */
  readonly hessianBlocks: Float64Array;
  readonly N: number;
  readonly nL: number;
}

export function evaluateLoss(loss: SampleLoss, Y: Float64Array, target: Float64Array, N: number, nL: number): LossEvaluation {
  if (Y.length !== N * nL || target.length !== N * nL) {
    throw new RangeError(`loss '${loss.name}': outputs and targets must both be ${N}×${nL}, got ${Y.length} and ${target.length}`);
  }
  const gradient = new Float64Array(N * nL);
  const hessianBlocks = new Float64Array(N * nL * nL);
  let value = 0;
  for (let i = 0; i < N; i++) {
    const y = Y.subarray(i * nL, (i + 1) * nL);
    const t = target.subarray(i * nL, (i + 1) * nL);
    const g = gradient.subarray(i * nL, (i + 1) * nL);
    const h = hessianBlocks.subarray(i * nL * nL, (i + 1) * nL * nL);
    value += loss.evaluate(y, t, g, h);
  }
  const invN = 1 / N;
  for (let i = 0; i < gradient.length; i++) gradient[i] *= invN;
  for (let i = 0; i < hessianBlocks.length; i++) hessianBlocks[i] *= invN;
  return { value: value * invN, gradient, hessianBlocks, N, nL };
}

/** H_C V for V of shape N × nL (row-major): one block product per sample. */
export function applyLossHessian(ev: LossEvaluation, V: Float64Array): Float64Array {
  const { N, nL } = ev;
  if (V.length !== N * nL) throw new RangeError(`H_C is ${N * nL}×${N * nL}; got a vector of length ${V.length}`);
  const out = new Float64Array(N * nL);
  for (let i = 0; i < N; i++) applySampleHessian(ev, i, V.subarray(i * nL, (i + 1) * nL), out.subarray(i * nL, (i + 1) * nL));
  return out;
}

/** Sample i's nL × nL block of H_C times x (length nL), into `out` (a new array by default). */
export function applySampleHessian(ev: LossEvaluation, i: number, x: ArrayLike<number>, out = new Float64Array(ev.nL)): Float64Array {
  const { nL, hessianBlocks } = ev;
  const block = i * nL * nL;
  for (let a = 0; a < nL; a++) {
    let s = 0;
    for (let b = 0; b < nL; b++) s += hessianBlocks[block + a * nL + b] * x[b];
    out[a] = s;
  }
  return out;
}

/** H_C as a dense (N nL) × (N nL) matrix, for the float64 reference and small Gram products. */
export function denseLossHessian(ev: LossEvaluation): Float64Array {
  const { N, nL, hessianBlocks } = ev;
  const n = N * nL;
  const out = new Float64Array(n * n);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < nL; a++) {
      for (let b = 0; b < nL; b++) out[(i * nL + a) * n + i * nL + b] = hessianBlocks[i * nL * nL + a * nL + b];
    }
  }
  return out;
}
