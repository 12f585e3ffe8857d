/**
 * Orthonormal bases of long vectors: the few kernels every Krylov and sketching method shares.
 *
 * All inner products accumulate in float64 (`dot`); vectors keep the operator's storage precision, so
 * a float32 basis is orthonormal to about 1e-7 and a float64 one to about 1e-15.
 */
import { allocVector, axpy, dot, norm, scale, type LinearOperator, type Precision, type Vector } from './operator';
import type { Rng } from '../rng';

/** Unit roundoff of a storage precision: 2⁻⁵³ for float64, 2⁻²⁴ for float32. */
export function unitRoundoff(precision: Precision): number {
  return precision === 'float64' ? 2 ** -53 : 2 ** -24;
}

/**
 * Default threshold (relative to ‖A‖) below which a new Krylov direction counts as vanished: 100 u,
 * but at least 1e-12. A float64 dense product leaves rounding remainders of up to about n·u‖A‖ once
 * the Krylov space is invariant (measured: 30–110 u at n = 60), so 100 u alone misses breakdowns;
 * dropping a genuine coupling below 1e-12‖A‖ moves eigenvalues by at most that much. In float32,
 * 100 u ≈ 6e-6. A breakdown that goes undetected is harmless: the rounding-noise vector that
 * continues the process is orthogonal to the basis, i.e. an unplanned restart vector.
 */
export function breakdownTolerance(precision: Precision): number {
  return Math.max(100 * unitRoundoff(precision), 1e-12);
}

export type ProbeDistribution = 'rademacher' | 'gaussian';

/** Fill `out` with a probe: iid Rademacher ±1 or iid N(0, 1); both have E[g gᵀ] = Id. */
export function fillProbe(rng: Rng, out: Vector, distribution: ProbeDistribution): Vector {
  return distribution === 'gaussian' ? rng.fillNormal(out) : rng.fillRademacher(out);
}

/**
 * w ← (Id − QQᵀ)w for the orthonormal vectors Q = `basis`, by classical Gram–Schmidt applied twice.
 * "Twice is enough" (Kahan–Parlett; Giraud, Langou & Rozložník 2005): the second pass removes what
 * rounding left after the first, so the result is orthogonal to Q to working precision even when w
 * was almost inside span(Q). Classical rather than modified Gram–Schmidt so that each pass is one
 * sweep of dots and one of axpys over long vectors.
 *
 * Returns Qᵀw (the coefficients of both passes summed), which the caller may need (Lanczos's α, the
 * off-diagonal blocks of a block QR).
 */
export function orthogonalize(w: Vector, basis: readonly Vector[]): Float64Array {
  const total = new Float64Array(basis.length);
  const h = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < basis.length; i++) h[i] = dot(basis[i], w);
    for (let i = 0; i < basis.length; i++) {
      axpy(-h[i], basis[i], w);
      total[i] += h[i];
    }
  }
  return total;
}

/**
 * A random unit vector orthogonal to `basis` (a Gaussian, orthogonalized twice, normalized): the
 * restart vector after a Lanczos breakdown. Null when `basis` already spans the whole space.
 */
export function randomUnitOrthogonalTo(
  op: Pick<LinearOperator, 'size' | 'precision'>,
  basis: readonly Vector[],
  rng: Rng,
): Vector | null {
  if (basis.length >= op.size) return null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const v = rng.fillNormal(allocVector(op));
    const before = norm(v);
    orthogonalize(v, basis);
    const after = norm(v);
    // A Gaussian keeps a fraction ≈ √((n − r)/n) of its norm; losing almost all of it means rounding
    // noise only (basis numerically complete), so try again and then give up.
    if (after > 1e-6 * before) {
      scale(1 / after, v);
      return v;
    }
  }
  return null;
}

/**
 * Linear combinations Y[l] = Σ_j V[j] · S[j·ld + cols[l]] of long vectors (Ritz vectors y = V s),
 * accumulated in float64 component by component so only one short row buffer is needed.
 */
export function combine(
  op: Pick<LinearOperator, 'size' | 'precision'>,
  V: readonly Vector[],
  S: Float64Array,
  ld: number,
  cols: readonly number[],
): Vector[] {
  const out = cols.map(() => allocVector(op));
  combineInto(V, S, ld, cols, out);
  return out;
}

/**
 * The same combination written over the first `cols.length` vectors of V itself (a thick restart or
 * a lock turns the basis into Ritz vectors without any extra long vector). Returns those vectors.
 */
export function combineInPlace(V: Vector[], S: Float64Array, ld: number, cols: readonly number[]): Vector[] {
  if (cols.length > V.length) throw new RangeError(`combineInPlace: ${cols.length} combinations of ${V.length} vectors`);
  const out = V.slice(0, cols.length);
  combineInto(V, S, ld, cols, out);
  return out;
}

function combineInto(V: readonly Vector[], S: Float64Array, ld: number, cols: readonly number[], out: Vector[]): void {
  const m = V.length;
  const p = cols.length;
  if (m === 0) {
    for (const y of out) y.fill(0);
    return;
  }
  const n = V[0].length;
  // coef[l·m + j] = S[j, cols[l]]: contiguous per output vector.
  const coef = new Float64Array(p * m);
  for (let l = 0; l < p; l++) for (let j = 0; j < m; j++) coef[l * m + j] = S[j * ld + cols[l]];
  const row = new Float64Array(m);
  const acc = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) row[j] = V[j][i];
    for (let l = 0; l < p; l++) {
      let s = 0;
      const base = l * m;
      for (let j = 0; j < m; j++) s += row[j] * coef[base + j];
      acc[l] = s;
    }
    // Written after all reads of component i, so `out` may alias the first p vectors of V.
    for (let l = 0; l < p; l++) out[l][i] = acc[l];
  }
}

/**
 * Checks that `vectors` are orthonormal to `tolerance` at a cost of 2r long-vector operations instead
 * of r²: every norm, and QᵀQc = c for one random c (which fails for a non-orthonormal Q with
 * probability one).
 */
export function orthonormalityDefect(vectors: readonly Vector[], rng: Rng): number {
  const r = vectors.length;
  if (r === 0) return 0;
  let defect = 0;
  for (const q of vectors) defect = Math.max(defect, Math.abs(dot(q, q) - 1));
  const c = new Float64Array(r);
  for (let i = 0; i < r; i++) c[i] = rng.normal();
  const x = new Float64Array(vectors[0].length);
  for (let i = 0; i < r; i++) axpy(c[i], vectors[i], x);
  let cNorm = 0;
  let err = 0;
  for (let i = 0; i < r; i++) {
    const e = dot(vectors[i], x) - c[i];
    err += e * e;
    cNorm += c[i] * c[i];
  }
  return Math.max(defect, Math.sqrt(err / cNorm));
}
