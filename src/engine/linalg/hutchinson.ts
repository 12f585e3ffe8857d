/**
 * Plain Hutchinson estimation of Tr(A^k), k = 1 … kmax (Hutchinson 1990; Girard 1989): the mean of
 * gᵀA^kg = (A^a g)·(A^b g), a + b = k, over m probes g with E ggᵀ = Id, with standard error sd/√m.
 * Its variance is 2‖A^k‖_F² per Gaussian probe, so when a few eigenvalues dominate the relative error
 * is about √(2/m) whatever the matrix: the baseline the deflated estimator (moments.ts) is measured
 * against (bench/baselines.ts), and the kind of estimator PyHessian's `trace` uses.
 *
 * It is `traceMoments` with an empty sketch, so both share the probes, the symmetric split of the
 * powers (⌈kmax/2⌉ applications per probe) and the stopping rules: a comparison at equal cost per probe.
 */
import { traceMoments, type MomentsOptions, type MomentsResult } from './moments';
import type { LinearOperator } from './operator';

export type HutchinsonOptions = Omit<MomentsOptions, 'sketch' | 'sketchDimension'>;

export function hutchinsonMoments(op: LinearOperator, options: HutchinsonOptions): MomentsResult {
  return traceMoments(op, { ...options, sketch: undefined, sketchDimension: undefined });
}
