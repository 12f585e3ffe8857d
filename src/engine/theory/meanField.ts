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
import { mse } from '../loss/builtins';
import { evaluateLoss, type SampleLoss } from '../loss/loss';
import type { InfiniteWidthKernels } from './kernels';
import { outputQuadratic } from './lossMoments';
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
