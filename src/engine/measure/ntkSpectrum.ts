import { denseEigen } from '../linalg/denseEigen';
import { denseLossHessian, type LossEvaluation } from '../loss/loss';

/**
 * The spectrum of I = Jᵀ H_C J from the empirical NTK Gram Θ̂ = J Jᵀ, exactly (THEORY.md §4): no
 * sampling, no operator applications. With Θ̂ = U D Uᵀ and J = U D^{1/2} Vᵀ, the nonzero eigenvalues of
 * I are those of C = D^{1/2} Uᵀ H_C U D^{1/2} (an M × M float64 matrix, M = N nL), and an eigenvector y
 * of C gives the eigenvector v = Jᵀ U D^{−1/2} y of I. This works for any symmetric H_C (a custom
 * non-convex loss makes I indefinite) and leaves out the null space of a singular Θ̂. For MSE,
 * H_C = Id/N and C = D/N is already diagonal.
 */
export interface NtkSpectrum {
  /** Eigenvalues of Θ̂, descending. */
  readonly ntkEigenvalues: Float64Array;
  /** Eigenvalues of I on the range of J, descending (the rest of I's spectrum is 0). */
  readonly iEigenvalues: Float64Array;
  /**
   * Coefficients c_j (length M) such that Jᵀ c_j is the unit eigenvector of iEigenvalues[j]; only for
   * the `wanted` largest (and, for indefinite I, most negative) eigenvalues.
   */
  readonly iEigenvectorSeeds: Float64Array[];
  /** Tr(I^k), k = 1 … kmax, exact. */
  readonly traces: number[];
  /** Numerical rank of Θ̂ (eigenvalues above 1e-12 of the largest). */
  readonly rank: number;
}

export function ntkSpectrum(theta: Float64Array, loss: LossEvaluation, kmax: number, wanted: number): NtkSpectrum {
  const M = loss.N * loss.nL;
  if (theta.length !== M * M) throw new RangeError(`Θ̂ must be ${M}×${M}, got ${theta.length} entries`);
  const eig = denseEigen(theta, M, 'descending');
  const D = eig.values;
  const cutoff = 1e-12 * Math.max(D[0], 0);
  let rank = 0;
  while (rank < M && D[rank] > cutoff) rank++;

  const scalar = identityScale(loss);
  let iEigenvalues: Float64Array;
  let coefficientsOf: (j: number) => Float64Array; // y_j in the basis of the first `rank` columns of U
  if (scalar !== undefined) {
    iEigenvalues = D.slice(0, rank).map((d) => scalar * d);
    if (scalar < 0) iEigenvalues.reverse();
    coefficientsOf = (j) => {
      const y = new Float64Array(rank);
      y[scalar < 0 ? rank - 1 - j : j] = 1;
      return y;
    };
  } else {
    // C = D^{1/2} Uᵀ H_C U D^{1/2} on the range of Θ̂.
    const HC = denseLossHessian(loss);
    const HU = new Float64Array(M * rank); // H_C U_r
    for (let a = 0; a < M; a++) {
      for (let b = 0; b < M; b++) {
        const h = HC[a * M + b];
        if (h === 0) continue;
        for (let j = 0; j < rank; j++) HU[a * rank + j] += h * eig.vectors[b * M + j];
      }
    }
    const C = new Float64Array(rank * rank);
    for (let i = 0; i < rank; i++) {
      for (let j = 0; j < rank; j++) {
        let s = 0;
        for (let a = 0; a < M; a++) s += eig.vectors[a * M + i] * HU[a * rank + j];
        C[i * rank + j] = Math.sqrt(D[i] * D[j]) * s;
      }
    }
    const cEig = denseEigen(C, rank, 'descending');
    iEigenvalues = cEig.values;
    coefficientsOf = (j) => {
      const y = new Float64Array(rank);
      for (let i = 0; i < rank; i++) y[i] = cEig.vectors[i * rank + j];
      return y;
    };
  }

  // v = Jᵀ U D^{−1/2} y: the seed c = U D^{−1/2} y.
  const seeds: Float64Array[] = [];
  for (const j of wantedIndices(iEigenvalues, wanted)) {
    const y = coefficientsOf(j);
    const c = new Float64Array(M);
    for (let i = 0; i < rank; i++) {
      const w = y[i] / Math.sqrt(D[i]);
      if (w === 0) continue;
      for (let a = 0; a < M; a++) c[a] += eig.vectors[a * M + i] * w;
    }
    seeds.push(c);
  }
  const traces: number[] = [];
  for (let k = 1; k <= kmax; k++) traces.push(iEigenvalues.reduce((s, x) => s + x ** k, 0));
  return { ntkEigenvalues: D, iEigenvalues, iEigenvectorSeeds: seeds, traces, rank };
}

/** The `wanted` largest eigenvalues' indices (iEigenvalues is descending). */
function wantedIndices(values: Float64Array, wanted: number): number[] {
  return Array.from({ length: Math.min(wanted, values.length) }, (_, j) => j);
}

/** c if H_C = c·Id (MSE: 1/N), else undefined. */
function identityScale(loss: LossEvaluation): number | undefined {
  const { N, nL, hessianBlocks } = loss;
  const c = hessianBlocks[0];
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < nL; a++) {
      for (let b = 0; b < nL; b++) {
        if (hessianBlocks[i * nL * nL + a * nL + b] !== (a === b ? c : 0)) return undefined;
      }
    }
  }
  return c;
}
