/**
 * Orthonormal bases of long vectors: the few kernels every Krylov and sketching method shares.
 *
 * All inner products accumulate in float64 (`dot`); vectors keep the operator's storage precision, so
 * a float32 basis is orthonormal to about 1e-7 and a float64 one to about 1e-15.
 */
import { allocVector, axpy, dot, norm, scale, type LinearOperator, type Precision, type Vector } from './operator';
import { arenaOf, type VectorArena } from './simd/arena';
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
 * When w and Q live in a vector arena (long float32 vectors, simd/arena.ts) the passes run as SIMD
 * kernels, and the first pass's update computes the second pass's coefficients h₂ = Qᵀw₁ and ‖w₁‖ in
 * the same sweep (from cache). The second update is then applied only when it has something to do:
 * when ‖h₂‖ > u‖w₁‖ (u = 2⁻²⁴, float32's unit roundoff), i.e. when w₁ is not yet orthogonal to Q to
 * the precision its own storage allows. This checks directly what Kahan–Parlett's test guarantees
 * (orthogonality to about u) instead of inferring it from the drop of the norm, and saves one update
 * sweep whenever it passes. (Measured at P = 1.2 M: one pass leaves 3e-8 to 1.4e-7, a second one
 * about 1.5e-8, the floor set by the float32 rounding of w itself.)
 *
 * Returns Qᵀw (the coefficients of the passes applied, summed), which the caller may need (Lanczos's
 * α, the off-diagonal blocks of a block QR).
 */
export function orthogonalize(w: Vector, basis: readonly Vector[]): Float64Array {
  const arena = basis.length > 0 ? arenaOf(w, ...basis) : undefined;
  if (arena) return orthogonalizeInArena(arena, w as Float32Array, basis as Float32Array[]);
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

/** Counts of the arena path's decisions (read by the benchmark; reset freely). */
export const orthogonalizeStats = { calls: 0, secondPasses: 0, knownAccepted: 0 };

const SECOND_PASS_THRESHOLD = 2 ** -24;
/** Kahan–Parlett's κ: one pass is enough when it keeps at least this fraction of the norm. */
const KAHAN_PARLETT = Math.SQRT1_2;

/** CGS in an arena; `h` is the first pass's Qᵀw when the caller already measured it. */
function orthogonalizeInArena(arena: VectorArena, w: Float32Array, basis: readonly Float32Array[], h = arena.dots(basis, w)): Float64Array {
  const { dots: h2, normSquared } = arena.subtractThenDots(w, basis, h);
  let left = 0;
  for (let i = 0; i < h2.length; i++) left += h2[i] * h2[i];
  orthogonalizeStats.calls++;
  if (left > SECOND_PASS_THRESHOLD ** 2 * normSquared) {
    orthogonalizeStats.secondPasses++;
    arena.subtract(w, basis, h2);
    for (let i = 0; i < h.length; i++) h[i] += h2[i];
  }
  return h;
}

/**
 * `orthogonalize` when most of Qᵀw is known beforehand: `known[i]` for every basis vector except
 * those in [measure.from, measure.to), whose coefficients are measured first (a few dots). This is
 * the Lanczos step with full reorthogonalization (Golub & Van Loan, Matrix Computations, 4th ed.,
 * §10.3.1): the Lanczos relation A V = V T + U C gives Vᵀ(A u) = Cᵀ exactly in exact arithmetic, so
 * the three-term-like local step w ← w − Σ known_i q_i (only over nonzero entries: the previous block,
 * or the kept Ritz vectors after a restart) leaves only the rounding-level loss of orthogonality, and
 * one reorthogonalization pass over all of Q removes it. That pass is accepted on Kahan–Parlett's test
 * (it kept at least κ = 1/√2 of the norm, so the result is orthogonal to Q to working precision);
 * otherwise the measured second pass of `orthogonalize` follows. Cost: one sweep of dots and one of
 * updates, instead of two of dots (one from cache) and one or two of updates.
 *
 * Only the arena path uses the known coefficients; elsewhere this is `orthogonalize` (the reference).
 * Returns the total coefficients (known + measured) like `orthogonalize`.
 */
export function orthogonalizeKnown(w: Vector, basis: readonly Vector[], known: Float64Array, measure: { from: number; to: number }): Float64Array {
  const arena = basis.length > 0 ? arenaOf(w, ...basis) : undefined;
  if (!arena) return orthogonalize(w, basis);
  const Q = basis as Float32Array[];
  const x = w as Float32Array;
  const total = Float64Array.from(known);
  const measured = arena.dots(Q.slice(measure.from, measure.to), x);
  total.set(measured, measure.from);
  const support: Float32Array[] = [];
  const coef: number[] = [];
  total.forEach((c, i) => {
    if (c !== 0) {
      support.push(Q[i]);
      coef.push(c);
    }
  });
  if (support.length > 0) arena.subtract(x, support, coef);
  // Qᵀw₁ and ‖w₁‖² in one sweep (w is put in the table after Q).
  const both = arena.dots([...Q, x], x);
  const h = both.slice(0, Q.length);
  let hh = 0;
  for (let i = 0; i < h.length; i++) hh += h[i] * h[i];
  if (hh <= (1 - KAHAN_PARLETT ** 2) * both[Q.length]) {
    orthogonalizeStats.knownAccepted++;
    arena.subtract(x, Q, h);
  } else {
    orthogonalizeInArena(arena, x, Q, h);
  }
  for (let i = 0; i < h.length; i++) total[i] += h[i];
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
  arena?: VectorArena,
): Vector | null {
  if (basis.length >= op.size) return null;
  const home = arena ?? (basis.length > 0 ? arenaOf(basis[0], ...basis) : undefined);
  for (let attempt = 0; attempt < 3; attempt++) {
    const v = rng.fillNormal(home?.allocForWrite() ?? allocVector(op));
    const before = norm(v);
    orthogonalize(v, basis);
    const after = norm(v);
    // A Gaussian keeps a fraction ≈ √((n − r)/n) of its norm; losing almost all of it means rounding
    // noise only (basis numerically complete), so try again and then give up.
    if (after > 1e-6 * before) {
      scale(1 / after, v);
      return v;
    }
    home?.release(v);
  }
  return null;
}

/**
 * Linear combinations Y[l] = Σ_j V[j] · S[j·ld + cols[l]] of long vectors (Ritz vectors y = V s),
 * accumulated in float64 component by component so only one short row buffer is needed. When V lives
 * in an arena with room for the outputs, they are formed there by the SIMD kernel (and are arena
 * vectors: an algorithm copies them out with `exportVector` before returning them).
 */
export function combine(
  op: Pick<LinearOperator, 'size' | 'precision'>,
  V: readonly Vector[],
  S: Float64Array,
  ld: number,
  cols: readonly number[],
): Vector[] {
  const arena = V.length > 0 ? arenaOf(V[0], ...V) : undefined;
  if (arena && arena.available >= cols.length) {
    const out = cols.map(() => arena.allocForWrite()!);
    arena.combine(V as Float32Array[], S, ld, cols, out);
    return out;
  }
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
  const arena = V.length > 0 ? arenaOf(V[0], ...V) : undefined;
  if (arena) arena.combine(V as Float32Array[], S, ld, cols, out as Float32Array[]);
  else combineInto(V, S, ld, cols, out);
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
  const arena = arenaOf(vectors[0], ...vectors);
  // In an arena, x is formed by the kernel in float32 (one rounding: it adds ≈ 6e-8 to the measured
  // defect, far below the float32 tolerances it is checked against); elsewhere in float64.
  const slot = arena?.alloc();
  const x = slot ?? new Float64Array(vectors[0].length);
  if (arena && slot) arena.combine(vectors as Float32Array[], c, 1, [0], [slot]);
  else for (let i = 0; i < r; i++) axpy(c[i], vectors[i], x);
  const qx = arena && slot ? arena.dots(vectors as Float32Array[], slot) : Float64Array.from(vectors, (q) => dot(q, x));
  if (slot) arena!.release(slot);
  let cNorm = 0;
  let err = 0;
  for (let i = 0; i < r; i++) {
    const e = qx[i] - c[i];
    err += e * e;
    cNorm += c[i] * c[i];
  }
  return Math.max(defect, Math.sqrt(err / cNorm));
}
