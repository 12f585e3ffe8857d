/**
 * Gaussian expectations of a nonlinearity and its derivatives over a centered Gaussian pair
 * (THEORY.md §5):
 *
 *     E_ab = E[σ^(a)(u) σ^(b)(v)],   (u, v) ~ N(0, [[K11, K12], [K12, K22]]),   a, b = 0..3,
 *
 * by the 2-D product Gauss–Hermite rule after the change of variables
 * u = √K11 z1,  v = √K22 (ρ z1 + √(1 − ρ²) z2),  z1, z2 iid N(0, 1),  ρ = K12 / √(K11 K22).
 *
 * Moments are returned as a 4 × 4 row-major block `m[a * 4 + b] = E_ab`: one pass over the nodes
 * gives all sixteen, because the inner sum over z2 is shared by every a.
 */
import type { Activation } from '../../catalogue/activation';
import { gaussHermite, type QuadratureRule } from '../../catalogue/gaussHermite';

/** A 4 × 4 block of moments, `m[a * 4 + b] = E[σ^(a)(u) σ^(b)(v)]`. */
export type PairMoments = Float64Array;

/** Index of E_ab in a `PairMoments` block. */
export function momentIndex(a: number, b: number): number {
  return a * 4 + b;
}

/** √max(x, 0): a variance that rounding made slightly negative is a zero variance. */
export function safeSqrt(x: number): number {
  return x > 0 ? Math.sqrt(x) : 0;
}

/**
 * ρ = K12/√(K11 K22) clipped to [−1, 1] (rounding can push |ρ| of nearly equal inputs past 1).
 * A zero variance makes that variable the constant 0, for which every ρ gives the same expectation:
 * return 0.
 */
export function correlation(k11: number, k22: number, k12: number): number {
  const d = safeSqrt(k11) * safeSqrt(k22);
  if (!(d > 0)) return 0;
  const rho = k12 / d;
  return rho > 1 ? 1 : rho < -1 ? -1 : rho;
}

/** √(1 − ρ²) for ρ already in [−1, 1], written as √((1 − ρ)(1 + ρ)) to keep digits near |ρ| = 1. */
export function complementSqrt(rho: number): number {
  return safeSqrt((1 - rho) * (1 + rho));
}

/**
 * The nodes of `rule` whose weight is at least `relativeFloor` times the largest weight. A degree-160
 * Gauss–Hermite rule has nodes out to |z| ≈ 24 with weights down to 1e-129; the nonlinearities grow at
 * most linearly, so dropping weights below 1e-18 of the largest (the nodes beyond |z| ≈ 9) changes an
 * expectation of order one by about 1e-15 at most, and the 2-D rule shrinks: 72² instead of 160²
 * points at degree 160, 116² instead of 400² at degree 400.
 */
export function significantNodes(rule: QuadratureRule, relativeFloor = 1e-18): QuadratureRule {
  let wmax = 0;
  for (let i = 0; i < rule.weights.length; i++) wmax = Math.max(wmax, rule.weights[i]);
  const keep: number[] = [];
  for (let i = 0; i < rule.weights.length; i++) if (rule.weights[i] >= relativeFloor * wmax) keep.push(i);
  if (keep.length === rule.weights.length) return rule;
  return { nodes: Float64Array.from(keep, (i) => rule.nodes[i]), weights: Float64Array.from(keep, (i) => rule.weights[i]) };
}

const trimmed = new Map<number, QuadratureRule>();

/** The Gauss–Hermite rule of `degree` for N(0, 1), restricted to its significant nodes (memoized). */
export function pairRule(degree: number): QuadratureRule {
  let rule = trimmed.get(degree);
  if (!rule) {
    rule = significantNodes(gaussHermite(degree));
    trimmed.set(degree, rule);
  }
  return rule;
}

/**
 * All E_ab, a, b ≤ 3, for the pair with covariance [[k11, k12], [k12, k22]], by the product rule
 * built from the 1-D rule `rule` (for N(0, 1)). Cost: 4 n² evaluations of σ^(b) for n nodes.
 *
 * The variable with the smaller variance goes on the z1 axis alone. Why: the rule's error comes from
 * the complex singularities of σ^(a) closest to the real axis; the one on the z1-only variable sits at
 * distance 1/√K there, while the mixed variable spreads its variance over z1 and z2, so the larger
 * variance costs less accuracy on the mixed side (E_31 of arctan at variances 1.3 and 0.7: error
 * 2.5e-7 one way round, 4e-13 the other, degree 160).
 */
export function gaussianPairMoments(
  activation: Activation,
  k11: number,
  k22: number,
  k12: number,
  rule: QuadratureRule,
  out: PairMoments = new Float64Array(16),
): PairMoments {
  if (k11 > k22) {
    productRuleMoments(activation, k22, k11, k12, rule, out);
    transposeBlock(out);
    return out;
  }
  return productRuleMoments(activation, k11, k22, k12, rule, out);
}

/** E_ab with u = √k11 z1 and v = √k22 (ρ z1 + √(1 − ρ²) z2). */
function productRuleMoments(
  activation: Activation,
  k11: number,
  k22: number,
  k12: number,
  rule: QuadratureRule,
  out: PairMoments,
): PairMoments {
  const [f0, f1, f2, f3] = activation.scalar;
  const { nodes, weights } = rule;
  const n = nodes.length;
  const s1 = safeSqrt(k11);
  const s2 = safeSqrt(k22);
  const rho = correlation(k11, k22, k12);
  const along = s2 * rho; // v = along · z1 + across · z2
  const across = s2 * complementSqrt(rho);
  const fu = new Float64Array(4);
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const z1 = nodes[i];
    const u = s1 * z1;
    const mean = along * z1;
    let g0 = 0;
    let g1 = 0;
    let g2 = 0;
    let g3 = 0;
    for (let j = 0; j < n; j++) {
      const v = mean + across * nodes[j];
      const w = weights[j];
      g0 += w * f0(v);
      g1 += w * f1(v);
      g2 += w * f2(v);
      g3 += w * f3(v);
    }
    const wi = weights[i];
    fu[0] = f0(u);
    fu[1] = f1(u);
    fu[2] = f2(u);
    fu[3] = f3(u);
    for (let a = 0; a < 4; a++) {
      const c = wi * fu[a];
      out[a * 4] += c * g0;
      out[a * 4 + 1] += c * g1;
      out[a * 4 + 2] += c * g2;
      out[a * 4 + 3] += c * g3;
    }
  }
  return out;
}

/** In-place transpose of a 4 × 4 moment block: the moments of (v, u) from those of (u, v). */
function transposeBlock(m: PairMoments): void {
  for (let a = 0; a < 4; a++) {
    for (let b = a + 1; b < 4; b++) {
      const t = m[a * 4 + b];
      m[a * 4 + b] = m[b * 4 + a];
      m[b * 4 + a] = t;
    }
  }
}

/**
 * E_ab on the diagonal, u = v ~ N(0, k): E[σ^(a)(u) σ^(b)(u)] by the 1-D rule (the pair rule at ρ = 1
 * collapses to exactly this sum, so diagonal and off-diagonal entries are consistent).
 */
export function gaussianDiagonalMoments(
  activation: Activation,
  k: number,
  rule: QuadratureRule,
  out: PairMoments = new Float64Array(16),
): PairMoments {
  const s = safeSqrt(k);
  const { nodes, weights } = rule;
  const f = activation.scalar;
  const fu = new Float64Array(4);
  out.fill(0);
  for (let i = 0; i < nodes.length; i++) {
    const u = s * nodes[i];
    for (let a = 0; a < 4; a++) fu[a] = f[a](u);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) out[a * 4 + b] += weights[i] * fu[a] * fu[b];
  }
  return out;
}

/** The moments a kernel step reads: E_00, E_11, E_22, E_20, E_02, E_31, E_13. */
export const KERNEL_MOMENTS: readonly number[] = [0, 5, 10, 8, 2, 13, 7];

/** Highest degree `convergedDegree` tries: its check needs twice this, and Gauss–Hermite stops at 1000. */
export const MAX_PAIR_DEGREE = 500;

/**
 * The smallest degree n in start, 2·start, 4·start, … (≤ MAX_PAIR_DEGREE) at which the diagonal
 * moments the kernels use, at variance k, agree with those of degree 2n to `tolerance` (relative to the
 * largest of them). Why the diagonal: the error of the pair rule comes from the singularities of σ^(a)
 * in the complex plane seen through u = √k z, the same on and off the diagonal; measured for tanh,
 * arctan, erf and softplus at k = 1, 2, 4, the n-vs-2n difference on the diagonal is within a factor
 * of about 3 of the true error off the diagonal (ρ from −0.99 to 0.999). Larger variances (unnormalized inputs, large β) need higher degrees.
 */
export function convergedDegree(
  activation: Activation,
  k: number,
  start: number,
  tolerance: number,
): { degree: number; discrepancy: number; converged: boolean } {
  let degree = Math.min(start, MAX_PAIR_DEGREE);
  for (;;) {
    const a = gaussianDiagonalMoments(activation, k, pairRule(degree));
    const b = gaussianDiagonalMoments(activation, k, pairRule(2 * degree));
    let diff = 0;
    let scale = 0;
    for (const idx of KERNEL_MOMENTS) {
      diff = Math.max(diff, Math.abs(a[idx] - b[idx]));
      scale = Math.max(scale, Math.abs(b[idx]));
    }
    const discrepancy = scale > 0 ? diff / scale : diff;
    if (discrepancy <= tolerance) return { degree, discrepancy, converged: true };
    if (degree >= MAX_PAIR_DEGREE) return { degree, discrepancy, converged: false };
    degree = Math.min(2 * degree, MAX_PAIR_DEGREE);
  }
}

/**
 * One moment E_ab = E[σ^(a)(u) σ^(b)(v)] at the activation's own quadrature degree (or `degree`):
 * the convenient form for tests and one-off values; the kernels use `gaussianPairMoments`.
 */
export function pairExpectation(
  activation: Activation,
  a: number,
  b: number,
  k11: number,
  k22: number,
  k12: number,
  degree = activation.quadratureDegree,
): number {
  if (![a, b].every((d) => Number.isInteger(d) && d >= 0 && d <= 3)) {
    throw new RangeError(`derivative orders must be integers in 0..3, got a = ${a}, b = ${b}`);
  }
  return gaussianPairMoments(activation, k11, k22, k12, pairRule(degree))[momentIndex(a, b)];
}
