/**
 * Curvature as linear operators (after curvlinops): every matrix the product measures — H, I, S on
 * parameter space, or a small dense test matrix — is a `LinearOperator`, and every algorithm (trace
 * and moment estimators, Lanczos, spectral density) takes one. So H, I and S get all of them for free,
 * and a test can hand an algorithm a 10×10 matrix.
 *
 * Vectors are plain typed arrays. Large operators (the network's, P ~ 10^6) work in float32 storage
 * and algorithms accumulate their inner products in float64 (`dot` below); small exact operators use
 * float64 throughout.
 *
 * `dot`, `axpy` and `scale` run as WebAssembly SIMD kernels when their vectors live in a vector arena
 * (simd/arena.ts: long float32 vectors of the Krylov methods), with the same float64 arithmetic.
 */
import { arenaOf } from './simd/arena';

export type Vector = Float32Array | Float64Array;

export type Precision = 'float32' | 'float64';

export interface LinearOperator {
  /** Dimension n of the square (symmetric) operator. */
  readonly size: number;
  /** Storage precision of the vectors it returns; algorithms allocate their work vectors to match. */
  readonly precision: Precision;
  /** Y[j] = A X[j] for each vector of the block. The caller owns the returned vectors. */
  matmat(X: readonly Vector[]): Vector[];
}

/** A new zero vector of the operator's precision. */
export function allocVector(op: Pick<LinearOperator, 'size' | 'precision'>): Vector {
  return op.precision === 'float64' ? new Float64Array(op.size) : new Float32Array(op.size);
}

export function matvec(op: LinearOperator, x: Vector): Vector {
  return op.matmat([x])[0];
}

/** Inner product accumulated in float64 (four partial sums, so V8 can pipeline them). */
export function dot(a: Vector, b: Vector): number {
  checkLength(a, b);
  const arena = arenaOf(a, b);
  if (arena) return arena.dots([a as Float32Array], b as Float32Array)[0];
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

export function norm(a: Vector): number {
  return Math.sqrt(dot(a, a));
}

/** y ← y + alpha x. */
export function axpy(alpha: number, x: Vector, y: Vector): void {
  checkLength(x, y);
  const arena = arenaOf(x, y);
  if (arena) return arena.subtract(y as Float32Array, [x as Float32Array], [-alpha]);
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

/** x ← alpha x. */
export function scale(alpha: number, x: Vector): void {
  const arena = arenaOf(x);
  if (arena) return arena.scale(alpha, x as Float32Array);
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

function checkLength(a: Vector, b: Vector): void {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} and ${b.length}`);
}

function checkBlock(op: LinearOperator, X: readonly Vector[]): void {
  for (const x of X) {
    if (x.length !== op.size) {
      throw new RangeError(`operator of size ${op.size} applied to a vector of length ${x.length}`);
    }
  }
}

/**
 * A dense symmetric matrix (row-major float64) as an operator: the reference every algorithm is
 * tested against.
 */
export function denseOperator(matrix: Float64Array, n: number): LinearOperator {
  if (matrix.length !== n * n) throw new RangeError(`dense operator: expected ${n}×${n} = ${n * n} entries, got ${matrix.length}`);
  const op: LinearOperator = {
    size: n,
    precision: 'float64',
    matmat(X) {
      checkBlock(op, X);
      return X.map((x) => {
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          const row = i * n;
          for (let j = 0; j < n; j++) s += matrix[row + j] * x[j];
          y[i] = s;
        }
        return y;
      });
    },
  };
  return op;
}

/** An operator that counts its applications (one per vector): the budget algorithms report. */
export interface CountingOperator extends LinearOperator {
  readonly applications: number;
  reset(): void;
}

export function countingOperator(inner: LinearOperator): CountingOperator {
  let applications = 0;
  return {
    size: inner.size,
    precision: inner.precision,
    get applications() {
      return applications;
    },
    reset() {
      applications = 0;
    },
    matmat(X) {
      applications += X.length;
      return inner.matmat(X);
    },
  };
}

/**
 * The diagonal block A[b, b] of a symmetric operator for the index range b = [offset, offset + size)
 * (curvlinops' SubmatrixLinearOperator): x is embedded with zeros outside b, A applied, and the result
 * restricted to b. Symmetric again, so every algorithm takes it; each application costs one of A.
 */
export function diagonalBlock(op: LinearOperator, offset: number, size: number): LinearOperator {
  if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 1 || offset + size > op.size) {
    throw new RangeError(`diagonalBlock: [${offset}, ${offset + size}) is not a range of an operator of size ${op.size}`);
  }
  return {
    size,
    precision: op.precision,
    matmat(X) {
      const full = X.map((x) => {
        if (x.length !== size) throw new RangeError(`diagonalBlock: expected vectors of ${size}, got ${x.length}`);
        const v = allocVector(op);
        v.set(x, offset);
        return v;
      });
      return op.matmat(full).map((y) => y.slice(offset, offset + size) as Vector);
    },
  };
}

/** α v as a new vector of v's type. */
export function scaledCopy(v: Vector, alpha: number): Vector {
  const y = v.slice() as Vector;
  for (let i = 0; i < y.length; i++) y[i] *= alpha;
  return y;
}
