/**
 * Eigendecomposition of a small dense symmetric matrix in float64, by ml-matrix (Householder
 * tridiagonalization and the implicit QL algorithm, after JAMA's `tred2`/`tql2`; Golub & Van Loan,
 * Matrix Computations, 4th ed., §8.3). Used for the Lanczos projected matrices (at most a few hundred
 * rows, milliseconds), the Gram matrix Θ̂, and as the reference in tests.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues in the requested order. */
  readonly values: Float64Array;
  /** n×n row-major: column j (entries vectors[i·n + j]) is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

export type EigenOrder = 'ascending' | 'descending';

/**
 * Eigenvalues and eigenvectors of the symmetric n×n matrix `a` (row-major). The matrix is
 * symmetrized as (A + Aᵀ)/2 first; an asymmetry above 1e-8 of its largest entry is an error.
 */
export function denseEigen(a: Float64Array, n: number, order: EigenOrder = 'ascending'): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new RangeError(`denseEigen: expected an ${n}×${n} row-major matrix (${n * n} entries), got ${a.length}`);
  }
  if (n === 0) return { n, values: new Float64Array(0), vectors: new Float64Array(0) };
  let largest = 0;
  let asymmetry = 0;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`denseEigen: entry ${i} is ${a[i]}; the matrix must be finite`);
    largest = Math.max(largest, Math.abs(a[i]));
  }
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const aij = a[i * n + j];
      const aji = a[j * n + i];
      asymmetry = Math.max(asymmetry, Math.abs(aij - aji));
      row[j] = 0.5 * (aij + aji);
    }
    rows.push(row);
  }
  if (asymmetry > 1e-8 * largest) {
    throw new RangeError(`denseEigen: the matrix is not symmetric (max |a_ij − a_ji| = ${asymmetry} against max |a_ij| = ${largest})`);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const perm = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
    order === 'ascending' ? raw[i] - raw[j] : raw[j] - raw[i],
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = perm[c];
    values[c] = raw[src];
    for (let i = 0; i < n; i++) vectors[i * n + c] = V.get(i, src);
  }
  return { n, values, vectors };
}

