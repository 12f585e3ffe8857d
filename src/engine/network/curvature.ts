import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '../backend/gemm';
import { scoped } from './scope';
import { applyLossHessian, type LossEvaluation } from '../loss/loss';
import type { LinearOperator, Vector } from '../linalg/operator';
import { requireFinite } from '../nonFinite';
import { flatten, type TfNetwork } from './tfNetwork';

/**
 * The curvature of the loss at the network's current parameters (THEORY.md §4), matrix-free:
 *
 *     H v = Jᵀ H_C J v + S v,    I v = Jᵀ H_C J v,    S v = Σ_ik ∂_ik C · Hess f_k(x_i) v,
 *
 * by Pearlmutter's R-operator on hand-written passes: one forward-mode pass gives J v together with
 * the tangents ȧ, ż of every layer; one reverse pass of those tangents, seeded with ė at the output,
 * gives Σ_k e_k Hess f_k v + Jᵀ ė. With ė = H_C J v that is H v; with ė = 0 it is S v directly (so S
 * costs what H costs, not H plus I); I v is J v followed by an ordinary backward pass.
 *
 * The base forward and backward passes (seeded with ∇C) are computed once per context and shared by
 * every product, so an H v costs about two gradients. A context belongs to one parameter value: it
 * refuses to work after the network has stepped.
 */
export class Curvature {
  readonly P: number;
  private readonly version: number;
  private readonly E: tf.Tensor2D;
  private readonly deltas: tf.Tensor2D[];
  private readonly das: tf.Tensor2D[];
  /** da[ℓ] ⊙ σ''(z[ℓ]): the same in every second-order product at these parameters. */
  private readonly daTimesS2: tf.Tensor2D[];
  private disposed = false;

  constructor(
    readonly net: TfNetwork,
    /** The loss evaluated at `net.outputs()`. */
    readonly loss: LossEvaluation,
  ) {
    this.P = net.P;
    this.version = net.version;
    this.E = net.outputTensor(loss.gradient);
    const { deltas, das } = net.backward(this.E, false);
    this.deltas = deltas;
    this.das = das;
    const pass = net.forward();
    this.daTimesS2 = das.map((da, l) => (da ? (tf.mul(da, pass.s2[l]) as tf.Tensor2D) : (undefined as unknown as tf.Tensor2D)));
  }

  /** J v, N × nL in float64. */
  jvp(v: Vector): Float64Array {
    this.check();
    return scoped(() => {
      const parts = this.net.splitVector(v);
      const { zDot } = this.rForward(parts);
      return requireFinite(Float64Array.from(zDot[zDot.length - 1].dataSync()), 'J·v (the outputs\' derivative along a direction)');
    });
  }

  /** Jᵀ u for u of shape N × nL. */
  vjp(u: Float64Array): Float32Array {
    this.check();
    return requireFinite(this.net.vjp(u), 'Jᵀu (a gradient of the outputs)');
  }

  // Every product is checked before an algorithm uses it: an overflow in σ′ or σ″ is named here,
  // not by an eigensolver downstream.
  hvp(v: Vector): Float32Array {
    return requireFinite(this.secondOrder(v, true), 'H·v (a Hessian-vector product)');
  }

  svp(v: Vector): Float32Array {
    return requireFinite(this.secondOrder(v, false), 'S·v (a Hessian-vector product of S)');
  }

  ivp(v: Vector): Float32Array {
    const jv = this.jvp(v);
    return requireFinite(this.net.vjp(applyLossHessian(this.loss, jv)), 'I·v (a Gauss–Newton product)');
  }

  /** H, I and S as linear operators on parameter space (float32 vectors). */
  operators(): { H: LinearOperator; I: LinearOperator; S: LinearOperator } {
    const make = (apply: (v: Vector) => Float32Array): LinearOperator => ({
      size: this.P,
      precision: 'float32',
      matmat: (X) => X.map(apply),
    });
    return { H: make((v) => this.hvp(v)), I: make((v) => this.ivp(v)), S: make((v) => this.svp(v)) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([this.E, ...this.deltas.filter(Boolean), ...this.das.filter(Boolean), ...this.daTimesS2.filter(Boolean)]);
  }

  private check(): void {
    if (this.disposed) throw new Error('curvature context used after dispose()');
    if (this.net.version !== this.version) throw new Error('curvature context is stale: the network has changed since it was built');
  }

  /** Forward-mode pass: ȧ[ℓ] (ℓ = 1 … L−1; ȧ[0] = 0) and ż[ℓ] = c (a Ẇt + ȧ Wt) + d ḃ (ℓ = 1 … L). Call inside a tidy. */
  private rForward(parts: { Wt: tf.Tensor2D; b: tf.Tensor1D }[]): { aDot: (tf.Tensor2D | undefined)[]; zDot: tf.Tensor2D[] } {
    const pass = this.net.forward();
    const layers = this.net.parameters;
    const L = this.net.layout.depth;
    const aDot: (tf.Tensor2D | undefined)[] = [undefined];
    const zDot: tf.Tensor2D[] = [undefined as unknown as tf.Tensor2D];
    for (let l = 0; l < L; l++) {
      const { c, d } = this.net.layout.layers[l];
      let z = gemm({ a: pass.a[l], b: parts[l].Wt, alpha: c });
      const ad = aDot[l];
      if (ad) z = gemm({ a: ad, b: layers[l].Wt, alpha: c, c: z, beta: 1 });
      const zd = tf.add(z, tf.mul(parts[l].b, d)) as tf.Tensor2D;
      zDot.push(zd);
      if (l < L - 1) aDot.push(tf.mul(zd, pass.s1[l + 1]) as tf.Tensor2D);
    }
    return { aDot, zDot };
  }

  /** Σ_ik ∇C_ik Hess f_k v (+ Jᵀ H_C J v when `withGaussNewton`). */
  private secondOrder(v: Vector, withGaussNewton: boolean): Float32Array {
    this.check();
    const grads = tf.tidy(() => {
      const pass = this.net.forward();
      const L = this.net.layout.depth;
      const parts = this.net.splitVector(v);
      const { aDot, zDot } = this.rForward(parts);
      let deltaDot: tf.Tensor2D | undefined;
      if (withGaussNewton) {
        const jv = Float64Array.from(zDot[L].dataSync());
        deltaDot = this.net.outputTensor(applyLossHessian(this.loss, jv));
      }
      const out: tf.Tensor[] = new Array(2 * L);
      for (let l = L - 1; l >= 0; l--) {
        const { c, d, nIn, nOut } = this.net.layout.layers[l];
        const delta = this.deltas[l + 1];
        const ad = aDot[l];
        // weight part: c (ȧᵀ δ + aᵀ δ̇)
        let gW: tf.Tensor2D | undefined = ad ? gemm({ a: ad, transposeA: true, b: delta, alpha: c }) : undefined;
        if (deltaDot) {
          const aT = this.net.activationT(l);
          gW = gemm({ a: aT.tensor, transposeA: aT.transposed, b: deltaDot, alpha: c, ...(gW ? { c: gW, beta: 1 } : {}) });
        }
        out[2 * l] = gW ?? tf.zeros([nIn, nOut]);
        out[2 * l + 1] = deltaDot ? tf.reshape(this.net.rowSum(deltaDot, d), [-1]) : tf.zeros([nOut]);
        if (l >= 1) {
          // δ̇(ℓ) = c (δ Ẇ + δ̇ W) ⊙ σ'(z) + da ⊙ σ''(z) ⊙ ż
          let back = gemm({ a: delta, b: parts[l].Wt, transposeB: true, alpha: c });
          if (deltaDot) {
            const W = this.net.weightT(l);
            back = gemm({ a: deltaDot, b: W.tensor, transposeB: W.transposed, alpha: c, c: back, beta: 1 });
          }
          deltaDot = tf.add(tf.mul(back, pass.s1[l]), tf.mul(this.daTimesS2[l], zDot[l])) as tf.Tensor2D;
        }
      }
      return out;
    });
    const flat = flatten(grads);
    tf.dispose(grads);
    return flat;
  }
}
