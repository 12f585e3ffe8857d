/**
 * Adaptive Chebyshev interpolation of a vector-valued function on [−1, 1], used to tabulate the
 * Gaussian moments E_ab as functions of the correlation ρ when every input has the same variance
 * (then E_ab depends on ρ alone, and a few hundred quadratures replace tens of thousands).
 *
 * Points are the Chebyshev points of the second kind x_k = cos(πk/(M − 1)), which include ±1 and are
 * nested when M − 1 doubles: going from M to 2M − 1 points only evaluates the function at the M − 1
 * new (odd) points. Before each doubling the current interpolant is evaluated at those new points and
 * compared with the function there; when the largest difference, relative to each component's largest
 * value, is ≤ `tolerance`, the finer interpolant is kept. The reported `errorEstimate` is that observed
 * error of the coarser interpolant, a conservative bound for the finer one.
 */

export interface ChebyshevTable {
  /** Number of interpolation points M. */
  readonly points: number;
  /** Number of components of the function. */
  readonly components: number;
  /** Chebyshev coefficients, component-major: `coefficients[c * points + k]` multiplies T_k. */
  readonly coefficients: Float64Array;
  /** Largest observed relative error of the last coarser interpolant at the fresh points. */
  readonly errorEstimate: number;
  /** Whether the estimate reached the tolerance before `maxPoints`. */
  readonly converged: boolean;
}

export interface ChebyshevOptions {
  /** Relative tolerance per component (relative to its largest absolute value at the points). */
  readonly tolerance: number;
  /** First number of points, 2^j + 1. Default 17. */
  readonly minPoints?: number;
  /** Largest number of points, 2^j + 1. Default 1025. */
  readonly maxPoints?: number;
}

/** f(x, out) writes the `components` values of the function at x ∈ [−1, 1] into `out`. */
export type VectorFunction = (x: number, out: Float64Array) => void;

export function chebyshevTable(f: VectorFunction, components: number, options: ChebyshevOptions): ChebyshevTable {
  const minPoints = options.minPoints ?? 17;
  const maxPoints = options.maxPoints ?? 1025;
  if (!isPowerOfTwoPlusOne(minPoints) || !isPowerOfTwoPlusOne(maxPoints) || minPoints > maxPoints) {
    throw new RangeError(`Chebyshev table sizes must be 2^j + 1 with min ≤ max, got ${minPoints} and ${maxPoints}`);
  }
  let M = minPoints;
  // values[k * components + c] = f_c(x_k), x_k = cos(πk/(M − 1)).
  let values = new Float64Array(M * components);
  const tmp = new Float64Array(components);
  for (let k = 0; k < M; k++) {
    f(Math.cos((Math.PI * k) / (M - 1)), tmp);
    values.set(tmp, k * components);
  }
  let coefficients = chebyshevCoefficients(values, M, components);
  let errorEstimate = Infinity;
  while (M < maxPoints) {
    const fine = 2 * M - 1;
    const fineValues = new Float64Array(fine * components);
    for (let k = 0; k < M; k++) fineValues.set(values.subarray(k * components, (k + 1) * components), 2 * k * components);
    const scale = new Float64Array(components);
    for (let k = 0; k < M; k++) for (let c = 0; c < components; c++) scale[c] = Math.max(scale[c], Math.abs(values[k * components + c]));
    const interpolated = new Float64Array(components);
    const coarse: ChebyshevTable = { points: M, components, coefficients, errorEstimate, converged: false };
    let error = 0;
    for (let k = 1; k < fine; k += 2) {
      const x = Math.cos((Math.PI * k) / (fine - 1));
      f(x, tmp);
      fineValues.set(tmp, k * components);
      evaluateChebyshev(coarse, x, interpolated);
      for (let c = 0; c < components; c++) {
        const d = Math.abs(interpolated[c] - tmp[c]);
        if (d > 0) error = Math.max(error, scale[c] > 0 ? d / scale[c] : Infinity);
      }
    }
    M = fine;
    values = fineValues;
    coefficients = chebyshevCoefficients(values, M, components);
    errorEstimate = error;
    if (!(error > options.tolerance)) {
      return { points: M, components, coefficients, errorEstimate, converged: true };
    }
  }
  return { points: M, components, coefficients, errorEstimate, converged: false };
}

/**
 * Coefficients of the interpolant through the values at the second-kind points (a DCT-I):
 * c_j = (2/(M−1)) Σ''_k f_k cos(πjk/(M−1)), with the end terms of the sum and c_0, c_{M−1} halved.
 */
function chebyshevCoefficients(values: Float64Array, M: number, components: number): Float64Array {
  const out = new Float64Array(M * components);
  const n = M - 1;
  const cosTable = new Float64Array(2 * n);
  for (let r = 0; r < 2 * n; r++) cosTable[r] = Math.cos((Math.PI * r) / n);
  for (let j = 0; j < M; j++) {
    for (let c = 0; c < components; c++) {
      let s = 0;
      for (let k = 0; k <= n; k++) {
        const w = k === 0 || k === n ? 0.5 : 1;
        s += w * values[k * components + c] * cosTable[(j * k) % (2 * n)];
      }
      out[c * M + j] = ((j === 0 || j === n ? 1 : 2) * s) / n;
    }
  }
  return out;
}

/** Writes the table's components at x ∈ [−1, 1] into `out` (T_k by the three-term recurrence, stable on [−1, 1]). */
export function evaluateChebyshev(table: ChebyshevTable, x: number, out: Float64Array): void {
  const { points: M, components, coefficients } = table;
  for (let c = 0; c < components; c++) out[c] = coefficients[c * M];
  let tPrev = 1;
  let t = x;
  for (let k = 1; k < M; k++) {
    for (let c = 0; c < components; c++) out[c] += coefficients[c * M + k] * t;
    const next = 2 * x * t - tPrev;
    tPrev = t;
    t = next;
  }
}

function isPowerOfTwoPlusOne(m: number): boolean {
  const n = m - 1;
  return Number.isInteger(m) && n >= 2 && (n & (n - 1)) === 0;
}
