/**
 * MSE predictions in expectation over the initialization (THEORY.md §6): Y(0) centered with
 * covariance Σ = Σ(L) per output, E[G(0) Y(0)ᵀ] = Φ, targets Y* fixed. With E, F as in
 * `msePathwise.ts` and M = nL Σ + Y* Y*ᵀ (the sum over outputs of E[D Dᵀ], D = Y* − Y(0)):
 *
 *     E[Tr S(t)]  = (nL/N) Tr(E Φᵀ) − (1/N) Tr(F Λᵀ E M)
 *     E[Tr S(t)²] = (1/N²) Tr(E Υ E M)
 *     E[C(t)]     = (1/2N) Tr(E² M)
 *     E[Tr H^k]   ≈ Tr(I^k) + E[Tr S^k]
 *
 * (for nL = 1, M = Σ + Y*Y*ᵀ and these are the paper's Corollary 1 with the sign of THEORY.md).
 * In the eigenbasis of Θ every trace is an O(N²) sum per step.
 */
import { column, matmul, matrixToEigenbasis, toEigenbasis, transpose } from '../linalg/dense';
import type { InfiniteWidthKernels } from './kernels';
import { checkShape, checkSteps, momentSeries, type MomentSeries, type PredictionSchedule, type StepMoments } from './momentSeries';
import { mseTraceI, type MseSetup } from './msePathwise';
import { propagatorFactors, singularWarnings, stepSizeWarnings } from './thetaSpectrum';

export type MseExpectedInput = PredictionSchedule;

export interface MseExpectedPrediction extends MomentSeries {
  readonly warnings: string[];
}

export function mseExpectedPrediction(
  setup: MseSetup,
  kernels: Pick<InfiniteWidthKernels, 'N' | 'sigma' | 'phi'>,
  input: MseExpectedInput,
): MseExpectedPrediction {
  const { N, spectrum, lambdaTilde, upsilonTilde } = setup;
  const { nL, eta, steps, kmax, target } = input;
  const mode = input.mode ?? 'discrete';
  checkSteps(steps, eta, kmax);
  checkShape('Y*', target, N, nL);
  if (kernels.N !== N) throw new RangeError(`kernels are for ${kernels.N} points, the setup for ${N}`);

  // M = nL Σ + Y* Y*ᵀ, and M̃ = Vᵀ M V.
  const M = matmul(target, transpose(target, N, nL), N, nL, N);
  for (let i = 0; i < N * N; i++) M[i] += nL * kernels.sigma[i];
  const mTilde = matrixToEigenbasis(spectrum.eig, M);
  // diag(Vᵀ Φ V): Tr(E Φᵀ) = Σ_i e_i (Vᵀ Φᵀ V)_ii = Σ_i e_i (Vᵀ Φ V)_ii.
  const phiDiag = eigenbasisDiagonal(spectrum.eig.vectors, kernels.phi, N);

  const traceI = mseTraceI(spectrum, nL, kmax);
  const rows: StepMoments[] = [];
  for (const step of steps) {
    const { e, f } = propagatorFactors(spectrum, mode, eta, step);
    let phiTerm = 0;
    let lambdaTerm = 0;
    let upsilonTerm = 0;
    let loss = 0;
    for (let i = 0; i < N; i++) {
      phiTerm += e[i] * phiDiag[i];
      loss += e[i] * e[i] * mTilde[i * N + i];
      for (let j = 0; j < N; j++) {
        const mji = mTilde[j * N + i];
        // Tr(F Λ̃ᵀ E M̃) = Σ_ij f_i Λ̃_ji e_j M̃_ji;  Tr(E Ῡ E M̃) = Σ_ij e_i Ῡ_ij e_j M̃_ji.
        lambdaTerm += f[i] * lambdaTilde[j * N + i] * e[j] * mji;
        upsilonTerm += e[i] * upsilonTilde[i * N + j] * e[j] * mji;
      }
    }
    rows.push({
      traceI,
      traceS: (nL * phiTerm - lambdaTerm) / N,
      traceS2: upsilonTerm / (N * N),
      loss: loss / (2 * N),
    });
  }
  // Y(0) ~ N(0, Σ) has no part along Θ's null space (Θ ⪰ Σ: Θ = Σ + Σ̇ ∘ Θ_prev with a PSD Schur
  // product), so the residual that can stay there is Y*'s.
  return { ...momentSeries(steps, eta, kmax, rows), warnings: [...spectrum.warnings, ...singularWarnings(spectrum, Array.from({ length: nL }, (_, k) => toEigenbasis(spectrum.eig, column(target, N, nL, k)))), ...stepSizeWarnings(spectrum, eta, mode)] };
}

/** diag(Vᵀ A V): one product A V, then O(N) per entry. */
function eigenbasisDiagonal(V: Float64Array, A: Float64Array, N: number): Float64Array {
  const out = new Float64Array(N);
  const AV = matmul(A, V, N, N, N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let r = 0; r < N; r++) s += V[r * N + i] * AV[r * N + i];
    out[i] = s;
  }
  return out;
}
