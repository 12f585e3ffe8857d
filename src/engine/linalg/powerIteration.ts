/**
 * Top-k eigenpairs by power iteration with deflation, as PyHessian computes them (Yao, Gholami,
 * Keutzer & Mahoney, "PyHessian: Neural Networks Through the Lens of the Hessian", 2020;
 * `hessian.eigenvalues`): for each pair in turn, start from a random unit vector and repeat
 *
 *     v ← v orthogonalized against the eigenvectors found,  w = A v,  λ = vᵀw,  v ← w/‖w‖
 *
 * until the relative change |λ − λ_prev| / (|λ_prev| + 1e-6) < tol (PyHessian's rule, tol 1e-3 and
 * 100 iterations by default there), or, for a comparison at equal accuracy with Lanczos, until the
 * relative residual of the deflated operator, ‖P⊥A v − λ v‖ ≤ tol·|λ| with P⊥ = Id − UUᵀ for the
 * eigenvectors U found so far. (The residual of A itself cannot fall below the error of the found
 * eigenvectors, about tol·λ_1 ‖(A − λ)⁻¹‖, which is what deflated power iteration converges to; the
 * true residuals ‖A v − λ v‖ are reported alongside.) It finds the eigenvalues of largest magnitude.
 * This is the baseline of the benchmark (bench/baselines.ts); every application of A is counted.
 */
import { Rng } from '../rng';
import { orthogonalize } from './basis';
import { allocVector, axpy, dot, norm, scale, type LinearOperator, type Vector } from './operator';

export interface PowerIterationOptions {
  k: number;
  /** Tolerance of the stopping rule (default 1e-3, PyHessian's). */
  tol?: number;
  /** 'relativeChange' (PyHessian) or 'residual' (‖P⊥A v − λ v‖ ≤ tol·|λ|, the Lanczos criterion on the deflated operator). */
  criterion?: 'relativeChange' | 'residual';
  /** Iterations per eigenpair (default 100, PyHessian's). */
  maxIterations?: number;
  rng?: Rng;
}

export interface PowerIterationResult {
  /** In the order found (by descending magnitude, when every pair converged). */
  eigenvalues: Float64Array;
  eigenvectors: Vector[];
  /** ‖A v − λ v‖ for the returned unit v (from the last product, no extra application). */
  residuals: Float64Array;
  /** ‖P⊥A v − λ v‖, the residual of the deflated operator that the 'residual' rule tests. */
  deflatedResiduals: Float64Array;
  iterations: number[];
  converged: boolean[];
  applications: number;
}

export function powerIteration(op: LinearOperator, options: PowerIterationOptions): PowerIterationResult {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > op.size) {
    throw new RangeError(`powerIteration: k must be an integer in 1..${op.size}, got ${k}`);
  }
  const tol = options.tol ?? 1e-3;
  const criterion = options.criterion ?? 'relativeChange';
  const maxIterations = options.maxIterations ?? 100;
  const rng = options.rng ?? new Rng(0, 'powerIteration');
  const eigenvalues = new Float64Array(k);
  const residuals = new Float64Array(k);
  const deflatedResiduals = new Float64Array(k);
  const eigenvectors: Vector[] = [];
  const iterations: number[] = [];
  const converged: boolean[] = [];
  let applications = 0;

  for (let pair = 0; pair < k; pair++) {
    let v = rng.fillNormal(allocVector(op));
    scale(1 / norm(v), v);
    let lambda = NaN;
    let residual = Infinity;
    let deflated = Infinity;
    let done = false;
    let it = 0;
    let returned = v;
    while (it < maxIterations) {
      orthogonalize(v, eigenvectors);
      scale(1 / norm(v), v);
      const w = op.matmat([v])[0];
      applications++;
      it++;
      const next = dot(w, v);
      // Residuals formed explicitly (‖w‖² − λ² would cancel catastrophically at tight tolerances).
      const r = w.slice() as Vector;
      axpy(-next, v, r);
      residual = norm(r);
      orthogonalize(r, eigenvectors);
      deflated = norm(r);
      const change = Number.isNaN(lambda) ? Infinity : Math.abs(lambda - next) / (Math.abs(lambda) + 1e-6);
      lambda = next;
      returned = v;
      if (criterion === 'residual' ? deflated <= tol * Math.abs(next) : change < tol) {
        done = true;
        break;
      }
      const wn = norm(w);
      if (wn === 0) {
        // A v = 0: v is an eigenvector of eigenvalue 0 (A is zero on the remaining space).
        done = true;
        break;
      }
      scale(1 / wn, w);
      v = w;
    }
    eigenvalues[pair] = lambda;
    residuals[pair] = residual;
    deflatedResiduals[pair] = deflated;
    eigenvectors.push(returned);
    iterations.push(it);
    converged.push(done);
  }
  return { eigenvalues, eigenvectors, residuals, deflatedResiduals, iterations, converged, applications };
}
