/**
 * Gauss–Hermite quadrature for the standard normal weight: E[f(Z)] ≈ Σ_i w_i f(x_i), Z ~ N(0, 1),
 * exact for polynomials of degree ≤ 2n − 1.
 *
 * Nodes are the roots of the physicists' Hermite polynomial H_n: eigenvalues of the Jacobi matrix
 * (Golub & Welsch 1969) by Sturm bisection, polished by Newton's method on the orthonormal three-term
 * recurrence, whose derivative also gives the weights; then rescaled x → √2 x, w → w/√π. Results are
 * memoized per degree because the kernels ask for the same degree thousands of times.
 */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const cache = new Map<number, QuadratureRule>();

export function gaussHermite(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new RangeError(`Gauss–Hermite degree must be an integer in 1..1000, got ${n}`);
  }
  const hit = cache.get(n);
  if (hit) return hit;
  const rule = computeRule(n);
  cache.set(n, rule);
  return rule;
}

const PIM4 = 0.7511255444649425; // π^(−1/4)

function computeRule(n: number): QuadratureRule {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    // Start from the i-th largest eigenvalue of the Jacobi matrix (Golub–Welsch) found by Sturm
    // bisection — robust where the asymptotic guesses of `gauher` converge to duplicate roots
    // (n ≥ 200) — then polish by Newton on the recurrence.
    let z = jacobiEigenvalue(n, n - 1 - i);
    let logPp = 0;
    for (let iter = 0; iter < 20; iter++) {
      // Orthonormal recurrence, rescaled whenever it grows past 1e100: near the outer nodes of a
      // high-degree rule h_n(z) grows like e^{z²/2} and would overflow. The Newton step uses the ratio
      // p_n/p_n', which the scale does not change; the weight is formed in log space.
      let p1 = PIM4;
      let p2 = 0;
      let logScale = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
        if (Math.abs(p1) > 1e100) {
          p1 *= 1e-100;
          p2 *= 1e-100;
          logScale += 100 * Math.LN10;
        }
      }
      const pp = Math.sqrt(2 * n) * p2;
      logPp = Math.log(Math.abs(pp)) + logScale;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = Math.exp(Math.LN2 - 2 * logPp);
    w[n - 1 - i] = w[i];
  }
  // Physicists' weight e^{−x²} → standard normal density.
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nodes[i] = Math.SQRT2 * x[n - 1 - i];
    weights[i] = w[n - 1 - i] / Math.sqrt(Math.PI);
  }
  return { nodes, weights };
}

/**
 * The k-th smallest eigenvalue (k = 0 … n−1) of the physicists' Hermite Jacobi matrix (zero diagonal,
 * off-diagonal sqrt(j/2)), by bisection on the Sturm count.
 */
function jacobiEigenvalue(n: number, k: number): number {
  const bound = Math.sqrt(2 * n + 1) + 1;
  let lo = -bound;
  let hi = bound;
  const countBelow = (t: number): number => {
    let count = 0;
    let q = -t;
    if (q < 0) count++;
    for (let j = 1; j < n; j++) {
      const off2 = j / 2;
      q = -t - off2 / (q === 0 ? 1e-300 : q);
      if (q < 0) count++;
    }
    return count;
  };
  for (let iter = 0; iter < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); iter++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(mid) > k) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/** E[f(Z)], Z ~ N(0, 1), by `n`-point Gauss–Hermite quadrature. */
export function gaussianExpectation(f: (z: number) => number, n: number): number {
  const { nodes, weights } = gaussHermite(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i] * f(nodes[i]);
  return s;
}
