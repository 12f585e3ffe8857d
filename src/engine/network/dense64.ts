import { layout, type Layout, type NetworkSpec } from './spec';
import { applyLossHessian, applySampleHessian, type LossEvaluation } from '../loss/loss';

/**
 * The same network in plain float64 typed arrays, one sample at a time: the reference every fast path
 * is tested against, and the engine of the exact (dense P×P) path on small networks.
 *
 * Per sample x it runs the forward pass, the backward pass of a seed e = ∂C/∂Y_i, and Pearlmutter's
 * R-operator (forward-mode of both), so that for a direction v
 *
 *     Rbackward(v, ė) = Σ_k e_k Hess f_k(x) v + J(x)ᵀ ė,
 *
 * which is S v (ė = 0), H v (ė = H_C J v) or the column of any Hess f_k (e = unit vector, ė = 0).
 */
interface SampleCache {
  /** a[ℓ], ℓ = 0 … L−1: inputs to layer ℓ (a[0] = x). */
  readonly a: Float64Array[];
  /** z[ℓ], ℓ = 1 … L (index ℓ); z[L] = f(x). */
  readonly z: Float64Array[];
  readonly s1: Float64Array[];
  readonly s2: Float64Array[];
}

export class Dense64Network {
  readonly layout: Layout;
  readonly N: number;
  private readonly caches: SampleCache[];

  constructor(
    readonly spec: NetworkSpec,
    readonly params: Float64Array,
    /** Inputs, N × n0 row-major. */
    readonly inputs: Float64Array,
  ) {
    this.layout = layout(spec);
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    if (inputs.length % this.layout.inputDim !== 0) throw new RangeError('inputs length is not a multiple of the input width');
    this.N = inputs.length / this.layout.inputDim;
    this.caches = [];
    for (let i = 0; i < this.N; i++) this.caches.push(this.forwardSample(i));
  }

  get P(): number {
    return this.layout.size;
  }

  get outputDim(): number {
    return this.layout.outputDim;
  }

  /** Y = f(X), N × nL. */
  outputs(): Float64Array {
    const nL = this.layout.outputDim;
    const Y = new Float64Array(this.N * nL);
    for (let i = 0; i < this.N; i++) Y.set(this.caches[i].z[this.layout.depth], i * nL);
    return Y;
  }

  /** Jᵀ E for E of shape N × nL (the gradient of C when E = ∇C). */
  vjp(E: Float64Array): Float64Array {
    const out = new Float64Array(this.P);
    for (let i = 0; i < this.N; i++) this.backwardSample(i, this.seed(E, i), out);
    return out;
  }

  /** J v, N × nL. */
  jvp(v: Float64Array): Float64Array {
    const nL = this.layout.outputDim;
    const out = new Float64Array(this.N * nL);
    for (let i = 0; i < this.N; i++) out.set(this.rForward(i, v).zDot[this.layout.depth], i * nL);
    return out;
  }

  /**
   * Σ_i [Σ_k E_ik Hess f_k(x_i) v + J_iᵀ ė_i] where ė_i = edot(i, J_i v) (length nL) or 0.
   */
  secondOrder(v: Float64Array, E: Float64Array, edot?: (i: number, jv: Float64Array) => Float64Array): Float64Array {
    const out = new Float64Array(this.P);
    for (let i = 0; i < this.N; i++) {
      const e = this.seed(E, i);
      const { deltas, das } = this.backwardSample(i, e);
      const r = this.rForward(i, v);
      const ed = edot ? edot(i, r.zDot[this.layout.depth]) : new Float64Array(this.layout.outputDim);
      this.rBackward(i, v, deltas, das, r.aDot, r.zDot, ed, out);
    }
    return out;
  }

  /** H v for the loss evaluated at this network's outputs. */
  hvp(v: Float64Array, loss: LossEvaluation): Float64Array {
    return this.secondOrder(v, loss.gradient, (i, jv) => applySampleHessian(loss, i, jv));
  }

  /** S v = Σ_ik ∂_ik C · Hess f_k(x_i) v. */
  svp(v: Float64Array, loss: LossEvaluation): Float64Array {
    return this.secondOrder(v, loss.gradient);
  }

  /** I v = Jᵀ H_C J v. */
  ivp(v: Float64Array, loss: LossEvaluation): Float64Array {
    return this.vjp(applyLossHessian(loss, this.jvp(v)));
  }

  /** The Jacobian J, (N nL) × P row-major; row i·nL + k is ∇_θ f_k(x_i). */
  jacobian(): Float64Array {
    const nL = this.layout.outputDim;
    const J = new Float64Array(this.N * nL * this.P);
    for (let i = 0; i < this.N; i++) {
      for (let k = 0; k < nL; k++) {
        const e = new Float64Array(nL);
        e[k] = 1;
        this.backwardSample(i, e, J.subarray((i * nL + k) * this.P, (i * nL + k + 1) * this.P));
      }
    }
    return J;
  }

  /** Hess_θ f_k(x_i), P × P: column p is the R-operator of the single output on e_p. */
  outputHessian(i: number, k: number): Float64Array {
    const nL = this.layout.outputDim;
    const e = new Float64Array(nL);
    e[k] = 1;
    const { deltas, das } = this.backwardSample(i, e);
    const P = this.P;
    const Hf = new Float64Array(P * P);
    const v = new Float64Array(P);
    const zero = new Float64Array(nL);
    const col = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      v.fill(0);
      v[p] = 1;
      col.fill(0);
      const r = this.rForward(i, v);
      this.rBackward(i, v, deltas, das, r.aDot, r.zDot, zero, col);
      for (let q = 0; q < P; q++) Hf[q * P + p] = col[q];
    }
    return Hf;
  }

  /** A dense P × P matrix from its columns A e_p (symmetrized: (A + Aᵀ)/2 removes rounding asymmetry). */
  denseFromProducts(apply: (v: Float64Array) => Float64Array): Float64Array {
    const P = this.P;
    const M = new Float64Array(P * P);
    const v = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      v.fill(0);
      v[p] = 1;
      const col = apply(v);
      for (let q = 0; q < P; q++) M[q * P + p] = col[q];
    }
    for (let p = 0; p < P; p++) {
      for (let q = p + 1; q < P; q++) {
        const s = 0.5 * (M[p * P + q] + M[q * P + p]);
        M[p * P + q] = s;
        M[q * P + p] = s;
      }
    }
    return M;
  }

  private seed(E: Float64Array, i: number): Float64Array {
    const nL = this.layout.outputDim;
    if (E.length !== this.N * nL) throw new RangeError(`seed must be ${this.N}×${nL}, got length ${E.length}`);
    return E.subarray(i * nL, (i + 1) * nL);
  }

  private forwardSample(i: number): SampleCache {
    const { layers, depth, inputDim } = this.layout;
    const sigma = this.spec.activation.scalar;
    const p = this.params;
    const a: Float64Array[] = [this.inputs.slice(i * inputDim, (i + 1) * inputDim)];
    const z: Float64Array[] = [new Float64Array(0)];
    const s1: Float64Array[] = [new Float64Array(0)];
    const s2: Float64Array[] = [new Float64Array(0)];
    for (let l = 0; l < depth; l++) {
      const { nIn, nOut, weightOffset, biasOffset, c, d } = layers[l];
      const zl = new Float64Array(nOut);
      const al = a[l];
      for (let k = 0; k < nOut; k++) zl[k] = d * p[biasOffset + k];
      for (let m = 0; m < nIn; m++) {
        const am = c * al[m];
        const row = weightOffset + m * nOut;
        for (let k = 0; k < nOut; k++) zl[k] += am * p[row + k];
      }
      z.push(zl);
      if (l < depth - 1) {
        a.push(zl.map(sigma[0]));
        s1.push(zl.map(sigma[1]));
        s2.push(zl.map(sigma[2]));
      }
    }
    return { a, z, s1, s2 };
  }

  /**
   * Backpropagate seed e (∂/∂f) of sample i, adding Jᵀe into `out` if given. Returns δ(ℓ) = ∂/∂z(ℓ)
   * for ℓ = 1 … L and the pre-σ' signals da(ℓ) = ∂/∂a(ℓ) for ℓ = 1 … L−1.
   */
  private backwardSample(i: number, e: Float64Array, out?: Float64Array): { deltas: Float64Array[]; das: Float64Array[] } {
    const { layers, depth } = this.layout;
    const { a, s1 } = this.caches[i];
    const p = this.params;
    const deltas: Float64Array[] = new Array(depth + 1);
    const das: Float64Array[] = new Array(depth);
    deltas[depth] = Float64Array.from(e);
    for (let l = depth - 1; l >= 0; l--) {
      const { nIn, nOut, weightOffset, biasOffset, c, d } = layers[l];
      const delta = deltas[l + 1];
      if (out) {
        for (let m = 0; m < nIn; m++) {
          const am = c * a[l][m];
          const row = weightOffset + m * nOut;
          for (let k = 0; k < nOut; k++) out[row + k] += am * delta[k];
        }
        for (let k = 0; k < nOut; k++) out[biasOffset + k] += d * delta[k];
      }
      if (l >= 1) {
        const da = new Float64Array(nIn);
        for (let m = 0; m < nIn; m++) {
          const row = weightOffset + m * nOut;
          let s = 0;
          for (let k = 0; k < nOut; k++) s += p[row + k] * delta[k];
          da[m] = c * s;
        }
        das[l] = da;
        deltas[l] = da.map((x, m) => x * s1[l][m]);
      }
    }
    return { deltas, das };
  }

  /** Forward-mode in direction v: ȧ(ℓ) and ż(ℓ). */
  private rForward(i: number, v: Float64Array): { aDot: Float64Array[]; zDot: Float64Array[] } {
    const { layers, depth } = this.layout;
    const { a, s1 } = this.caches[i];
    const p = this.params;
    const aDot: Float64Array[] = [new Float64Array(a[0].length)];
    const zDot: Float64Array[] = [new Float64Array(0)];
    for (let l = 0; l < depth; l++) {
      const { nIn, nOut, weightOffset, biasOffset, c, d } = layers[l];
      const zd = new Float64Array(nOut);
      for (let k = 0; k < nOut; k++) zd[k] = d * v[biasOffset + k];
      for (let m = 0; m < nIn; m++) {
        const row = weightOffset + m * nOut;
        const am = c * a[l][m];
        const adm = c * aDot[l][m];
        for (let k = 0; k < nOut; k++) zd[k] += adm * p[row + k] + am * v[row + k];
      }
      zDot.push(zd);
      if (l < depth - 1) aDot.push(zd.map((x, k) => x * s1[l + 1][k]));
    }
    return { aDot, zDot };
  }

  /** Reverse-mode of the R-forward pass, seeded by ė at the output, adding into `out`. */
  private rBackward(
    i: number,
    v: Float64Array,
    deltas: Float64Array[],
    das: Float64Array[],
    aDot: Float64Array[],
    zDot: Float64Array[],
    edot: Float64Array,
    out: Float64Array,
  ): void {
    const { layers, depth } = this.layout;
    const { a, s1, s2 } = this.caches[i];
    const p = this.params;
    let deltaDot = Float64Array.from(edot);
    for (let l = depth - 1; l >= 0; l--) {
      const { nIn, nOut, weightOffset, biasOffset, c, d } = layers[l];
      const delta = deltas[l + 1];
      for (let m = 0; m < nIn; m++) {
        const row = weightOffset + m * nOut;
        const am = c * a[l][m];
        const adm = c * aDot[l][m];
        for (let k = 0; k < nOut; k++) out[row + k] += adm * delta[k] + am * deltaDot[k];
      }
      for (let k = 0; k < nOut; k++) out[biasOffset + k] += d * deltaDot[k];
      if (l >= 1) {
        const next = new Float64Array(nIn);
        for (let m = 0; m < nIn; m++) {
          const row = weightOffset + m * nOut;
          let s = 0;
          for (let k = 0; k < nOut; k++) s += p[row + k] * deltaDot[k] + v[row + k] * delta[k];
          next[m] = c * s * s1[l][m] + das[l][m] * s2[l][m] * zDot[l][m];
        }
        deltaDot = next;
      }
    }
  }
}

