import * as tf from '@tensorflow/tfjs-core';

/** A float64 scalar function. */
export type Scalar = (x: number) => number;

/**
 * The derivatives σ, σ', …, σ^(order) of a nonlinearity at a tensor of pre-activations, computed
 * together so that shared work (a sigmoid, a tanh) is done once. The caller owns the returned tensors.
 */
export type TensorDerivatives = (z: tf.Tensor, order: 0 | 1 | 2 | 3) => tf.Tensor[];

/**
 * A nonlinearity σ with its first three derivatives, as float64 scalar functions (the theory's
 * Gaussian expectations) and as tensor ops (training and curvature products). THEORY.md §2: the
 * S-part of the theory needs σ''', so every activation supplies four functions.
 */
export interface Activation {
  readonly name: string;
  /** A human-readable formula, e.g. `log(1 + e^x)`. */
  readonly formula: string;
  /** σ, σ', σ'', σ''' in float64. */
  readonly scalar: readonly [Scalar, Scalar, Scalar, Scalar];
  readonly tensor: TensorDerivatives;
  /**
   * `false` where σ'' is not a function (ReLU: a Dirac mass at 0), so the S-part of the theory and
   * the second-order terms of H are undefined or zero almost everywhere.
   */
  readonly smooth: boolean;
  /**
   * Gauss–Hermite degree (per dimension) that makes the theory's kernels right to about 1e-6 for this
   * σ (THEORY.md §5: arctan needs ~150, softplus and sin far fewer). Tested in test/engine/theory.
   */
  readonly quadratureDegree: number;
}

/** Build an activation whose tensor derivatives are computed one by one from scalar-like tensor ops. */
export function activationFromTensorOps(spec: {
  name: string;
  formula: string;
  scalar: readonly [Scalar, Scalar, Scalar, Scalar];
  ops: readonly [(z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor];
  smooth?: boolean;
  quadratureDegree: number;
}): Activation {
  return {
    name: spec.name,
    formula: spec.formula,
    scalar: spec.scalar,
    smooth: spec.smooth ?? true,
    quadratureDegree: spec.quadratureDegree,
    tensor: (z, order) => {
      const out: tf.Tensor[] = [];
      for (let k = 0; k <= order; k++) out.push(tf.tidy(() => spec.ops[k](z)));
      return out;
    },
  };
}

/**
 * σ̃(x) = (σ(x) − shift)/scale: every derivative is divided by `scale`, σ itself also shifted. This is
 * how a "normalized" nonlinearity delegates to its base instead of repeating it.
 */
export function affineActivation(base: Activation, name: string, shift: number, scale: number, formula: string): Activation {
  const inv = 1 / scale;
  const [f0, f1, f2, f3] = base.scalar;
  return {
    name,
    formula,
    smooth: base.smooth,
    quadratureDegree: base.quadratureDegree,
    scalar: [(x) => (f0(x) - shift) * inv, (x) => f1(x) * inv, (x) => f2(x) * inv, (x) => f3(x) * inv],
    tensor: (z, order) => {
      const raw = base.tensor(z, order);
      const out = raw.map((t, k) => tf.tidy(() => (k === 0 ? tf.mul(tf.sub(t, shift), inv) : tf.mul(t, inv))));
      tf.dispose(raw);
      return out;
    },
  };
}
