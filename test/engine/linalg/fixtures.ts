/**
 * Dense symmetric test matrices with known spectra, A = Q diag(λ) Qᵀ with Q a random orthogonal
 * matrix (Gram–Schmidt, twice, of a Gaussian matrix), and operators over them in float64 and float32.
 */
import { Rng } from '../../../src/engine/rng';
import { denseOperator, type LinearOperator } from '../../../src/engine/linalg/operator';

export interface TestMatrix {
  n: number;
  /** Row-major float64. */
  matrix: Float64Array;
  /** The spectrum, descending. */
  eigenvalues: Float64Array;
  /** Tr(A^k) from the spectrum. */
  trace(k: number): number;
  op: LinearOperator;
}

/** Rows of a random orthogonal n×n matrix (Gram–Schmidt applied twice to Gaussian rows). */
export function randomOrthogonal(n: number, rng: Rng): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.fillNormal(new Float64Array(n));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of rows) {
        let d = 0;
        for (let j = 0; j < n; j++) d += q[j] * v[j];
        for (let j = 0; j < n; j++) v[j] -= d * q[j];
      }
    }
    let s = 0;
    for (let j = 0; j < n; j++) s += v[j] * v[j];
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < n; j++) v[j] *= inv;
    rows.push(v);
  }
  return rows;
}

/** A = Σ_i λ_i q_i q_iᵀ for a random orthonormal basis q_i (seeded). */
export function matrixWithSpectrum(spectrum: ArrayLike<number>, seed: number): TestMatrix {
  const n = spectrum.length;
  const Q = randomOrthogonal(n, new Rng(seed, 'orthogonal'));
  const matrix = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = spectrum[k];
    if (lambda === 0) continue;
    const q = Q[k];
    for (let i = 0; i < n; i++) {
      const a = lambda * q[i];
      const row = i * n;
      for (let j = 0; j < n; j++) matrix[row + j] += a * q[j];
    }
  }
  // Exact symmetry (rounding in the sums above is not symmetric).
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
      matrix[i * n + j] = s;
      matrix[j * n + i] = s;
    }
  }
  const eigenvalues = Float64Array.from(spectrum).sort().reverse();
  return {
    n,
    matrix,
    eigenvalues,
    trace: (k) => eigenvalues.reduce((s, l) => s + l ** k, 0),
    op: denseOperator(matrix, n),
  };
}

/** The same matrix as a float32 operator: float32 storage and float32 arithmetic (like TensorFlow.js). */
export function float32Operator(m: TestMatrix): LinearOperator {
  const { n } = m;
  const a = Float32Array.from(m.matrix);
  const op: LinearOperator = {
    size: n,
    precision: 'float32',
    matmat(X) {
      return X.map((x) => {
        const y = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          const row = i * n;
          for (let j = 0; j < n; j++) s = Math.fround(s + Math.fround(a[row + j] * x[j]));
          y[i] = s;
        }
        return y;
      });
    },
  };
  return op;
}

/** Uniformly spaced values in [lo, hi] (count of them), jittered by a seeded ±¼ spacing. */
export function bulk(count: number, lo: number, hi: number, seed: number): number[] {
  const rng = new Rng(seed, 'bulk');
  const h = count > 1 ? (hi - lo) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) => Math.min(hi, Math.max(lo, lo + i * h + (rng.uniform() - 0.5) * 0.5 * h)));
}

/** Outliers on top of a bulk: the spectrum shape of a network Hessian. */
export function outlierSpectrum(n: number, outliers: number[], lo: number, hi: number, seed: number): number[] {
  return [...outliers, ...bulk(n - outliers.length, lo, hi, seed)];
}

export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
