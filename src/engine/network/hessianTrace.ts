import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '../backend/gemm';
import { scoped } from './scope';
import type { TfNetwork } from './tfNetwork';

/**
 * G_ik = Tr Hess_θ f_k(x_i), exactly, by the MLP recursion of THEORY.md §4. With T(ℓ)_m(x) the trace of
 * the Hessian of the pre-activation α̃(ℓ)_m(x) and Q(ℓ)_m(x) = ‖∇_θ α̃(ℓ)_m(x)‖²:
 *
 *     T(1) = 0,   T(ℓ+1) = c_ℓ (σ'(α̃(ℓ)) ⊙ T(ℓ) + σ''(α̃(ℓ)) ⊙ Q(ℓ)) W(ℓ)ᵀ,   G = T(L).
 *
 * (The parameters of layer ℓ enter α̃(ℓ+1) linearly, so they add nothing to its Hessian trace.) Q(ℓ)
 * sums, over the layers r below, the squared norm of that layer's own parameter gradient
 * β_r(x) = c_r² ‖α(r)(x)‖² + d_r², times the squared row norms of the Jacobian ∂α̃(ℓ)/∂α̃(r+1):
 *   r = ℓ−1: the Jacobian is the identity;
 *   r = ℓ−2: c² W diag σ' — its squared row norms are one matrix product with W∘W, for all x at once;
 *   r ≤ ℓ−3: a product of per-sample matrices, computed sample by sample (O(N n³) per extra layer:
 *            free for depth ≤ 3, the dominant cost of a depth-4 measurement).
 */
export function hessianTraces(net: TfNetwork): Float64Array {
  return hessianTracesWithSize(net, false).G;
}

/**
 * G (or, with `onlyLayer` r, G_r: the trace over the parameters of weight layer r only, Σ_r G_r = G) and, for its rounding, |G|'s a-priori size: the same recursion on absolute values,
 *     |T|(ℓ+1) = c_ℓ (|σ'| ⊙ |T|(ℓ) + |σ''| ⊙ Q(ℓ)) |W(ℓ)|ᵀ
 * (Q is a sum of squares already). G_ik is a signed sum with much cancellation (relative errors of
 * 1e-5 in float32 where the terms are 1e-7 accurate); its error is bounded by ε times this size, not by
 * ε|G_ik| (Higham, Accuracy and Stability of Numerical Algorithms, §3.5: |fl(AB) − AB| ≤ γ_n|A||B|).
 */
export function hessianTracesWithSize(net: TfNetwork, withSize = true, onlyLayer?: number): { G: Float64Array; size?: Float64Array } {
  const L = net.layout.depth;
  const N = net.N;
  const pass = net.forward();
  const layers = net.parameters;
  const lay = net.layout.layers;

  // β_r(x) = c_r² ‖α(r)(x)‖² + d_r², as N × 1 tensors, r = 0 … L−2.
  const beta: tf.Tensor2D[] = [];
  for (let r = 0; r < L - 1; r++) {
    beta.push(tf.tidy(() => tf.add(tf.mul(tf.sum(tf.square(pass.a[r]), 1, true), lay[r].c ** 2), lay[r].d ** 2)) as tf.Tensor2D);
  }
  const deep = deepJacobianTerms(net, beta, onlyLayer);
  // With `onlyLayer` r: only the parameters of weight layer r, so Q keeps only its term β_r·‖row‖².
  const counts = (r: number): boolean => onlyLayer === undefined || onlyLayer === r;
  const size = withSize ? new Float64Array(N * net.layout.outputDim) : undefined;
  const G = scoped(() => {
    let T: tf.Tensor2D | undefined; // T(1) = 0
    let Tabs: tf.Tensor2D | undefined;
    for (let l = 1; l < L; l++) {
      // Q(l) for the pre-activations of layer l.
      let Q: tf.Tensor | undefined = counts(l - 1) ? beta[l - 1] : undefined;
      if (l >= 2 && counts(l - 2)) {
        const rows = tf.mul(tf.matMul(tf.square(pass.s1[l - 1]), tf.square(layers[l - 1].Wt)), lay[l - 1].c ** 2);
        const term = tf.mul(beta[l - 2], rows);
        Q = Q ? tf.add(Q, term) : term;
      }
      const extra = deep[l];
      if (extra) Q = Q ? tf.add(Q, tf.tensor2d(extra, [N, lay[l].nIn])) : tf.tensor2d(extra, [N, lay[l].nIn]);
      if (!Q && !T) continue; // nothing of these parameters has reached this layer yet
      Q ??= tf.zeros([N, lay[l].nIn]);
      let inner = tf.mul(pass.s2[l], Q);
      if (T) inner = tf.add(inner, tf.mul(pass.s1[l], T));
      T = gemm({ a: inner as tf.Tensor2D, b: layers[l].Wt, alpha: lay[l].c });
      if (size) {
        let innerAbs = tf.mul(tf.abs(pass.s2[l]), Q);
        if (Tabs) innerAbs = tf.add(innerAbs, tf.mul(tf.abs(pass.s1[l]), Tabs));
        Tabs = gemm({ a: innerAbs as tf.Tensor2D, b: tf.abs(layers[l].Wt) as tf.Tensor2D, alpha: Math.abs(lay[l].c) });
      }
    }
    if (size && Tabs) size.set(Tabs.dataSync());
    return T ? Float64Array.from(T.dataSync()) : new Float64Array(N * net.layout.outputDim);
  });
  tf.dispose(beta);
  return { G, size };
}

/**
 * Σ_{r ≤ ℓ−3} β_r(x) ‖row_m ∂α̃(ℓ)/∂α̃(r+1)(x)‖² for every hidden layer ℓ, as N × n_ℓ float32 arrays
 * (undefined where there is no such r, i.e. for depth ≤ 3).
 */
function deepJacobianTerms(net: TfNetwork, beta: tf.Tensor2D[], onlyLayer?: number): (Float32Array | undefined)[] {
  const L = net.layout.depth;
  const N = net.N;
  const out: (Float32Array | undefined)[] = new Array(L).fill(undefined);
  if (L < 4) return out;
  const pass = net.forward();
  const lay = net.layout.layers;
  for (let l = 3; l < L; l++) out[l] = new Float32Array(N * lay[l].nIn);
  const betas = beta.map((b) => b.dataSync());
  for (let i = 0; i < N; i++) {
    tf.tidy(() => {
      // σ'(α̃(ℓ)(x_i)) as a 1 × n_ℓ row, ℓ = 1 … L−1.
      const s1: tf.Tensor2D[] = [];
      for (let l = 1; l < L; l++) s1[l] = tf.slice(pass.s1[l], [i, 0], [1, -1]);
      for (let r = 0; r + 3 < L; r++) {
        if (onlyLayer !== undefined && r !== onlyLayer) continue;
        // B = ∂α̃(r+2)/∂α̃(r+1) = c W(r+1) diag σ'(α̃(r+1))
        let B = tf.mul(tf.mul(net.weight(r + 1), s1[r + 1]), lay[r + 1].c);
        for (let l = r + 2; l + 1 < L; l++) {
          // ∂α̃(l+1)/∂α̃(r+1) = c_l W(l) diag σ'(α̃(l)) · ∂α̃(l)/∂α̃(r+1)
          B = tf.matMul(tf.mul(tf.mul(net.weight(l), s1[l]), lay[l].c), B);
          const rowNorms = tf.sum(tf.square(B), 1).dataSync();
          const target = out[l + 1] as Float32Array;
          const n = rowNorms.length;
          const w = betas[r][i];
          for (let m = 0; m < n; m++) target[i * n + m] += w * rowNorms[m];
        }
      }
    });
  }
  return out;
}
