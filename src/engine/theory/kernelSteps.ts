/**
 * One recursion step per function (THEORY.md §5; Jacot, Gabriel & Hongler 2020, Lemmas 3 and 4):
 * each maps the kernels of layer ℓ and the Gaussian moments E_ab of Σ(ℓ) (`momentMatrices.ts`) to a
 * kernel of layer ℓ + 1, and `nextLayer` composes them. All matrices are N × N row-major; entry
 * [i * N + j] is the kernel at (x, x') = (x_i, x_j). Φ and Λ are not symmetric: their first argument
 * is the point where g = Tr Hess_θ f is taken.
 */
import type { MomentMatrices } from './momentMatrices';

/** The kernels of layer ℓ (the pre-activations α̃(ℓ), or the output when ℓ = L). */
export interface LayerKernels {
  /** ℓ ≥ 1. */
  readonly layer: number;
  readonly N: number;
  /** Σ(ℓ)(x, x') = E[α̃(ℓ)(x) α̃(ℓ)(x')]. */
  readonly sigma: Float64Array;
  /** Σ̇(ℓ) = E_11 over Σ(ℓ−1); null at ℓ = 1, where the recursion does not define it. */
  readonly sigmaDot: Float64Array | null;
  /** Σ̈(ℓ) = E_22 over Σ(ℓ−1); null at ℓ = 1. */
  readonly sigmaDDot: Float64Array | null;
  /** Θ(ℓ): the neural tangent kernel. */
  readonly theta: Float64Array;
  /** Φ(ℓ)(x, x') = E[g(x) f(x')]. */
  readonly phi: Float64Array;
  /** Ξ(ℓ)(x, x') = E[g(x) g(x')]. */
  readonly xi: Float64Array;
  /** Λ(ℓ)(x, x') = ∇_θ g(x) · ∇_θ f(x'). */
  readonly lambdaKernel: Float64Array;
  /** Υ(ℓ)(x, x') = Tr(Hess f(x) Hess f(x')). */
  readonly upsilon: Float64Array;
}

/**
 * Layer 1: Σ(1)(x, x') = xᵀx'/n0 + β², Θ(1) = Σ(1), Φ(1) = Ξ(1) = Λ(1) = Υ(1) = 0.
 * X is N × n0 row-major.
 */
export function firstLayer(X: Float64Array, n0: number, beta: number): LayerKernels {
  if (!Number.isInteger(n0) || n0 < 1 || X.length % n0 !== 0 || X.length === 0) {
    throw new RangeError(`inputs must be N × n0 with n0 = ${n0}, got ${X.length} numbers`);
  }
  const N = X.length / n0;
  const sigma = new Float64Array(N * N);
  const beta2 = beta * beta;
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      let s = 0;
      for (let d = 0; d < n0; d++) s += X[i * n0 + d] * X[j * n0 + d];
      sigma[i * N + j] = sigma[j * N + i] = s / n0 + beta2;
    }
  }
  const zero = () => new Float64Array(N * N);
  return { layer: 1, N, sigma, sigmaDot: null, sigmaDDot: null, theta: sigma.slice(), phi: zero(), xi: zero(), lambdaKernel: zero(), upsilon: zero() };
}

/** Σ(ℓ+1) = E_00 + β². */
export function sigmaStep(m: MomentMatrices, beta: number): Float64Array {
  const beta2 = beta * beta;
  return m.e00.map((e) => e + beta2);
}

/** Θ(ℓ+1) = Θ(ℓ) Σ̇(ℓ+1) + Σ(ℓ+1) (entrywise). */
export function thetaStep(theta: Float64Array, sigmaDot: Float64Array, sigmaNext: Float64Array): Float64Array {
  return theta.map((t, k) => t * sigmaDot[k] + sigmaNext[k]);
}

/** Υ(ℓ+1) = Υ(ℓ) Σ̇(ℓ+1) + Θ(ℓ)² Σ̈(ℓ+1) + 2 Θ(ℓ) Σ̇(ℓ+1) (Lemma 4). */
export function upsilonStep(upsilon: Float64Array, theta: Float64Array, sigmaDot: Float64Array, sigmaDDot: Float64Array): Float64Array {
  return upsilon.map((u, k) => u * sigmaDot[k] + theta[k] * theta[k] * sigmaDDot[k] + 2 * theta[k] * sigmaDot[k]);
}

/** Φ(ℓ+1)(x, x') = Φ(ℓ)(x, x') E_11 + (Φ(ℓ)(x, x) + Θ(ℓ)(x, x)) E_20. */
export function phiStep(phi: Float64Array, theta: Float64Array, m: MomentMatrices): Float64Array {
  const N = m.N;
  const out = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    const own = phi[i * N + i] + theta[i * N + i];
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      out[k] = phi[k] * m.e11[k] + own * m.e20[k];
    }
  }
  return out;
}

/**
 * Ξ(ℓ+1)(x, x') = Ξ(ℓ)(x, x') E_11
 *   + Φ(ℓ)(x, x) Φ(ℓ)(x', x) E_31 + Φ(ℓ)(x, x') Φ(ℓ)(x', x') E_13
 *   + (Φ(ℓ)(x, x) Φ(ℓ)(x', x') + Φ(ℓ)(x, x') Φ(ℓ)(x', x)) E_22
 *   + Θ(ℓ)(x', x') (Φ(ℓ)(x, x) E_22 + Φ(ℓ)(x, x') E_13)
 *   + Θ(ℓ)(x, x) (Φ(ℓ)(x', x) E_31 + Φ(ℓ)(x', x') E_22)
 *   + Θ(ℓ)(x, x) Θ(ℓ)(x', x') E_22,
 * E_ab over (u, v) = (α̃(x), α̃(x')); E_13(x, x') = E_31(x', x).
 */
export function xiStep(xi: Float64Array, phi: Float64Array, theta: Float64Array, m: MomentMatrices): Float64Array {
  const N = m.N;
  const out = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    const phiXX = phi[i * N + i];
    const thetaXX = theta[i * N + i];
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      const kt = j * N + i;
      const phiYY = phi[j * N + j];
      const thetaYY = theta[j * N + j];
      const phiXY = phi[k];
      const phiYX = phi[kt];
      const e22 = m.e22[k];
      const e31 = m.e31[k];
      const e13 = m.e31[kt];
      out[k] =
        xi[k] * m.e11[k] +
        phiXX * phiYX * e31 +
        phiXY * phiYY * e13 +
        (phiXX * phiYY + phiXY * phiYX) * e22 +
        thetaYY * (phiXX * e22 + phiXY * e13) +
        thetaXX * (phiYX * e31 + phiYY * e22) +
        thetaXX * thetaYY * e22;
    }
  }
  return out;
}

/**
 * Λ(ℓ+1)(x, x') = Λ(ℓ)(x, x') E_11
 *   + Θ(ℓ)(x, x') (Φ(ℓ)(x, x) E_31 + Φ(ℓ)(x, x') E_22)
 *   + Θ(ℓ)(x, x) Θ(ℓ)(x, x') E_31
 *   + Φ(ℓ+1)(x, x').
 */
export function lambdaStep(
  lambdaKernel: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  phiNext: Float64Array,
  m: MomentMatrices,
): Float64Array {
  const N = m.N;
  const out = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    const phiXX = phi[i * N + i];
    const thetaXX = theta[i * N + i];
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      out[k] =
        lambdaKernel[k] * m.e11[k] + theta[k] * (phiXX * m.e31[k] + phi[k] * m.e22[k]) + thetaXX * theta[k] * m.e31[k] + phiNext[k];
    }
  }
  return out;
}

/** Layer ℓ + 1 from layer ℓ and the moments E_ab over Σ(ℓ): the composition of the steps above. */
export function nextLayer(prev: LayerKernels, m: MomentMatrices, beta: number): LayerKernels {
  if (m.N !== prev.N) throw new RangeError(`moments are for ${m.N} points, kernels for ${prev.N}`);
  const sigma = sigmaStep(m, beta);
  const sigmaDot = m.e11;
  const sigmaDDot = m.e22;
  const phi = phiStep(prev.phi, prev.theta, m);
  return {
    layer: prev.layer + 1,
    N: prev.N,
    sigma,
    sigmaDot,
    sigmaDDot,
    theta: thetaStep(prev.theta, sigmaDot, sigma),
    phi,
    xi: xiStep(prev.xi, prev.phi, prev.theta, m),
    lambdaKernel: lambdaStep(prev.lambdaKernel, prev.phi, prev.theta, phi, m),
    upsilon: upsilonStep(prev.upsilon, prev.theta, sigmaDot, sigmaDDot),
  };
}
