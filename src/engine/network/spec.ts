import type { Activation } from '../../catalogue/activation';
import type { NetworkConfig } from '../config';
import { Rng } from '../rng';

/**
 * A fully connected network in the NTK parametrization (THEORY.md §1):
 *
 *     α(0) = x,   α̃(ℓ+1) = c_ℓ W(ℓ) α(ℓ) + d_ℓ b(ℓ),   α(ℓ+1) = σ(α̃(ℓ+1)),   f = α̃(L)
 *
 * with c_ℓ = 1/sqrt(n_ℓ) and d_ℓ = β. Under the mean-field parametrization (§3.3 of the paper) the
 * output is further divided by sqrt(w), w the last hidden width, so the last layer has
 * c = 1/sqrt(n_{L−1} w) and d = β/sqrt(w). Writing the scalings as per-layer coefficients lets every
 * pass (forward, backward, forward-mode, NTK, Hessian trace) treat both parametrizations alike.
 *
 * Parameter vector layout (shared by the TensorFlow.js network, the float64 reference and every
 * P-vector an operator sees): for ℓ = 0 … L−1, the weights of layer ℓ input-major — entry (m, k) at
 * offset m·n_{ℓ+1} + k holds W(ℓ)_{k m} — then its n_{ℓ+1} biases. Input-major is the layout in which
 * the forward pass `A · Wᵀ` and the weight gradient `Aᵀ · δ` need no transpose flags, which the wasm
 * backend runs an order of magnitude slower (DESIGN.md "Performance facts").
 */
export interface NetworkSpec {
  /** Widths n_0 … n_L (input, hidden…, output). */
  readonly widths: readonly number[];
  readonly activation: Activation;
  readonly beta: number;
  readonly parametrization: 'ntk' | 'mean_field';
}

export interface LayerLayout {
  readonly nIn: number;
  readonly nOut: number;
  /** Offset of the weights (input-major nIn × nOut) in the parameter vector. */
  readonly weightOffset: number;
  /** Offset of the nOut biases. */
  readonly biasOffset: number;
  /** Weight coefficient c_ℓ. */
  readonly c: number;
  /** Bias coefficient d_ℓ. */
  readonly d: number;
}

export interface Layout {
  readonly layers: readonly LayerLayout[];
  /** Number of parameters P. */
  readonly size: number;
  readonly depth: number;
  readonly inputDim: number;
  readonly outputDim: number;
}

export function networkSpec(config: NetworkConfig, inputDim: number, outputDim: number): NetworkSpec {
  if (config.widths.length !== config.depth - 1) {
    throw new RangeError(`depth ${config.depth} needs ${config.depth - 1} hidden widths, got ${config.widths.length}`);
  }
  return {
    widths: [inputDim, ...config.widths, outputDim],
    activation: config.activation,
    beta: config.beta,
    parametrization: config.parametrization,
  };
}

/** The width w of the mean-field scaling: the last hidden width (or the input width for depth 1). */
export function meanFieldWidth(spec: NetworkSpec): number {
  return spec.widths[spec.widths.length - 2];
}

export function layout(spec: NetworkSpec): Layout {
  const n = spec.widths;
  const L = n.length - 1;
  if (L < 1) throw new RangeError('a network needs at least one weight layer');
  for (const w of n) {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`widths must be positive integers, got ${n.join('-')}`);
  }
  const mf = spec.parametrization === 'mean_field' ? 1 / Math.sqrt(meanFieldWidth(spec)) : 1;
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l < L; l++) {
    const outScale = l === L - 1 ? mf : 1;
    const weightOffset = offset;
    offset += n[l] * n[l + 1];
    const biasOffset = offset;
    offset += n[l + 1];
    layers.push({ nIn: n[l], nOut: n[l + 1], weightOffset, biasOffset, c: outScale / Math.sqrt(n[l]), d: outScale * spec.beta });
  }
  return { layers, size: offset, depth: L, inputDim: n[0], outputDim: n[L] };
}

/** iid N(0, 1) parameters (both parametrizations), from the seed's `init` stream. */
export function initialParameters(spec: NetworkSpec, rng: Rng): Float64Array {
  return rng.fillNormal(new Float64Array(layout(spec).size));
}

