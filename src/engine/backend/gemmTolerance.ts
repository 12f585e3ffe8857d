/**
 * How far a float32 matrix product may be from the exact one, the bound every fast product is checked
 * against (the native path's start-up self-check and its tests). Standard rounding-error analysis
 * (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1 and §3.5): a dot product of
 * length K computed in floating point in any order, with or without fused multiply-adds, satisfies
 *
 *     |fl(xᵀy) − xᵀy| ≤ γ_K · |x|ᵀ|y|,      γ_n = n·u / (1 − n·u),   u = 2⁻²⁴ (float32),
 *
 * and C = alpha·op(A)·op(B) + beta·C0 adds at most three more roundings to each term (alpha or beta
 * rounded to float32, the scaling, the sum), so each element obeys
 *
 *     |Ĉ_ij − C_ij| ≤ γ_{K+3} · (|alpha|·Σ_k |op(A)_ik|·|op(B)_kj| + |beta|·|C0_ij|).
 *
 * Two implementations that both obey it differ by at most twice that. The bound is for the worst case;
 * observed differences are orders of magnitude smaller, and a wrong layout or transpose is off by O(1).
 */

/** Unit roundoff of float32. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** γ_n = n u / (1 − n u) for float32; Infinity once n u ≥ 1 (no bound left). */
export function gamma32(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

export interface GemmOperands {
  /** Row-major op(A) values as stored: A is M×K (or K×M when transposeA). */
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  readonly alpha?: number;
  readonly c?: ArrayLike<number>;
  readonly beta?: number;
}

/**
 * The product in float64 together with the elementwise bound above: `exact` is C computed in float64
 * from the (float32) operands — its own error, ~K·2⁻⁵³ relative, is negligible against the bound —
 * and `bound` the worst-case float32 error of any correct implementation.
 */
export function gemmReference(op: GemmOperands): { exact: Float64Array; bound: Float64Array } {
  const { a, b, M, N, K } = op;
  const alpha = op.alpha ?? 1;
  const beta = op.c ? (op.beta ?? 1) : 0;
  const g = gamma32(K + 3);
  const exact = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  const aAt = op.transposeA ? (i: number, k: number) => a[k * M + i] : (i: number, k: number) => a[i * K + k];
  const bAt = op.transposeB ? (k: number, j: number) => b[j * K + k] : (k: number, j: number) => b[k * N + j];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let sAbs = 0;
      for (let k = 0; k < K; k++) {
        const p = aAt(i, k) * bAt(k, j);
        s += p;
        sAbs += Math.abs(p);
      }
      const c0 = op.c && beta !== 0 ? op.c[i * N + j] : 0;
      exact[i * N + j] = alpha * s + beta * c0;
      bound[i * N + j] = g * (Math.abs(alpha) * sAbs + Math.abs(beta * c0));
    }
  }
  return { exact, bound };
}

/**
 * The largest ratio |got − exact| / allowed over the elements, `allowed = factor · bound` (factor 1
 * against the exact product, 2 between two float32 implementations). ≤ 1 means within the bound.
 * An element whose bound is 0 (an exact zero product) must match exactly; NaN where exact is NaN
 * counts as a match, NaN anywhere else as Infinity.
 */
export function worstBoundRatio(got: ArrayLike<number>, exact: ArrayLike<number>, bound: ArrayLike<number>, factor = 1): number {
  if (got.length !== exact.length) throw new RangeError(`expected ${exact.length} values, got ${got.length}`);
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    if (Number.isNaN(exact[i]) && Number.isNaN(got[i])) continue;
    const diff = Math.abs(got[i] - exact[i]);
    const allowed = factor * bound[i];
    const r = diff === 0 ? 0 : allowed > 0 ? diff / allowed : Infinity;
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r;
  }
  return worst;
}
