/**
 * Small dense float64 helpers for the theory's N × N and (N nL) × (N nL) matrices (row-major), and
 * changes of basis for a symmetric eigendecomposition (`../linalg/denseEigen.ts`, ml-matrix).
 * Matrices here are at most a few thousand on a side, so plain loops are enough.
 */
import type { SymmetricEigen } from './denseEigen';

/**
 * C = A B for A (n × m) and B (m × p). Four rows of A at a time, so each row of B loaded from memory
 * serves four accumulations: twice the speed of the plain i-k-j loop at n = 256 (27 ms against 58).
 */
export function matmul(A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array {
  if (A.length !== n * m || B.length !== m * p) {
    throw new RangeError(`matmul: expected ${n}×${m} and ${m}×${p}, got ${A.length} and ${B.length} entries`);
  }
  const C = new Float64Array(n * p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const c0 = i * p;
    const c1 = c0 + p;
    const c2 = c1 + p;
    const c3 = c2 + p;
    for (let k = 0; k < m; k++) {
      const a0 = A[i * m + k];
      const a1 = A[(i + 1) * m + k];
      const a2 = A[(i + 2) * m + k];
      const a3 = A[(i + 3) * m + k];
      const bk = k * p;
      for (let j = 0; j < p; j++) {
        const b = B[bk + j];
        C[c0 + j] += a0 * b;
        C[c1 + j] += a1 * b;
        C[c2 + j] += a2 * b;
        C[c3 + j] += a3 * b;
      }
    }
  }
  for (; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const a = A[i * m + k];
      const bk = k * p;
      for (let j = 0; j < p; j++) C[i * p + j] += a * B[bk + j];
    }
  }
  return C;
}

/** Aᵀ for A (n × m). */
export function transpose(A: Float64Array, n: number, m: number): Float64Array {
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = A[i * m + j];
  return T;
}

/** Tr(A B) = Σ_ij A_ij B_ji for square n × n matrices, without forming the product. */
export function traceOfProduct(A: Float64Array, B: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += A[i * n + j] * B[j * n + i];
  return s;
}

/** Column k of an n × m row-major matrix. */
export function column(A: Float64Array, n: number, m: number, k: number): Float64Array {
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = A[i * m + k];
  return c;
}

/** Column j of a decomposition: the unit eigenvector of values[j], as its own array. */
export function eigenvector(e: SymmetricEigen, j: number): Float64Array {
  return column(e.vectors, e.n, e.n, j);
}

/** Largest |A_ij − A_ji| relative to the largest |A_ij|: how far from symmetric. */
export function asymmetry(A: Float64Array, n: number): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      d = Math.max(d, Math.abs(A[i * n + j] - A[j * n + i]));
      s = Math.max(s, Math.abs(A[i * n + j]));
    }
  }
  return s > 0 ? d / s : d;
}

/** Vᵀ x: coordinates of x in the eigenbasis. */
export function toEigenbasis(eig: SymmetricEigen, x: Float64Array): Float64Array {
  const { n, vectors } = eig;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = 0; j < n; j++) c[j] += vectors[i * n + j] * xi;
  }
  return c;
}

/** V c: back from eigenbasis coordinates. */
export function fromEigenbasis(eig: SymmetricEigen, c: Float64Array): Float64Array {
  const { n, vectors } = eig;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += vectors[i * n + j] * c[j];
    x[i] = s;
  }
  return x;
}

/** Vᵀ M V: the matrix M in the eigenbasis (M need not be symmetric). */
export function matrixToEigenbasis(eig: SymmetricEigen, M: Float64Array): Float64Array {
  const { n, vectors } = eig;
  const Vt = transpose(vectors, n, n);
  return matmul(matmul(Vt, M, n, n, n), vectors, n, n, n);
}
