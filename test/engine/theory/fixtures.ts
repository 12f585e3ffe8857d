/** Data sets and comparisons shared by the theory tests. */
import { Rng } from '../../../src/engine/rng';

/** N random inputs of dimension n0 (seeded), each scaled to ‖x‖² = scale · n0 (scale 1: the default normalization). */
export function normalizedInputs(N: number, n0: number, seed: number, scale = 1): Float64Array {
  const X = new Rng(seed, 'inputs').fillNormal(new Float64Array(N * n0));
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < n0; d++) s += X[i * n0 + d] ** 2;
    const f = Math.sqrt((scale * n0) / s);
    for (let d = 0; d < n0; d++) X[i * n0 + d] *= f;
  }
  return X;
}

/**
 * Inputs whose correlations cover the hard cases: a near-duplicate of x_0 (ρ ≈ 1), its opposite
 * (ρ = −1), and random points; all with ‖x‖² = n0.
 */
export function hardInputs(N: number, n0: number, seed: number): Float64Array {
  const X = new Rng(seed, 'hard').fillNormal(new Float64Array(N * n0));
  for (let d = 0; d < n0; d++) {
    X[n0 + d] = X[d] + 0.01 * X[n0 + d];
    X[2 * n0 + d] = -X[d];
  }
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < n0; d++) s += X[i * n0 + d] ** 2;
    const f = Math.sqrt(n0 / s);
    for (let d = 0; d < n0; d++) X[i * n0 + d] *= f;
  }
  return X;
}

/** max |a − b| / max |b|: the error of a whole matrix relative to its scale. */
export function matrixError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s > 0 ? d / s : d;
}

/** |a − b| / max(|b|, floor). */
export function relative(a: number, b: number, floor = 1e-300): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

/** The eight kernels by name, for loops over them. */
export const KERNEL_NAMES = ['sigma', 'sigmaDot', 'sigmaDDot', 'theta', 'phi', 'xi', 'lambdaKernel', 'upsilon'] as const;
