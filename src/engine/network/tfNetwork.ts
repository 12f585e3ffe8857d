import * as tf from '@tensorflow/tfjs-core';
import { scoped } from './scope';
import { layout, type Layout, type NetworkSpec } from './spec';

/**
 * The network on TensorFlow.js tensors (float32): forward, backward and forward-mode passes written by
 * hand rather than through `tf.grads`, because TensorFlow.js's own gradients of `matMul` use transpose
 * flags that run the wasm backend ~12× below its plain matmul rate (DESIGN.md "Performance facts").
 * Every product here is a plain `matMul(A, B)`: weights are kept in both layouts (W: nOut × nIn for
 * backpropagating signals, Wt: nIn × nOut for the forward pass) and activations are transposed
 * explicitly (N × n is small) for weight gradients.
 *
 * The network owns its parameter tensors; `dispose()` releases them. Passes at fixed parameters are
 * cached by `ForwardState` (see curvature.ts), which the network invalidates on every update.
 */
export interface LayerTensors {
  /** n_out × n_in. */
  readonly W: tf.Tensor2D;
  /** n_in × n_out: the parameter vector's own (input-major) layout. */
  readonly Wt: tf.Tensor2D;
  /** n_out. */
  readonly b: tf.Tensor1D;
}

/** A forward pass at fixed parameters, kept for backward and forward-mode passes. */
export interface ForwardPass {
  /** a[ℓ], ℓ = 0 … L−1: inputs of layer ℓ (a[0] = X), N × n_ℓ. */
  readonly a: tf.Tensor2D[];
  /** aT[ℓ] = a[ℓ]ᵀ. */
  readonly aT: tf.Tensor2D[];
  /** σ'(z[ℓ]) and σ''(z[ℓ]), ℓ = 1 … L−1 (index 0 unused). */
  readonly s1: tf.Tensor2D[];
  readonly s2: tf.Tensor2D[];
  /** f(X), N × nL. */
  readonly Y: tf.Tensor2D;
}

export class TfNetwork {
  readonly layout: Layout;
  readonly N: number;
  private layers: LayerTensors[];
  private readonly X: tf.Tensor2D;
  private pass: ForwardPass | undefined;
  /** Incremented on every parameter change, so caches built at older parameters can tell. */
  private revision = 0;

  constructor(
    readonly spec: NetworkSpec,
    params: ArrayLike<number>,
    /** Inputs, N × n0 row-major (kept in float64 for the exact path and exports). */
    readonly inputs: Float64Array,
  ) {
    this.layout = layout(spec);
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    this.N = inputs.length / this.layout.inputDim;
    if (!Number.isInteger(this.N)) throw new RangeError('inputs length is not a multiple of the input width');
    this.X = tf.tensor2d(Float32Array.from(inputs), [this.N, this.layout.inputDim]);
    this.layers = this.layersFrom(params);
  }

  get P(): number {
    return this.layout.size;
  }

  get version(): number {
    return this.revision;
  }

  get parameters(): readonly LayerTensors[] {
    return this.layers;
  }

  /** The parameters as one float32 vector in the shared layout. */
  parameterVector(): Float32Array {
    return flatten(this.layers.map((l) => [l.Wt, l.b]).flat());
  }

  setParameters(params: ArrayLike<number>): void {
    const next = this.layersFrom(params);
    this.disposeLayers();
    this.layers = next;
    this.invalidate();
  }

  /** The cached forward pass at the current parameters. */
  forward(): ForwardPass {
    if (!this.pass) this.pass = this.forwardAt(this.layers, true);
    return this.pass;
  }

  /** f(X) as float64, N × nL. */
  outputs(): Float64Array {
    return Float64Array.from(this.forward().Y.dataSync());
  }

  /** f(X) at other parameters (surface scans), without touching the cache. */
  outputsAt(params: ArrayLike<number>): Float64Array {
    const layers = this.layersFrom(params);
    try {
      return scoped(() => {
        const pass = this.forwardAt(layers, false);
        return Float64Array.from(pass.Y.dataSync());
      });
    } finally {
      for (const l of layers) tf.dispose([l.W, l.Wt, l.b]);
    }
  }

  /**
   * Backpropagate a seed E = ∂/∂f (N × nL). Returns the signals δ[ℓ] = ∂/∂z(ℓ) for ℓ = 1 … L and
   * da[ℓ] = ∂/∂a(ℓ) for ℓ = 1 … L−1 (the caller owns them), and, with `gradients`, Jᵀ E per layer.
   */
  backward(E: tf.Tensor2D, gradients: boolean): { deltas: tf.Tensor2D[]; das: tf.Tensor2D[]; grads: tf.Tensor[] } {
    const pass = this.forward();
    const L = this.layout.depth;
    const deltas: tf.Tensor2D[] = new Array(L + 1);
    const das: tf.Tensor2D[] = new Array(L);
    const grads: tf.Tensor[] = [];
    deltas[L] = tf.clone(E);
    for (let l = L - 1; l >= 0; l--) {
      const { c, d } = this.layout.layers[l];
      const delta = deltas[l + 1];
      if (gradients) {
        grads.unshift(
          tf.tidy(() => tf.mul(tf.matMul(pass.aT[l], delta), c)),
          tf.tidy(() => tf.mul(tf.sum(delta, 0), d)),
        );
      }
      if (l >= 1) {
        const da = tf.tidy(() => tf.mul(tf.matMul(delta, this.layers[l].W), c)) as tf.Tensor2D;
        das[l] = da;
        deltas[l] = tf.tidy(() => tf.mul(da, pass.s1[l])) as tf.Tensor2D;
      }
    }
    return { deltas, das, grads };
  }

  /** Jᵀ E as a flat float32 vector. */
  vjp(E: Float64Array): Float32Array {
    const Et = this.outputTensor(E);
    const { deltas, das, grads } = this.backward(Et, true);
    const out = flatten(grads);
    tf.dispose([Et, ...deltas, ...das.filter(Boolean), ...grads]);
    return out;
  }

  /** One step of gradient descent θ ← θ − η Jᵀ E with E = ∇C (N × nL). */
  step(learningRate: number, E: Float64Array): void {
    const Et = this.outputTensor(E);
    const { deltas, das, grads } = this.backward(Et, true);
    const next = this.layers.map((layer, l) => {
      return tf.tidy(() => {
        const Wt = tf.sub(layer.Wt, tf.mul(grads[2 * l], learningRate)) as tf.Tensor2D;
        const b = tf.sub(layer.b, tf.mul(grads[2 * l + 1], learningRate)) as tf.Tensor1D;
        return { Wt, W: tf.transpose(Wt) as tf.Tensor2D, b };
      });
    });
    tf.dispose([Et, ...deltas, ...das.filter(Boolean), ...grads]);
    this.disposeLayers();
    this.layers = next;
    this.invalidate();
  }

  /** A float64 N × nL array as a float32 tensor. */
  outputTensor(E: Float64Array): tf.Tensor2D {
    const nL = this.layout.outputDim;
    if (E.length !== this.N * nL) throw new RangeError(`expected ${this.N}×${nL} values, got ${E.length}`);
    return tf.tensor2d(Float32Array.from(E), [this.N, nL]);
  }

  /** Split a flat vector into per-layer tensors: Ẇt (nIn × nOut) and ḃ. The caller owns them. */
  splitVector(v: ArrayLike<number>): { Wt: tf.Tensor2D; b: tf.Tensor1D }[] {
    if (v.length !== this.P) throw new RangeError(`parameter-space vector must have length ${this.P}, got ${v.length}`);
    const f32 = v instanceof Float32Array ? v : Float32Array.from(v);
    return this.layout.layers.map((l) => ({
      Wt: tf.tensor2d(f32.subarray(l.weightOffset, l.weightOffset + l.nIn * l.nOut), [l.nIn, l.nOut]),
      b: tf.tensor1d(f32.subarray(l.biasOffset, l.biasOffset + l.nOut)),
    }));
  }

  dispose(): void {
    this.invalidate();
    this.disposeLayers();
    this.X.dispose();
  }

  private invalidate(): void {
    this.revision++;
    if (this.pass) {
      const p = this.pass;
      tf.dispose([...p.a.slice(1), ...p.aT, ...p.s1.filter(Boolean), ...p.s2.filter(Boolean), p.Y]);
      this.pass = undefined;
    }
  }

  private disposeLayers(): void {
    for (const l of this.layers) tf.dispose([l.W, l.Wt, l.b]);
  }

  private layersFrom(params: ArrayLike<number>): LayerTensors[] {
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    const f32 = params instanceof Float32Array ? params : Float32Array.from(params);
    return this.layout.layers.map((l) => {
      const Wt = tf.tensor2d(f32.subarray(l.weightOffset, l.weightOffset + l.nIn * l.nOut), [l.nIn, l.nOut]);
      return { Wt, W: tf.transpose(Wt) as tf.Tensor2D, b: tf.tensor1d(f32.subarray(l.biasOffset, l.biasOffset + l.nOut)) };
    });
  }

  /** Forward pass; with `withDerivatives` it keeps σ', σ'' and the transposed activations. */
  private forwardAt(layers: LayerTensors[], withDerivatives: boolean): ForwardPass {
    const L = this.layout.depth;
    const a: tf.Tensor2D[] = [this.X];
    const aT: tf.Tensor2D[] = [];
    const s1: tf.Tensor2D[] = [];
    const s2: tf.Tensor2D[] = [];
    let Y: tf.Tensor2D | undefined;
    for (let l = 0; l < L; l++) {
      const { c, d } = this.layout.layers[l];
      const z = tf.tidy(() => tf.add(tf.mul(tf.matMul(a[l], layers[l].Wt), c), tf.mul(layers[l].b, d))) as tf.Tensor2D;
      if (withDerivatives) aT.push(tf.transpose(a[l]) as tf.Tensor2D);
      if (l === L - 1) {
        Y = z;
        break;
      }
      const derivs = this.spec.activation.tensor(z, withDerivatives ? 2 : 0) as tf.Tensor2D[];
      z.dispose();
      a.push(derivs[0]);
      if (withDerivatives) {
        s1[l + 1] = derivs[1];
        s2[l + 1] = derivs[2];
      }
    }
    return { a, aT, s1, s2, Y: Y as tf.Tensor2D };
  }
}

/** Concatenate tensors into one float32 vector with a single download. */
export function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  const joined = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
  const out = joined.dataSync() as Float32Array;
  joined.dispose();
  return out instanceof Float32Array ? out : Float32Array.from(out);
}
