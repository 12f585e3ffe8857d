import * as tf from '@tensorflow/tfjs-core';
import { gaussianExpectation } from '../quadrature/gaussHermite';
import { type Activation, activationFromTensorOps, affineActivation } from './activation';
import { erf, sigmoid, softplus } from './special';

/**
 * The built-in nonlinearities of NTKEXP.md, each with σ..σ''' in float64 and as tensor ops.
 * Quadrature degrees are the smallest that keep the depth-4 kernels within 1e-6 of a degree-300
 * reference (test/engine/theory/quadrature.test.ts checks the claim).
 */

const smoothRelu: Activation = {
  name: 'smooth_relu',
  formula: 'log(1 + e^x)',
  smooth: true,
  quadratureDegree: 60,
  scalar: [
    softplus,
    sigmoid,
    (x) => {
      const s = sigmoid(x);
      return s * (1 - s);
    },
    (x) => {
      const s = sigmoid(x);
      return s * (1 - s) * (1 - 2 * s);
    },
  ],
  // One sigmoid serves σ', σ'' and σ'''.
  tensor: (z, order) => {
    const out: tf.Tensor[] = [tf.softplus(z)];
    if (order === 0) return out;
    const s = tf.sigmoid(z);
    out.push(s);
    if (order >= 2) {
      const s1 = tf.tidy(() => tf.mul(s, tf.sub(1, s)));
      out.push(s1);
      if (order >= 3) out.push(tf.tidy(() => tf.mul(s1, tf.sub(1, tf.mul(2, s)))));
    }
    return out;
  },
};

const tanhActivation: Activation = {
  name: 'tanh',
  formula: 'tanh(x)',
  smooth: true,
  quadratureDegree: 120,
  scalar: [
    Math.tanh,
    (x) => 1 - Math.tanh(x) ** 2,
    (x) => {
      const t = Math.tanh(x);
      return -2 * t * (1 - t * t);
    },
    (x) => {
      const t = Math.tanh(x);
      return -2 * (1 - t * t) * (1 - 3 * t * t);
    },
  ],
  tensor: (z, order) => {
    const t = tf.tanh(z);
    const out: tf.Tensor[] = [t];
    if (order === 0) return out;
    const d1 = tf.tidy(() => tf.sub(1, tf.square(t)));
    out.push(d1);
    if (order >= 2) out.push(tf.tidy(() => tf.mul(-2, tf.mul(t, d1))));
    if (order >= 3) out.push(tf.tidy(() => tf.mul(-2, tf.mul(d1, tf.sub(1, tf.mul(3, tf.square(t)))))));
    return out;
  },
};

const arctan = activationFromTensorOps({
  name: 'arctan',
  formula: 'atan(x)',
  // Derivatives have poles at ±i: the slowest of the built-ins to converge (THEORY.md §5).
  quadratureDegree: 160,
  scalar: [
    Math.atan,
    (x) => 1 / (1 + x * x),
    (x) => (-2 * x) / (1 + x * x) ** 2,
    (x) => (6 * x * x - 2) / (1 + x * x) ** 3,
  ],
  ops: [
    (z) => tf.atan(z),
    (z) => tf.reciprocal(tf.add(1, tf.square(z))),
    (z) => tf.div(tf.mul(-2, z), tf.square(tf.add(1, tf.square(z)))),
    (z) => {
      const q = tf.add(1, tf.square(z));
      return tf.div(tf.sub(tf.mul(6, tf.square(z)), 2), tf.mul(q, tf.square(q)));
    },
  ],
});

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const erfActivation = activationFromTensorOps({
  name: 'erf',
  formula: 'erf(x)',
  quadratureDegree: 60,
  scalar: [
    erf,
    (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
    (x) => -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x),
    (x) => (4 * x * x - 2) * TWO_OVER_SQRT_PI * Math.exp(-x * x),
  ],
  ops: [
    (z) => tf.erf(z),
    (z) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(z)))),
    (z) => tf.mul(tf.mul(-2 * TWO_OVER_SQRT_PI, z), tf.exp(tf.neg(tf.square(z)))),
    (z) => tf.mul(tf.mul(TWO_OVER_SQRT_PI, tf.sub(tf.mul(4, tf.square(z)), 2)), tf.exp(tf.neg(tf.square(z)))),
  ],
});

const sinActivation = activationFromTensorOps({
  name: 'sin',
  formula: 'sin(x)',
  quadratureDegree: 60,
  scalar: [Math.sin, Math.cos, (x) => -Math.sin(x), (x) => -Math.cos(x)],
  ops: [(z) => tf.sin(z), (z) => tf.cos(z), (z) => tf.neg(tf.sin(z)), (z) => tf.neg(tf.cos(z))],
});

const linear = activationFromTensorOps({
  name: 'linear',
  formula: 'x',
  quadratureDegree: 4,
  scalar: [(x) => x, () => 1, () => 0, () => 0],
  ops: [(z) => tf.clone(z), (z) => tf.onesLike(z), (z) => tf.zerosLike(z), (z) => tf.zerosLike(z)],
});

/**
 * ReLU: σ'' is a Dirac mass at 0, which a finite network never samples, so H's second-order terms
 * come only from the output layer and the S-part of the theory is undefined (the format warns).
 * Its kernels Σ, Σ̇ have closed forms (arc-cosine kernels) that the theory uses instead of quadrature.
 */
const relu = activationFromTensorOps({
  name: 'relu',
  formula: 'max(0, x)',
  smooth: false,
  quadratureDegree: 200,
  scalar: [(x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0), () => 0, () => 0],
  ops: [(z) => tf.relu(z), (z) => tf.step(z, 0), (z) => tf.zerosLike(z), (z) => tf.zerosLike(z)],
});

/** Constants of the normalized softplus: E softplus(Z) and sd softplus(Z), Z ~ N(0,1). */
export function softplusMoments(): { mean: number; std: number } {
  const mean = gaussianExpectation(softplus, 200);
  const second = gaussianExpectation((z) => softplus(z) ** 2, 200);
  return { mean, std: Math.sqrt(second - mean * mean) };
}

let normalizedSmoothRelu: Activation | undefined;

/**
 * (softplus(x) − μ)/s with μ = E softplus(Z), s = sd softplus(Z), so that E σ(Z) = 0 and E σ(Z)² = 1:
 * the "normalized nonlinearity" of Jacot et al. (2019). μ ≈ 0.806059, s ≈ 0.521071 (degree-200
 * Gauss–Hermite; computed once, on first use).
 */
function normalizedSmoothReluActivation(): Activation {
  if (!normalizedSmoothRelu) {
    const { mean, std } = softplusMoments();
    normalizedSmoothRelu = affineActivation(
      smoothRelu,
      'normalized_smooth_relu',
      mean,
      std,
      `(log(1 + e^x) − ${mean.toFixed(6)}) / ${std.toFixed(6)}`,
    );
  }
  return normalizedSmoothRelu;
}

const builtins: Record<string, () => Activation> = {
  smooth_relu: () => smoothRelu,
  normalized_smooth_relu: normalizedSmoothReluActivation,
  arctan: () => arctan,
  tanh: () => tanhActivation,
  erf: () => erfActivation,
  sin: () => sinActivation,
  linear: () => linear,
  relu: () => relu,
};

/** Names of the built-in nonlinearities, in the order NTKEXP.md lists them. */
export const BUILTIN_ACTIVATIONS: readonly string[] = Object.keys(builtins);

export function isBuiltinActivation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(builtins, name);
}

/** The built-in nonlinearity `name`; throws with the list of names if there is none. */
export function builtinActivation(name: string): Activation {
  if (!isBuiltinActivation(name)) {
    throw new Error(`unknown activation '${name}': expected one of ${BUILTIN_ACTIVATIONS.join(', ')}, or an activation defined in the file`);
  }
  return builtins[name]();
}
