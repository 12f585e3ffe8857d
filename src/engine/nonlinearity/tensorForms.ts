import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../catalogue/activation';
import { compileTensor } from './expressionTensor';

/**
 * The derivatives σ, σ', …, σ^(order) of a nonlinearity at a tensor of pre-activations, computed
 * together so that shared work (a sigmoid, a tanh) is done once. The caller owns the returned tensors.
 */
export type TensorDerivatives = (z: tf.Tensor, order: 0 | 1 | 2 | 3) => tf.Tensor[];

/** Derivatives computed one by one from elementwise ops. */
export function oneByOne(ops: readonly [(z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor, (z: tf.Tensor) => tf.Tensor]): TensorDerivatives {
  return (z, order) => {
    const out: tf.Tensor[] = [];
    for (let k = 0; k <= order; k++) out.push(tf.tidy(() => ops[k](z)));
    return out;
  };
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The tensor forms of the catalogue's built-ins (catalogue/activations.ts), by name. */
const BUILTIN_TENSORS: Readonly<Record<string, TensorDerivatives>> = {
  // One sigmoid serves σ', σ'' and σ'''.
  smooth_relu: (z, order) => {
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
  tanh: (z, order) => {
    const t = tf.tanh(z);
    const out: tf.Tensor[] = [t];
    if (order === 0) return out;
    const d1 = tf.tidy(() => tf.sub(1, tf.square(t)));
    out.push(d1);
    if (order >= 2) out.push(tf.tidy(() => tf.mul(-2, tf.mul(t, d1))));
    if (order >= 3) out.push(tf.tidy(() => tf.mul(-2, tf.mul(d1, tf.sub(1, tf.mul(3, tf.square(t)))))));
    return out;
  },
  arctan: oneByOne([
    (z) => tf.atan(z),
    (z) => tf.reciprocal(tf.add(1, tf.square(z))),
    (z) => tf.div(tf.mul(-2, z), tf.square(tf.add(1, tf.square(z)))),
    (z) => {
      const q = tf.add(1, tf.square(z));
      return tf.div(tf.sub(tf.mul(6, tf.square(z)), 2), tf.mul(q, tf.square(q)));
    },
  ]),
  erf: oneByOne([
    (z) => tf.erf(z),
    (z) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(z)))),
    (z) => tf.mul(tf.mul(-2 * TWO_OVER_SQRT_PI, z), tf.exp(tf.neg(tf.square(z)))),
    (z) => tf.mul(tf.mul(TWO_OVER_SQRT_PI, tf.sub(tf.mul(4, tf.square(z)), 2)), tf.exp(tf.neg(tf.square(z)))),
  ]),
  sin: oneByOne([(z) => tf.sin(z), (z) => tf.cos(z), (z) => tf.neg(tf.sin(z)), (z) => tf.neg(tf.cos(z))]),
  linear: oneByOne([(z) => tf.clone(z), (z) => tf.onesLike(z), (z) => tf.zerosLike(z), (z) => tf.zerosLike(z)]),
  relu: oneByOne([(z) => tf.relu(z), (z) => tf.step(z, 0), (z) => tf.zerosLike(z), (z) => tf.zerosLike(z)]),
};

const cache = new WeakMap<Activation, TensorDerivatives>();

/**
 * The tensor form of an activation, from what it declares (catalogue/activation.ts): a formula is
 * compiled from its symbolic derivatives, an affine transform wraps its base's form, a built-in has
 * its hand-written form here. Built once per activation.
 */
export function tensorDerivatives(a: Activation): TensorDerivatives {
  let d = cache.get(a);
  if (!d) {
    d = build(a);
    cache.set(a, d);
  }
  return d;
}

function build(a: Activation): TensorDerivatives {
  if (a.expression) {
    const compiled = compileTensor(a.expression.derivatives, [a.expression.variable]);
    return (z, order) => compiled([z], order + 1);
  }
  if (a.affine) {
    const base = tensorDerivatives(a.affine.base);
    const { shift } = a.affine;
    const inv = 1 / a.affine.scale;
    return (z, order) => {
      const raw = base(z, order);
      const out = raw.map((t, k) => tf.tidy(() => (k === 0 ? tf.mul(tf.sub(t, shift), inv) : tf.mul(t, inv))));
      tf.dispose(raw);
      return out;
    };
  }
  const own = a.builtin && Object.prototype.hasOwnProperty.call(BUILTIN_TENSORS, a.name) ? BUILTIN_TENSORS[a.name] : undefined;
  if (!own) throw new Error(`activation '${a.name}' has no tensor form: it is neither a built-in, an affine transform of one, nor a formula`);
  return own;
}

/**
 * Gives an activation a tensor form written in code, for one that is neither a built-in nor a formula
 * (tests that need a particular failure, engines extended in code). Returns the activation.
 */
export function withTensorForm(a: Activation, form: TensorDerivatives): Activation {
  cache.set(a, form);
  return a;
}
