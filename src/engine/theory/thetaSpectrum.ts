/**
 * The eigendecomposition of the limiting NTK Gram Θ (N × N), and the spectral functions of the
 * linearized MSE dynamics (THEORY.md §6) with Θ̄ = Θ/N:
 *
 *     'flow'      E(t) = e^{−tΘ̄},   t = η · step
 *     'discrete'  E = A^s,  A = Id − ηΘ̄,  s = step      (exact for gradient descent with step η)
 *
 * and F = (Id − E) Θ⁻¹, the factor that carries the Hessian trace: G(t) = G(0) + Λ F (Y* − Y(0)).
 * On an eigenvalue λ of Θ, F is (1 − e(λ))/λ, and its limit as λ → 0 is t/N (flow) or η s/N
 * (discrete): the time integral of the gradient along a direction the dynamics cannot move. Using the
 * limit instead of dropping those directions keeps the formulas exact for a singular Θ (there Λ
 * vanishes on the null space of Θ, since Λ(x, x') = ∇g(x) · ∇f(x'), so both choices agree), and it
 * avoids dividing noise by tiny eigenvalues.
 */
import { denseEigen, type SymmetricEigen } from '../linalg/denseEigen';

export type DynamicsMode = 'discrete' | 'flow';

export interface ThetaSpectrum {
  readonly N: number;
  readonly eig: SymmetricEigen;
  /** Eigenvalues ≤ cutoff (absolute) are treated as 0: the null space of Θ. */
  readonly cutoff: number;
  /** Number of eigenvalues above the cutoff. */
  readonly rank: number;
  /** The cutoff relative to the largest |eigenvalue|. */
  readonly relativeCutoff: number;
  /** Problems of Θ itself (negative eigenvalues); whether a null space matters: singularWarnings. */
  readonly warnings: string[];
}

/** Default relative cutoff: about 500 ulps of the largest eigenvalue, above an N = 256 solver's rounding. */
export const DEFAULT_RELATIVE_CUTOFF = 1e-13;

export function thetaSpectrum(theta: Float64Array, N: number, relativeCutoff = DEFAULT_RELATIVE_CUTOFF): ThetaSpectrum {
  const eig = denseEigen(theta, N);
  const top = Math.max(Math.abs(eig.values[N - 1]), Math.abs(eig.values[0]));
  const cutoff = relativeCutoff * top;
  let rank = 0;
  let negative = 0;
  for (const v of eig.values) {
    if (v > cutoff) rank++;
    else if (v < -cutoff) negative++;
  }
  const warnings: string[] = [];
  if (negative > 0) {
    warnings.push(
      `Θ has ${negative} eigenvalue(s) below −${relativeCutoff} × λmax (smallest ${eig.values[0].toPrecision(3)}): it should be positive semi-definite; the kernels are inaccurate`,
    );
  }
  return { N, eig, cutoff, rank, warnings, relativeCutoff };
}

/**
 * Below this share of the residual's norm along Θ's null space nothing printed can show it: the
 * residual there never decays, so it adds its share to Tr(S) and its square to the loss, and the
 * tables print four significant digits.
 */
export const VISIBLE_NULL_SHARE = 1e-4;

/**
 * A singular Θ (rank < N at the cutoff) is common and harmless: a smooth kernel on distinct points has
 * eigenvalues that decay faster than the cutoff (32 points on a circle: rank 29), and the dynamics
 * neither see nor need those directions. It matters only when the residual Y* − Y(0) has a visible
 * part along them — duplicate inputs with different targets, targets the kernel cannot fit — since
 * gradient descent does not move Y there: then the warning says so, with the share and the loss it
 * leaves. `coordinates` holds, per output column, the residual in Θ's eigenbasis (Vᵀ(Y* − Y(0)), as
 * the predictions compute it); the worst column's share counts.
 */
export function singularWarnings(spectrum: ThetaSpectrum, coordinates: readonly Float64Array[]): string[] {
  const { N, eig, cutoff, rank } = spectrum;
  if (rank === N) return [];
  let worst = 0;
  let stuck = 0;
  for (const c of coordinates) {
    let all = 0;
    let nullPart = 0;
    for (let j = 0; j < N; j++) {
      all += c[j] * c[j];
      if (Math.abs(eig.values[j]) <= cutoff) nullPart += c[j] * c[j];
    }
    stuck += nullPart;
    if (all > 0) worst = Math.max(worst, Math.sqrt(nullPart / all));
  }
  if (worst <= VISIBLE_NULL_SHARE) return [];
  return [
    `Θ is singular on the data (rank ${rank} of ${N} at relative cutoff ${spectrum.relativeCutoff}) and ${(100 * worst).toPrecision(2)}% of the residual Y* − Y(0) lies along its ${N - rank} null direction(s): duplicate inputs with different targets, or targets the kernel cannot fit. Gradient descent does not move Y there, so the loss cannot fall below ${(stuck / (2 * N)).toPrecision(3)} and the predictions keep that part of the residual as it is`,
  ];
}

/**
 * e_i = E(λ_i) and f_i = F(λ_i) at one step, for every eigenvalue of Θ (see the header). A negative
 * eigenvalue above the cutoff in magnitude is used as is (and was warned about).
 */
export function propagatorFactors(
  spectrum: ThetaSpectrum,
  mode: DynamicsMode,
  eta: number,
  step: number,
): { e: Float64Array; f: Float64Array } {
  const { N, eig, cutoff } = spectrum;
  const e = new Float64Array(N);
  const f = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const lambda = eig.values[i];
    if (Math.abs(lambda) <= cutoff) {
      e[i] = 1;
      f[i] = (eta * step) / N;
      continue;
    }
    const x = (eta * lambda) / N; // ηλ/N: the contraction of one step along this eigenvector
    // 1 − e is formed with expm1/log1p so that F keeps its digits when x·step is small.
    if (mode === 'flow') {
      e[i] = Math.exp(-x * step);
      f[i] = -Math.expm1(-x * step) / lambda;
    } else {
      e[i] = Math.pow(1 - x, step);
      f[i] = (x < 1 ? -Math.expm1(step * Math.log1p(-x)) : 1 - e[i]) / lambda;
    }
  }
  return { e, f };
}

/**
 * Warnings about the step size: gradient descent on the linearized MSE dynamics diverges along the
 * top eigenvector of Θ when η λmax/N > 2.
 */
export function stepSizeWarnings(spectrum: ThetaSpectrum, eta: number, mode: DynamicsMode): string[] {
  const top = spectrum.eig.values[spectrum.N - 1];
  const rate = (eta * top) / spectrum.N;
  if (mode === 'discrete' && rate > 2) {
    return [`η λmax(Θ)/N = ${rate.toPrecision(3)} > 2: gradient descent diverges in the infinite-width theory (largest stable η is ${((2 * spectrum.N) / top).toPrecision(3)})`];
  }
  return [];
}
