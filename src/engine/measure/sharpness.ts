import { denseEigen } from '../linalg/denseEigen';
import { lanczosEigs } from '../linalg/lanczos';
import type { LinearOperator, Vector } from '../linalg/operator';
import { Rng } from '../rng';

/**
 * λmax of the preconditioned Hessian P^{-1/2} H P^{-1/2} (the same spectrum as P⁻¹H, symmetric), with
 * P = diag(d) Adam's preconditioner √v̂ + ε: the sharpness Adam's stability threshold bounds
 * (contracts/optimizers.ts). On the operator H (any LinearOperator: curvlinops style) by Lanczos at
 * the measurement's tolerance; on the dense H of the exact path by a dense eigendecomposition.
 */
export function preconditionedSharpness(H: LinearOperator, d: Float32Array, rng: Rng): { value: number; method: string; applications: number } {
  if (d.length !== H.size) throw new RangeError(`preconditioner of ${d.length} entries for an operator of size ${H.size}`);
  const scale = Float32Array.from(d, (x) => 1 / Math.sqrt(x));
  const op: LinearOperator = {
    size: H.size,
    precision: H.precision,
    matmat: (X) => {
      const scaled = X.map((v) => mul(v, scale));
      return H.matmat(scaled).map((y) => mul(y, scale));
    },
  };
  const r = lanczosEigs(op, { k: 1, which: 'largest', tol: 1e-4, wantVectors: false, rng });
  return { value: r.eigenvalues[0], method: `lanczos (relative residual ${r.residuals[0] / Math.max(Math.abs(r.eigenvalues[0]), 1e-300) < 1e-4 ? '≤ 1e-4' : r.residuals[0].toExponential(1)})`, applications: r.applications };
}

/** The same from the dense P × P Hessian (float64). */
export function preconditionedSharpnessDense(H: Float64Array, d: Float32Array): { value: number; method: string } {
  const P = d.length;
  if (H.length !== P * P) throw new RangeError(`dense H of ${H.length} entries for a preconditioner of ${P}`);
  const s = Float64Array.from(d, (x) => 1 / Math.sqrt(x));
  const A = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) A[i * P + j] = s[i] * H[i * P + j] * s[j];
  return { value: denseEigen(A, P, 'descending').values[0], method: 'dense' };
}

function mul(v: Vector, s: Float32Array): Vector {
  const out = v instanceof Float64Array ? new Float64Array(v.length) : new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * s[i];
  return out;
}
