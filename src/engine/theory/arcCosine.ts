/**
 * Closed forms for ReLU over a centered Gaussian pair: the arc-cosine kernels of Cho & Saul (2009),
 * as neural-tangents uses them instead of quadrature (which converges slowly across the kink).
 * With ρ = K12/√(K11 K22) and θ = arccos ρ:
 *
 *     E[relu(u) relu(v)] = √(K11 K22) (sin θ + (π − θ) cos θ) / (2π)      (arc-cosine kernel of order 1)
 *     E[step(u) step(v)] = (π − θ) / (2π)                                   (order 0)
 *
 * σ'' is a Dirac mass, so E_ab with a or b ≥ 2 (Σ̈ and the S-part of the theory) is not defined:
 * those entries are NaN.
 */
import type { Activation } from '../../catalogue/activation';
import { correlation, safeSqrt, type PairMoments } from './gaussianPair';

/** Whether the kernels use these closed forms for `activation` (it declares them: the built-in ReLU) instead of quadrature. */
export function usesArcCosine(activation: Activation): boolean {
  return activation.closedFormKernel === 'arcCosine';
}

/** θ = arccos ρ with ρ clipped to [−1, 1] by `correlation`. */
export function arcCosineAngle(k11: number, k22: number, k12: number): number {
  return Math.acos(correlation(k11, k22, k12));
}

/** E[relu(u) relu(v)] (Cho & Saul 2009, n = 1). */
export function reluSigma(k11: number, k22: number, k12: number): number {
  const theta = arcCosineAngle(k11, k22, k12);
  return (safeSqrt(k11) * safeSqrt(k22) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI);
}

/** E[step(u) step(v)] = (π − θ)/(2π) (Cho & Saul 2009, n = 0); 1/2 on the diagonal. */
export function reluSigmaDot(k11: number, k22: number, k12: number): number {
  return (Math.PI - arcCosineAngle(k11, k22, k12)) / (2 * Math.PI);
}

/**
 * The moment block for ReLU: E_00 and E_11 in closed form; every other entry NaN (those with σ'' or
 * σ''' are undefined, E_01 and E_10 are not used by the recursions).
 */
export function reluPairMoments(k11: number, k22: number, k12: number, out: PairMoments = new Float64Array(16)): PairMoments {
  out.fill(NaN);
  out[0] = reluSigma(k11, k22, k12);
  out[5] = reluSigmaDot(k11, k22, k12);
  return out;
}
