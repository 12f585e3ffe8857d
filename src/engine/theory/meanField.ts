/**
 * Mean-field scaling at initialization (THEORY.md §6, last paragraph; paper §3.3). Dividing the output
 * by √w (w the hidden width) and multiplying the learning rate by w turns the (learning-rate scaled)
 * Hessian into w H = I + √w S, with S = ∇C · HY taken at the scaled outputs, which vanish at
 * initialization as w grows. So, with ∇C = ∇C(Y = 0) (= −Y* / N for MSE) and G ~ N(0, Ξ):
 *
 *     Tr(w H)/√w  → Tr S = Gᵀ∇C ~ N(0, ∇Cᵀ Ξ ∇C)
 *     Tr((w H)²)/w → Tr S² = ∇Cᵀ Υ ∇C
 *
 * (the paper conjectures this for rectangular networks). Sums run over the nL independent outputs.
 */
import { mse, type SampleLoss } from '../../catalogue/losses';
import { evaluateLoss } from '../loss/loss';
import type { Moments } from '../../contracts/engineMessages';
import type { Written } from '../../contracts/checks';
import type { InfiniteWidthKernels } from './kernels';
import { lossGramMoments, outputQuadratic } from './lossMoments';
import { checkShape } from './momentSeries';

export interface MeanFieldPrediction {
  /** ∇C at Y = 0, N × nL row-major, as plain numbers. */
  readonly gradient: number[];
  /** Tr(H)/√w is Gaussian with mean 0 and this variance (∇Cᵀ Ξ ∇C) and standard deviation. */
  readonly traceH: { readonly mean: number; readonly variance: number; readonly std: number };
  /** The limit of Tr(H²)/w: ∇Cᵀ Υ ∇C. */
  readonly traceH2: number;
}

export function meanFieldPrediction(
  kernels: Pick<InfiniteWidthKernels, 'N' | 'xi' | 'upsilon'>,
  target: Float64Array,
  nL: number,
  loss: SampleLoss = mse,
): MeanFieldPrediction {
  const { N } = kernels;
  checkShape('Y*', target, N, nL);
  const { gradient } = evaluateLoss(loss, new Float64Array(N * nL), target, N, nL);
  const variance = outputQuadratic(kernels.xi, gradient, N, nL);
  return {
    gradient: Array.from(gradient),
    traceH: { mean: 0, variance, std: Math.sqrt(Math.max(variance, 0)) },
    traceH2: outputQuadratic(kernels.upsilon, gradient, N, nL),
  };
}

/**
 * The limits at initialization on the scale a run measures: the Hessian H of C at width w itself (not
 * w·H). With Θ/w the mean-field network's NTK, I = Jᵀ H_C J has Tr(I^k) → Tr((H_C Θ)^k)/w^k, and
 *
 *     Tr(S) ≈ N(0, ∇CᵀΞ∇C / w),   Tr(S²) → ∇CᵀΥ∇C / w,   Tr(S^k) → 0 for k ≥ 3,
 *
 * Tr(H^k) ≈ Tr(I^k) + Tr(S^k) (I and S asymptotically orthogonal). Nothing is predicted through
 * training: the paper's mean-field statement is at initialization only, and the NTK dynamics do not
 * apply at the step η·w (their discrete map diverges there).
 *
 * What a comparison needs: Tr(I) is O(1/w) against Tr(S)'s O(1/√w), so √w·Tr(H) has a mean of order
 * 1/√w from I, which dominates at the widths a laptop runs (at w = 1000, 0.049 against a predicted
 * 0 ± 0.003): compare S, not H.
 */
export interface MeanFieldLimits {
  readonly width: number;
  /** Tr(A^k) on the measurement's scale; S[0] = 0 is the mean of a Gaussian of sd traceSStd. */
  readonly expected: Written<Moments>;
  /** √(∇CᵀΞ∇C / w): the spread of Tr(S) over initializations. */
  readonly traceSStd: number;
}

export function meanFieldLimits(
  prediction: MeanFieldPrediction,
  kernels: Pick<InfiniteWidthKernels, 'N' | 'theta'>,
  target: Float64Array,
  nL: number,
  width: number,
  kmax: number,
  loss: SampleLoss = mse,
): MeanFieldLimits {
  if (!(width > 0)) throw new RangeError(`meanFieldLimits: width must be > 0, got ${width}`);
  const atZero = evaluateLoss(loss, new Float64Array(kernels.N * nL), target, kernels.N, nL);
  const I = Array.from(lossGramMoments(kernels.theta, atZero, kmax), (m, k) => m / width ** (k + 1));
  const S = Array.from({ length: kmax }, (_, k) => (k === 1 ? prediction.traceH2 / width : 0));
  return {
    width,
    expected: { H: I.map((v, k) => v + S[k]), I, S },
    traceSStd: prediction.traceH.std / Math.sqrt(width),
  };
}
