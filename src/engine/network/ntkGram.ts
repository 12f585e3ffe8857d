import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '../backend/gemm';
import type { TfNetwork } from './tfNetwork';

/**
 * The empirical NTK Gram Θ̂ = J Jᵀ on the training set, (N nL) × (N nL) in float64, row index
 * i·nL + k (sample-major, like Y). Layer by layer (THEORY.md §4):
 *
 *     Θ̂_{ik, jk'} = Σ_ℓ (c_ℓ² α(ℓ)(x_i)·α(ℓ)(x_j) + d_ℓ²) · (δ_k(ℓ+1)(x_i) · δ_k'(ℓ+1)(x_j)),
 *
 * δ_k(ℓ+1) = ∂f_k/∂α̃(ℓ+1) from one backward pass per output. Never forms J (N nL × P): each layer
 * costs two small Gram products. The float32 products are downloaded and combined in float64.
 */
export function ntkGram(net: TfNetwork): Float64Array {
  return gram(net, false)[0];
}

/**
 * Θ̂_ℓ = J_ℓ J_ℓᵀ for each weight layer ℓ (its W and b): the terms of the sum above, in the same
 * products (Σ_ℓ Θ̂_ℓ = Θ̂ up to the order of float64 additions). The nonzero spectrum of
 * H_C^{1/2} Θ̂_ℓ H_C^{1/2} is that of the diagonal block I_ℓℓ = J_ℓᵀ H_C J_ℓ.
 */
export function ntkGramLayers(net: TfNetwork): Float64Array[] {
  return gram(net, true);
}

function gram(net: TfNetwork, perLayer: boolean): Float64Array[] {
  const N = net.N;
  const nL = net.layout.outputDim;
  const L = net.layout.depth;
  const pass = net.forward();
  // δ for every output k, stacked: deltasByLayer[ℓ] is (nL·N) × n_ℓ with row k·N + i.
  const perOutput: tf.Tensor2D[][] = [];
  for (let k = 0; k < nL; k++) {
    const unit = new Float32Array(N * nL);
    for (let i = 0; i < N; i++) unit[i * nL + k] = 1;
    const seed = tf.tensor2d(unit, [N, nL]);
    const { deltas, das } = net.backward(seed, false);
    tf.dispose([seed, ...das.filter(Boolean)]);
    perOutput.push(deltas);
  }
  const M = N * nL;
  const out: Float64Array[] = perLayer ? Array.from({ length: L }, () => new Float64Array(M * M)) : [new Float64Array(M * M)];
  try {
    for (let l = 0; l < L; l++) {
      const theta = out[perLayer ? l : 0];
      const { c, d } = net.layout.layers[l];
      const aT = net.activationT(l);
      const activations = tf.tidy(() => gemm({ a: pass.a[l], b: aT.tensor, transposeB: aT.transposed }));
      const A = activations.dataSync();
      activations.dispose();
      const signals = tf.tidy(() => {
        const stacked = nL === 1 ? perOutput[0][l + 1] : tf.concat(perOutput.map((ds) => ds[l + 1]), 0);
        return gemm({ a: stacked, b: stacked, transposeB: true });
      });
      const D = signals.dataSync();
      signals.dispose();
      const c2 = c * c;
      const d2 = d * d;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          const factor = c2 * A[i * N + j] + d2;
          for (let k = 0; k < nL; k++) {
            const row = (k * N + i) * M;
            for (let k2 = 0; k2 < nL; k2++) {
              theta[(i * nL + k) * M + j * nL + k2] += factor * D[row + k2 * N + j];
            }
          }
        }
      }
    }
  } finally {
    for (const deltas of perOutput) tf.dispose(deltas.filter(Boolean));
  }
  // Symmetrize away float32 asymmetry of the two Gram products.
  for (const theta of out) {
    for (let p = 0; p < M; p++) {
      for (let q = p + 1; q < M; q++) {
        const s = 0.5 * (theta[p * M + q] + theta[q * M + p]);
        theta[p * M + q] = s;
        theta[q * M + p] = s;
      }
    }
  }
  return out;
}
