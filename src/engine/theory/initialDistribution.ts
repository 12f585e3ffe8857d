/**
 * The limiting law of (G(0), Y(0)) at initialization (THEORY.md §5; Lemma 3 of the paper): per output,
 * independently, a centered Gaussian vector of length 2N with covariance
 *
 *     [[Ξ, Φ], [Φᵀ, Σ]]      (E[G Gᵀ] = Ξ, E[G Yᵀ] = Φ, E[Y Yᵀ] = Σ(L)),
 *
 * sampled through its eigendecomposition C = V diag(λ) Vᵀ as V diag(√λ₊) z: the joint covariance is
 * only positive semi-definite (Ξ is singular for a linear network, for instance), so a Cholesky
 * factor may not exist. Used for Monte-Carlo expectations (losses without closed forms) and tests.
 */
import type { Rng } from '../rng';
import { denseEigen } from '../linalg/denseEigen';
import type { InfiniteWidthKernels } from './kernels';

export interface InitialDistribution {
  readonly N: number;
  /** Most negative eigenvalue of the joint covariance, relative to the largest (rounding, or inaccurate kernels). */
  readonly negativity: number;
  /** One draw of (Y(0), G(0)) for nL outputs, each N × nL row-major. */
  sample(rng: Rng, nL: number): { Y0: Float64Array; G0: Float64Array };
}

export function initialDistribution(kernels: Pick<InfiniteWidthKernels, 'N' | 'sigma' | 'phi' | 'xi' | 'sPartDefined'>): InitialDistribution {
  const { N } = kernels;
  if (!kernels.sPartDefined) throw new RangeError('the law of G(0) needs Φ and Ξ, which are undefined for this nonlinearity (σ\'\' is not a function)');
  const n = 2 * N;
  const C = new Float64Array(n * n);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      C[i * n + j] = kernels.xi[i * N + j];
      C[i * n + N + j] = kernels.phi[i * N + j];
      C[(N + j) * n + i] = kernels.phi[i * N + j];
      C[(N + i) * n + N + j] = kernels.sigma[i * N + j];
    }
  }
  const eig = denseEigen(C, n);
  // A loop, not Math.max(...): a spread of N·nL values overflows the stack for large data sets.
  const top = eig.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  // R = V diag(√λ₊), so R Rᵀ = C up to the clipped negative rounding.
  const R = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const root = Math.sqrt(Math.max(eig.values[j], 0));
    for (let i = 0; i < n; i++) R[i * n + j] = eig.vectors[i * n + j] * root;
  }
  return {
    N,
    negativity: top > 0 ? Math.max(0, -eig.values[0]) / top : 0,
    sample(rng, nL) {
      const Y0 = new Float64Array(N * nL);
      const G0 = new Float64Array(N * nL);
      const z = new Float64Array(n);
      for (let a = 0; a < nL; a++) {
        rng.fillNormal(z);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += R[i * n + j] * z[j];
          if (i < N) G0[i * nL + a] = s;
          else Y0[(i - N) * nL + a] = s;
        }
      }
      return { Y0, G0 };
    },
  };
}
