import * as tf from '@tensorflow/tfjs-core';
import { downloadConcatenated } from '../backend/download';
import { gemm, transposeFlagsAreFast } from '../backend/gemm';
import { scoped } from './scope';
import { layout, type Layout, type NetworkSpec } from './spec';
import { tensorDerivatives, type TensorDerivatives } from '../nonlinearity/tensorForms';

/**
 * The network on TensorFlow.js tensors (float32): forward, backward and forward-mode passes written by
 * hand rather than through `tf.grads` (TensorFlow.js's own gradients of `matMul` run the wasm backend
 * ~12× below its matmul rate, DESIGN.md "Performance facts"). Every product is the engine's one
 * `gemm` (backend/gemm.ts), with the layer scales folded into alpha and a weight update done as one
 * product with beta = 1.
 *
 * Weights are kept in the parameter vector's layout, Wt = W(ℓ)ᵀ (nIn × nOut). Products with W itself
 * (backpropagated signals δ·W) and with the activations' transposes (weight gradients aᵀ·δ) use the
 * transpose flags where the backend runs them at full speed (`transposeFlagsAreFast`: the native BLAS
 * path, tfjs-node); elsewhere (the stock wasm kernel, 8–30× slower with a flag) the transposed copies
 * are made once per parameter value and kept (`weightT`, `activationT`).
 *
 * The network owns its parameter tensors; `dispose()` releases them. Passes at fixed parameters are
 * cached by `ForwardPass` (see curvature.ts), which the network invalidates on every update.
 */
export interface LayerTensors {
  /** n_in × n_out: the parameter vector's own (input-major) layout. */
  readonly Wt: tf.Tensor2D;
  /** n_out. */
  readonly b: tf.Tensor1D;
}

/** A forward pass at fixed parameters, kept for backward and forward-mode passes. */
export interface ForwardPass {
  /** a[ℓ], ℓ = 0 … L−1: inputs of layer ℓ (a[0] = X), N × n_ℓ. */
  readonly a: tf.Tensor2D[];
  /** σ'(z[ℓ]) and σ''(z[ℓ]), ℓ = 1 … L−1 (index 0 unused). */
  readonly s1: tf.Tensor2D[];
  readonly s2: tf.Tensor2D[];
  /** f(X), N × nL. */
  readonly Y: tf.Tensor2D;
}

/** A matrix as a factor of a product: op(tensor), with op the transpose when `transposed` (gemm's flags). */
export interface Operand {
  readonly tensor: tf.Tensor2D;
  readonly transposed: boolean;
}

export class TfNetwork {
  readonly layout: Layout;
  readonly N: number;
  private layers: LayerTensors[];
  private readonly X: tf.Tensor2D;
  /** A 1 × N row of ones: bias gradients Σ_i δ_i as a product. */
  private readonly ones: tf.Tensor2D;
  /** σ and its derivatives as tensor ops (nonlinearity/tensorForms.ts). */
  private readonly sigma: TensorDerivatives;
  private pass: ForwardPass | undefined;
  /** W(ℓ) (nOut × nIn) and a[ℓ]ᵀ, made on first use at the current parameters (slow-transpose backends). */
  private readonly transposedWeights: (tf.Tensor2D | undefined)[] = [];
  private readonly transposedActivations: (tf.Tensor2D | undefined)[] = [];
  /** Incremented on every parameter change, so caches built at older parameters can tell. */
  private revision = 0;

  constructor(
    readonly spec: NetworkSpec,
    params: ArrayLike<number>,
    /** Inputs, N × n0 row-major (kept in float64 for the exact path and exports). */
    readonly inputs: Float64Array,
  ) {
    this.sigma = tensorDerivatives(spec.activation);
    this.layout = layout(spec);
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    this.N = inputs.length / this.layout.inputDim;
    if (!Number.isInteger(this.N)) throw new RangeError('inputs length is not a multiple of the input width');
    this.X = tf.tensor2d(Float32Array.from(inputs), [this.N, this.layout.inputDim]);
    this.ones = tf.ones([1, this.N]);
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
    if (!this.pass) {
      const pass = this.forwardAt(this.layers, true);
      // Kept: the first caller may be inside a tidy, and the pass must outlive it (invalidate() disposes it).
      for (const t of [...pass.a.slice(1), ...pass.s1.filter(Boolean), ...pass.s2.filter(Boolean), pass.Y]) tf.keep(t);
      this.pass = pass;
    }
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
      for (const l of layers) tf.dispose([l.Wt, l.b]);
    }
  }

  /** W(ℓ) as the right factor of a product X · W(ℓ): Wt with the transpose flag, or its kept transpose. */
  weightT(l: number): Operand {
    if (transposeFlagsAreFast()) return { tensor: this.layers[l].Wt, transposed: true };
    return { tensor: this.weight(l), transposed: false };
  }

  /** W(ℓ) itself (nOut × nIn), made once per parameter value (element-wise work on W needs it as a tensor). */
  weight(l: number): tf.Tensor2D {
    // Kept: a cache made inside a caller's tidy must outlive it (invalidate() disposes it).
    this.transposedWeights[l] ??= tf.keep(tf.transpose(this.layers[l].Wt));
    return this.transposedWeights[l] as tf.Tensor2D;
  }

  /** a[ℓ]ᵀ as the left factor of a product a[ℓ]ᵀ · X (a weight gradient). */
  activationT(l: number): Operand {
    const a = this.forward().a[l];
    if (transposeFlagsAreFast()) return { tensor: a, transposed: true };
    this.transposedActivations[l] ??= tf.keep(tf.transpose(a));
    return { tensor: this.transposedActivations[l] as tf.Tensor2D, transposed: false };
  }

  /** Σ_i x_i (the rows of an N × n tensor) times `alpha`, as a 1 × n product: a bias gradient. */
  rowSum(x: tf.Tensor2D, alpha: number, plus?: { readonly c: tf.Tensor2D; readonly beta: number }): tf.Tensor2D {
    return gemm({ a: this.ones, b: x, alpha, ...(plus ?? {}) });
  }

  /**
   * Backpropagate a seed E = ∂/∂f (N × nL). Returns the signals δ[ℓ] = ∂/∂z(ℓ) for ℓ = 1 … L and
   * da[ℓ] = ∂/∂a(ℓ) for ℓ = 1 … L−1 (the caller owns them), and, with `gradients`, Jᵀ E per layer.
   */
  backward(E: tf.Tensor2D, gradients: boolean): { deltas: tf.Tensor2D[]; das: tf.Tensor2D[]; grads: tf.Tensor[] } {
    const grads: tf.Tensor[] = [];
    const { deltas, das } = this.backpropagate(E, (l, delta) => {
      const { c, d } = this.layout.layers[l];
      if (!gradients) return;
      const aT = this.activationT(l);
      grads.unshift(
        tf.tidy(() => gemm({ a: aT.tensor, transposeA: aT.transposed, b: delta, alpha: c })),
        tf.tidy(() => tf.reshape(this.rowSum(delta, d), [-1])),
      );
    });
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

  /**
   * One step of gradient descent θ ← θ − η Jᵀ E with E = ∇C (N × nL): each layer's update is one product
   * with beta = 1 (Wt − η c aᵀδ, and b − η d Σ_i δ_i), never a gradient tensor and then a subtraction.
   */
  step(learningRate: number, E: Float64Array): void {
    const Et = this.outputTensor(E);
    const next: LayerTensors[] = new Array(this.layout.depth);
    const { deltas, das } = this.backpropagate(Et, (l, delta) => {
      const { c, d } = this.layout.layers[l];
      const layer = this.layers[l];
      const aT = this.activationT(l);
      next[l] = tf.tidy(() => ({
        Wt: gemm({ a: aT.tensor, transposeA: aT.transposed, b: delta, alpha: -learningRate * c, c: layer.Wt, beta: 1 }),
        b: tf.reshape(this.rowSum(delta, -learningRate * d, { c: tf.reshape(layer.b, [1, -1]), beta: 1 }), [-1]) as tf.Tensor1D,
      }));
    });
    tf.dispose([Et, ...deltas, ...das.filter(Boolean)]);
    this.disposeLayers();
    this.layers = next;
    this.invalidate();
  }

  /** Jᵀ E per layer, [∂W(0)ᵀ, ∂b(0), ∂W(1)ᵀ, …] in the parameters' layout (the caller owns them): an optimizer's gradient. */
  gradients(E: Float64Array): tf.Tensor[] {
    const Et = this.outputTensor(E);
    const { deltas, das, grads } = this.backward(Et, true);
    tf.dispose([Et, ...deltas, ...das.filter(Boolean)]);
    return grads;
  }

  /**
   * Replace the parameters by `next` (an optimizer's update, made from `parameters`): the network takes
   * the tensors over and disposes the old ones.
   */
  adoptParameters(next: LayerTensors[]): void {
    if (next.length !== this.layout.depth) throw new RangeError(`expected ${this.layout.depth} layers, got ${next.length}`);
    next.forEach((l, i) => {
      const { nIn, nOut } = this.layout.layers[i];
      if (l.Wt.shape[0] !== nIn || l.Wt.shape[1] !== nOut || l.b.shape[0] !== nOut) throw new RangeError(`layer ${i}: expected ${nIn}×${nOut} weights and ${nOut} biases`);
    });
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
    tf.dispose([this.X, this.ones]);
  }

  /**
   * δ[ℓ+1] for ℓ = L−1 … 0 from the seed E, handing each to `atLayer(ℓ, δ[ℓ+1])` (at the current
   * parameters: the caller may build the next ones from it) before going down a layer.
   */
  private backpropagate(E: tf.Tensor2D, atLayer: (l: number, delta: tf.Tensor2D) => void): { deltas: tf.Tensor2D[]; das: tf.Tensor2D[] } {
    const pass = this.forward();
    const L = this.layout.depth;
    const deltas: tf.Tensor2D[] = new Array(L + 1);
    const das: tf.Tensor2D[] = new Array(L);
    deltas[L] = tf.clone(E);
    for (let l = L - 1; l >= 0; l--) {
      const delta = deltas[l + 1];
      atLayer(l, delta);
      if (l >= 1) {
        const W = this.weightT(l);
        const da = tf.tidy(() => gemm({ a: delta, b: W.tensor, transposeB: W.transposed, alpha: this.layout.layers[l].c }));
        das[l] = da;
        deltas[l] = tf.tidy(() => tf.mul(da, pass.s1[l])) as tf.Tensor2D;
      }
    }
    return { deltas, das };
  }

  private invalidate(): void {
    this.revision++;
    tf.dispose([...this.transposedWeights.splice(0), ...this.transposedActivations.splice(0)].filter((t): t is tf.Tensor2D => t !== undefined));
    if (this.pass) {
      const p = this.pass;
      tf.dispose([...p.a.slice(1), ...p.s1.filter(Boolean), ...p.s2.filter(Boolean), p.Y]);
      this.pass = undefined;
    }
  }

  private disposeLayers(): void {
    for (const l of this.layers) tf.dispose([l.Wt, l.b]);
  }

  private layersFrom(params: ArrayLike<number>): LayerTensors[] {
    if (params.length !== this.layout.size) throw new RangeError(`expected ${this.layout.size} parameters, got ${params.length}`);
    const f32 = params instanceof Float32Array ? params : Float32Array.from(params);
    return this.layout.layers.map((l) => ({
      Wt: tf.tensor2d(f32.subarray(l.weightOffset, l.weightOffset + l.nIn * l.nOut), [l.nIn, l.nOut]),
      b: tf.tensor1d(f32.subarray(l.biasOffset, l.biasOffset + l.nOut)),
    }));
  }

  /** Forward pass; with `withDerivatives` it keeps σ' and σ''. */
  private forwardAt(layers: LayerTensors[], withDerivatives: boolean): ForwardPass {
    const L = this.layout.depth;
    const a: tf.Tensor2D[] = [this.X];
    const s1: tf.Tensor2D[] = [];
    const s2: tf.Tensor2D[] = [];
    let Y: tf.Tensor2D | undefined;
    for (let l = 0; l < L; l++) {
      const { c, d } = this.layout.layers[l];
      const z = tf.tidy(() => tf.add(gemm({ a: a[l], b: layers[l].Wt, alpha: c }), tf.mul(layers[l].b, d))) as tf.Tensor2D;
      if (l === L - 1) {
        Y = z;
        break;
      }
      const derivs = this.sigma(z, withDerivatives ? 2 : 0) as tf.Tensor2D[];
      z.dispose();
      a.push(derivs[0]);
      if (withDerivatives) {
        s1[l + 1] = derivs[1];
        s2[l + 1] = derivs[2];
      }
    }
    return { a, s1, s2, Y: Y as tf.Tensor2D };
  }
}

/** Concatenate tensors into one float32 vector (backend/download.ts). */
export function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  return downloadConcatenated(tensors);
}
