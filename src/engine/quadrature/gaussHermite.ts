/**
 * Gauss–Hermite quadrature for the standard normal weight: E[f(Z)] ≈ Σ_i w_i f(x_i), Z ~ N(0, 1),
 * exact for polynomials of degree ≤ 2n − 1.
 *
 * Nodes are the roots of the physicists' Hermite polynomial H_n, found by Newton's method from the
 * asymptotic initial guesses of Numerical Recipes (`gauher`), with the orthonormal three-term recurrence
 * so that nothing overflows for n in the hundreds; then rescaled x → √2 x, w → w/√π. Results are
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
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
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

/** E[f(Z)], Z ~ N(0, 1), by `n`-point Gauss–Hermite quadrature. */
export function gaussianExpectation(f: (z: number) => number, n: number): number {
  const { nodes, weights } = gaussHermite(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i] * f(nodes[i]);
  return s;
}
