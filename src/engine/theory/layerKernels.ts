/**
 * The infinite-width NTK split by weight layer (THEORY.md §5, "Per-layer kernels"). Unrolling the
 * recursion Θ(ℓ+1) = Θ(ℓ) ⊙ Σ̇(ℓ+1) + Σ(ℓ+1) from Θ(1) = Σ(1) gives
 *
 *     Θ(L) = Σ_{ℓ=0}^{L−1} Θ_ℓ,    Θ_ℓ = Σ(ℓ+1) ⊙ Σ̇(ℓ+2) ⊙ … ⊙ Σ̇(L)     (entrywise),
 *
 * and Θ_ℓ is the limit of the contribution of weight layer ℓ (its W(ℓ) and b(ℓ), which make α̃(ℓ+1)):
 * the parameters of layer ℓ enter α̃(ℓ+1) = c α(ℓ)W + d b, whose parameter gradients have the inner
 * product c² α(ℓ)(x)·α(ℓ)(x') + d² → Σ(ℓ+1)(x, x') (the term E σσ + β², Lemma 1), and each layer above
 * multiplies the backpropagated signal's inner product by Σ̇ (the same induction as Θ's). The finite
 * network's Θ̂_ℓ = J_ℓ J_ℓᵀ (network/ntkGram.ts, layer by layer) converges to it as the widths grow.
 */
import type { InfiniteWidthKernels } from './kernels';
import { denseEigen } from '../linalg/denseEigen';

/** Θ_ℓ for ℓ = 0 … L−1, N × N row-major; the kernels must have been computed with `keepLayers`. */
export function layerKernels(kernels: InfiniteWidthKernels): Float64Array[] {
  const layers = kernels.layers;
  if (!layers || layers.length !== kernels.depth) throw new Error('layerKernels: compute the kernels with keepLayers: true');
  const L = kernels.depth;
  return Array.from({ length: L }, (_, l) => {
    const theta = Float64Array.from(layers[l].sigma);
    for (let j = l + 1; j < L; j++) {
      const sd = layers[j].sigmaDot;
      if (!sd) throw new Error(`layerKernels: Σ̇ of layer ${j + 1} is missing`);
      for (let k = 0; k < theta.length; k++) theta[k] *= sd[k];
    }
    return theta;
  });
}

/**
 * The infinite-width Tr(I_ℓℓ^k), k = 1 … kmax, per weight layer, for a loss whose H_C = c·Id (MSE:
 * c = 1/N): the nonzero spectrum of I_ℓℓ is that of c·Θ̂_ℓ ⊗ Id_nL, and Θ̂_ℓ → Θ_ℓ, fixed in time under
 * gradient descent at infinite width. `gramScale` rescales Θ (the mean-field network's NTK is Θ/w).
 */
export function layerTraces(kernels: InfiniteWidthKernels, c: number, nL: number, kmax: number, gramScale = 1): number[][] {
  return layerKernels(kernels).map((theta) => {
    const values = denseEigen(theta, kernels.N, 'descending').values;
    return Array.from({ length: kmax }, (_, k) => {
      let s = 0;
      for (let i = 0; i < values.length; i++) s += (c * gramScale * values[i]) ** (k + 1);
      return nL * s;
    });
  });
}
