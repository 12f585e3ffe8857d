/**
 * The normalized Frobenius product  R = ‖AB‖_F² / (‖A‖_F² ‖B‖_F²)  of two symmetric operators, and its
 * square root ‖AB‖_F / (‖A‖_F ‖B‖_F) (the product reports it for A = I, B = S: 0 when the two act on
 * orthogonal subspaces), with standard errors by the delta method.
 *
 * All three traces come from the same probes of the deflated estimator of moments.ts run on B:
 *     ‖B‖_F² = Tr(B²):         x ↦ ‖B x‖²        (the k = 2 moment),
 *     ‖AB‖_F² = Tr(B A² B):    x ↦ ‖A (B x)‖²    (one application of A per probe),
 *     ‖A‖_F² = Tr(A²):         x ↦ ‖A x‖²        (one more, unless the exact value is given),
 * with x = P⊥g and the same sketch Q of B treated exactly, so each is unbiased and their sample
 * covariances give Var R̂ ≈ ∇Rᵀ Σ ∇R / m (the ratio itself has an O(1/m) bias, negligible next to
 * its standard error for the m used). Exact values (e.g. ‖I‖_F² from the Gram matrix Θ̂) are passed
 * in and then carry no variance. An exact value is not always better: ‖AB‖_F² and ‖B‖_F² estimated
 * from the same probes are positively correlated and their errors partly cancel in the ratio (in the
 * tests, an exact ‖A‖_F² halves the standard error, while also fixing ‖B‖_F² raises it again by 1.7×).
 */
import { countingOperator, dot, matvec, type LinearOperator, type Vector } from './operator';
import { traceMoments, type MomentsOptions, type MomentsResult, type ProbeFunctional } from './moments';
import { measuredRounding } from './rounding';
import { deltaMethodStderr, type Estimate } from './stats';

export interface FrobeniusRatioOptions extends Omit<MomentsOptions, 'kmax' | 'functionals' | 'targetRelativeStderr' | 'stopWhen'> {
  /** ‖A‖_F², if known exactly. */
  exactNormA2?: number;
  /** ‖B‖_F², if known exactly. */
  exactNormB2?: number;
  /** Add probes until the ratio's standard error is ≤ this × the ratio. */
  targetRelativeStderr?: number;
  /** Relative rounding ε_A of one application of A; measured (two applications) when omitted. */
  roundingA?: number;
}

export interface FrobeniusRatioResult {
  /** ‖AB‖_F² / (‖A‖_F² ‖B‖_F²). */
  ratio: Estimate;
  /** ‖AB‖_F / (‖A‖_F ‖B‖_F) = √ratio, stderr by the delta method. */
  cosine: Estimate;
  normAB2: Estimate;
  normA2: Estimate;
  normB2: Estimate;
  probes: number;
  degreesOfFreedom: number;
  applicationsA: number;
  applicationsB: number;
}

export function frobeniusRatio(A: LinearOperator, B: LinearOperator, options: FrobeniusRatioOptions): FrobeniusRatioResult {
  if (A.size !== B.size) throw new RangeError(`frobeniusRatio: operator sizes differ (${A.size} and ${B.size})`);
  const countedA = countingOperator(A);
  const normSquared = (v: Vector): number => {
    const y = matvec(countedA, v);
    return dot(y, y);
  };
  const epsilonA = options.roundingA ?? measuredRounding(countedA);
  // ‖A y‖² doubles A's relative rounding.
  const functionals: ProbeFunctional[] = [{ name: 'AB', degree: 1, evaluate: (p) => normSquared(p[1]), rounding: 2 * epsilonA }];
  if (options.exactNormA2 === undefined) functionals.push({ name: 'A', degree: 0, evaluate: (p) => normSquared(p[0]), rounding: 2 * epsilonA });
  const target = options.targetRelativeStderr;
  const moments = traceMoments(B, {
    ...options,
    kmax: 2,
    functionals,
    targetRelativeStderr: undefined,
    stopWhen: target === undefined ? undefined : (progress) => {
      const { ratio } = frobeniusRatioFromMoments(progress, options);
      return ratio.stderr <= target * Math.abs(ratio.estimate);
    },
  });
  const result = frobeniusRatioFromMoments(moments, options);
  return { ...result, applicationsA: countedA.applications, applicationsB: moments.applications };
}

/**
 * The ratio and its delta-method standard error from a `traceMoments` run on B whose functionals
 * include 'AB' (x ↦ ‖A B x‖², degree 1) and, unless ‖A‖_F² is given exactly, 'A' (x ↦ ‖A x‖²). Lets a
 * caller that estimates B's moments anyway add the ratio for one application of A per vector.
 */
export function frobeniusRatioFromMoments(
  m: MomentsResult,
  options: { exactNormA2?: number; exactNormB2?: number; exactRoundingA2?: number; exactRoundingB2?: number },
): Omit<FrobeniusRatioResult, 'applicationsA' | 'applicationsB'> {
  const abIndex = m.functionals.findIndex((f) => f.name === 'AB');
  const aIndex = m.functionals.findIndex((f) => f.name === 'A');
  if (abIndex < 0) throw new RangeError("frobeniusRatioFromMoments: the moments have no 'AB' functional");
  if (options.exactNormA2 === undefined && aIndex < 0) throw new RangeError("frobeniusRatioFromMoments: give exactNormA2 or an 'A' functional");
  if (options.exactNormB2 === undefined && m.kmax < 2) throw new RangeError('frobeniusRatioFromMoments: ‖B‖_F² needs the k = 2 moment (kmax ≥ 2) or exactNormB2');
  const ab = m.functionals[abIndex];
  const a2 = options.exactNormA2 !== undefined ? exactValue(options.exactNormA2, options.exactRoundingA2) : m.functionals[aIndex];
  const b2 = options.exactNormB2 !== undefined ? exactValue(options.exactNormB2, options.exactRoundingB2) : m.moments[1];
  const R = ab.estimate / (a2.estimate * b2.estimate);
  // ∂R/∂(AB) = 1/(a b), ∂R/∂a = −R/a, ∂R/∂b = −R/b, over the variables that were sampled.
  const gradient = [1 / (a2.estimate * b2.estimate)];
  const samples: ArrayLike<number>[] = [m.functionalSamples[abIndex]];
  if (options.exactNormA2 === undefined) {
    gradient.push(-R / a2.estimate);
    samples.push(m.functionalSamples[aIndex]);
  }
  if (options.exactNormB2 === undefined) {
    gradient.push(-R / b2.estimate);
    samples.push(m.samples[1]);
  }
  // The delta method covers the sampling; the rounding bounds of the three traces add in relative
  // terms (to first order, a ratio's relative error is the sum of its factors').
  const relativeRounding = [ab, a2, b2].reduce((s, e) => s + (e.estimate !== 0 ? roundingOf(e) / Math.abs(e.estimate) : 0), 0);
  const stderr = Math.hypot(deltaMethodStderr(gradient, samples), Math.abs(R) * relativeRounding);
  const cosine = Math.sqrt(Math.max(R, 0));
  return {
    ratio: { estimate: R, stderr },
    cosine: { estimate: cosine, stderr: cosine > 0 ? stderr / (2 * cosine) : NaN },
    normAB2: { estimate: ab.estimate, stderr: ab.stderr },
    normA2: { estimate: a2.estimate, stderr: a2.stderr },
    normB2: { estimate: b2.estimate, stderr: b2.stderr },
    probes: m.probes,
    degreesOfFreedom: m.degreesOfFreedom,
  };
}

/** An exactly known trace: no sampling error, only the rounding its caller states. */
function exactValue(estimate: number, roundingBound = 0): Estimate & { roundingBound: number } {
  return { estimate, stderr: roundingBound, roundingBound };
}

function roundingOf(e: Estimate & { roundingBound?: number }): number {
  return e.roundingBound ?? 0;
}
