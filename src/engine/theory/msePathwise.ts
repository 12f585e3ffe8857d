/**
 * MSE predictions for one trial (THEORY.md §6, Corollary 1 of the paper), from the trial's own
 * Y(0) and G(0) (G_ik = Tr Hess f_k(x_i)), with D = Y* − Y(0), Θ̄ = Θ/N, E = e^{−tΘ̄} or A^s and
 * F = (Id − E)Θ⁻¹ (`thetaSpectrum.ts`):
 *
 *     Y(t)      = Y* − E D
 *     G(t)      = G(0) + Λ F D
 *     Tr(I^k)   = nL Tr(Θ̄^k)                                            (constant in t)
 *     Tr(S(t))  = G(t)ᵀ∇C = −(1/N) [ G(0)ᵀ E D + Dᵀ F Λᵀ E D ]
 *     Tr(S(t)²) = ∇Cᵀ Υ ∇C = (1/N²) Dᵀ E Υ E D
 *     C(t)      = (1/2N) ‖E D‖²
 *
 * Each of the nL output columns evolves on its own (the limiting Gram matrices are block diagonal
 * with identical blocks), and the traces sum over them. Everything is computed in the eigenbasis of Θ,
 * where E and F are diagonal: O(N³) once, then O(N² nL) per step.
 */
import { dot } from '../linalg/operator';
import { column, fromEigenbasis, matmul, matrixToEigenbasis, toEigenbasis } from '../linalg/dense';
import type { InfiniteWidthKernels } from './kernels';
import {
  checkShape,
  checkSteps,
  momentSeries,
  type MomentSeries,
  type PredictionSchedule,
  type StepMoments,
  type TrialStart,
} from './momentSeries';
import { propagatorFactors, singularWarnings, stepSizeWarnings, thetaSpectrum, type ThetaSpectrum } from './thetaSpectrum';

/** What the MSE predictions share: Θ's eigendecomposition and Λ, Υ in its eigenbasis. */
export interface MseSetup {
  readonly N: number;
  readonly spectrum: ThetaSpectrum;
  /** Vᵀ Λ V. */
  readonly lambdaTilde: Float64Array;
  /** Vᵀ Υ V. */
  readonly upsilonTilde: Float64Array;
  /** Λ V. */
  readonly lambdaV: Float64Array;
}

export function mseSetup(
  kernels: Pick<InfiniteWidthKernels, 'N' | 'theta' | 'lambdaKernel' | 'upsilon'>,
  relativeCutoff?: number,
): MseSetup {
  const { N } = kernels;
  const spectrum = thetaSpectrum(kernels.theta, N, relativeCutoff);
  return {
    N,
    spectrum,
    lambdaTilde: matrixToEigenbasis(spectrum.eig, kernels.lambdaKernel),
    upsilonTilde: matrixToEigenbasis(spectrum.eig, kernels.upsilon),
    lambdaV: matmul(kernels.lambdaKernel, spectrum.eig.vectors, N, N, N),
  };
}

/** Tr(I^k) = nL Σ_i (λ_i/N)^k for k = 1..kmax (H_C = Id/N, so I's spectrum is Θ̄'s, once per output). */
export function mseTraceI(spectrum: ThetaSpectrum, nL: number, kmax: number): Float64Array {
  const out = new Float64Array(kmax);
  for (const lambda of spectrum.eig.values) {
    let p = 1;
    for (let k = 0; k < kmax; k++) {
      p *= lambda / spectrum.N;
      out[k] += nL * p;
    }
  }
  return out;
}

export type MsePathInput = PredictionSchedule & TrialStart;

export interface MsePathPrediction extends MomentSeries {
  /** Predicted Y at each step (N × nL). */
  readonly Y: Float64Array[];
  /** Predicted G at each step (N × nL). */
  readonly G: Float64Array[];
  readonly warnings: string[];
}

export function msePathwisePrediction(setup: MseSetup, input: MsePathInput): MsePathPrediction {
  const { N, spectrum, lambdaTilde, upsilonTilde, lambdaV } = setup;
  const { nL, eta, steps, kmax } = input;
  const mode = input.mode ?? 'discrete';
  checkSteps(steps, eta, kmax);
  checkShape('Y(0)', input.Y0, N, nL);
  checkShape('G(0)', input.G0, N, nL);
  checkShape('Y*', input.target, N, nL);

  // Per output: d̃ = Vᵀ(Y* − Y(0)), g̃ = Vᵀ G(0).
  const dTilde: Float64Array[] = [];
  const gTilde: Float64Array[] = [];
  for (let k = 0; k < nL; k++) {
    const d = column(input.target, N, nL, k);
    const y0 = column(input.Y0, N, nL, k);
    for (let i = 0; i < N; i++) d[i] -= y0[i];
    dTilde.push(toEigenbasis(spectrum.eig, d));
    gTilde.push(toEigenbasis(spectrum.eig, column(input.G0, N, nL, k)));
  }
  const traceI = mseTraceI(spectrum, nL, kmax);
  const rows: StepMoments[] = [];
  const Ys: Float64Array[] = [];
  const Gs: Float64Array[] = [];
  const ed = new Float64Array(N);
  const fd = new Float64Array(N);
  for (const step of steps) {
    const { e, f } = propagatorFactors(spectrum, mode, eta, step);
    let traceS = 0;
    let traceS2 = 0;
    let loss = 0;
    const Y = new Float64Array(N * nL);
    const G = new Float64Array(N * nL);
    for (let k = 0; k < nL; k++) {
      const d = dTilde[k];
      for (let i = 0; i < N; i++) {
        ed[i] = e[i] * d[i];
        fd[i] = f[i] * d[i];
      }
      // Tr S = −(1/N)[g̃·(e∘d̃) + (e∘d̃)ᵀ Λ̃ (f∘d̃)];  Tr S² = (1/N²)(e∘d̃)ᵀ Ῡ (e∘d̃).
      traceS -= (dot(gTilde[k], ed) + dot(ed, matmul(lambdaTilde, fd, N, N, 1))) / N;
      traceS2 += dot(ed, matmul(upsilonTilde, ed, N, N, 1)) / (N * N);
      loss += dot(ed, ed) / (2 * N);
      const yMoved = fromEigenbasis(spectrum.eig, ed); // E D
      const gMoved = matmul(lambdaV, fd, N, N, 1); // Λ F D
      for (let i = 0; i < N; i++) {
        Y[i * nL + k] = input.target[i * nL + k] - yMoved[i];
        G[i * nL + k] = input.G0[i * nL + k] + gMoved[i];
      }
    }
    rows.push({ traceI, traceS, traceS2, loss });
    Ys.push(Y);
    Gs.push(G);
  }
  return {
    ...momentSeries(steps, eta, kmax, rows),
    Y: Ys,
    G: Gs,
    warnings: [...spectrum.warnings, ...singularWarnings(spectrum, dTilde), ...stepSizeWarnings(spectrum, eta, mode)],
  };
}
