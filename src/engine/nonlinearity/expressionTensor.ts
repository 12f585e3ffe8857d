import * as tf from '@tensorflow/tfjs-core';
import type { FunctionName } from '../../catalogue/expressions/functions';
import type { Expr } from '../../catalogue/expressions/ir';

/**
 * The TensorFlow.js op of every function of the expression language (catalogue/expressions/functions.ts
 * holds their float64 forms and derivatives). Typed by FunctionName: a function added to the language
 * without its op here does not compile.
 */
const TENSOR_OPS: Readonly<Record<FunctionName, (...args: tf.Tensor[]) => tf.Tensor>> = {
  exp: (x) => tf.exp(x),
  log: (x) => tf.log(x),
  sqrt: (x) => tf.sqrt(x),
  abs: (x) => tf.abs(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softplus: (x) => tf.softplus(x),
  erf: (x) => tf.erf(x),
  atan: (x) => tf.atan(x),
  sin: (x) => tf.sin(x),
  cos: (x) => tf.cos(x),
  sinh: (x) => tf.sinh(x),
  cosh: (x) => tf.cosh(x),
  atan2: (y, x) => tf.atan2(y, x),
  min: (a, b) => tf.minimum(a, b),
  max: (a, b) => tf.maximum(a, b),
  sign: (x) => tf.sign(x),
  // step(0) = 0, as the float64 form (and the engine's ReLU derivative).
  step: (x) => tf.step(x, 0),
};

/**
 * Expressions as elementwise TensorFlow.js ops. Several expressions (σ, σ′, σ″, σ‴) are computed in one
 * pass that shares equal subexpressions (by their canonical key), so `sigmoid(x)` is evaluated once.
 * Every output has the shape of the first input, even where an expression is a constant (σ″ of a
 * linear function), and the caller owns the returned tensors; intermediates are released by `tf.tidy`.
 */
export type TensorFunction = (inputs: readonly tf.Tensor[], count?: number) => tf.Tensor[];

export function compileTensor(exprs: readonly Expr[], params: readonly string[]): TensorFunction {
  return (inputs, count = exprs.length) =>
    tf.tidy(() => {
      if (inputs.length !== params.length) throw new Error(`expected ${params.length} input tensors (${params.join(', ')}), got ${inputs.length}`);
      const memo = new Map<string, tf.Tensor>();
      const like = inputs[0];
      const returned = new Set<tf.Tensor>(inputs);
      return exprs.slice(0, count).map((e) => {
        let t = evaluate(e, params, inputs, memo);
        if (!sameShape(t, like)) t = tf.add(tf.zerosLike(like), t);
        // An output must be a tensor of its own: not an input, not another output (the caller disposes each).
        else if (returned.has(t)) t = tf.clone(t);
        returned.add(t);
        return t;
      });
    });
}

function sameShape(a: tf.Tensor, b: tf.Tensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function evaluate(e: Expr, params: readonly string[], inputs: readonly tf.Tensor[], memo: Map<string, tf.Tensor>): tf.Tensor {
  const hit = memo.get(e.key);
  if (hit) return hit;
  const out = compute(e, params, inputs, memo);
  memo.set(e.key, out);
  return out;
}

function compute(e: Expr, params: readonly string[], inputs: readonly tf.Tensor[], memo: Map<string, tf.Tensor>): tf.Tensor {
  const ev = (x: Expr): tf.Tensor => evaluate(x, params, inputs, memo);
  switch (e.op) {
    case 'const':
      return tf.scalar(e.value, 'float32');
    case 'var': {
      const i = params.indexOf(e.name);
      if (i < 0) throw new Error(`compileTensor: variable '${e.name}' is not one of ${params.join(', ')}`);
      return inputs[i];
    }
    case 'neg':
      return tf.neg(ev(e.a));
    case 'add':
      return tf.add(ev(e.a), ev(e.b));
    case 'sub':
      return tf.sub(ev(e.a), ev(e.b));
    case 'mul':
      return tf.mul(ev(e.a), ev(e.b));
    case 'div':
      return tf.div(ev(e.a), ev(e.b));
    case 'pow':
      return power(ev(e.a), e.b, ev);
    case 'call': {
      const op = Object.prototype.hasOwnProperty.call(TENSOR_OPS, e.fn) ? TENSOR_OPS[e.fn as FunctionName] : undefined;
      if (!op) throw new Error(`compileTensor: unknown function '${e.fn}'`);
      return op(...e.args.map(ev));
    }
  }
}

/** Small integer powers by multiplication, so negative bases work on every backend. */
function power(base: tf.Tensor, exponent: Expr, ev: (x: Expr) => tf.Tensor): tf.Tensor {
  if (exponent.op === 'const' && Number.isInteger(exponent.value) && Math.abs(exponent.value) <= 8) {
    const n = Math.abs(exponent.value);
    let out: tf.Tensor = n === 0 ? tf.onesLike(base) : base;
    for (let k = 1; k < n; k++) out = k === 1 ? tf.square(base) : tf.mul(out, base);
    return exponent.value < 0 ? tf.reciprocal(out) : out;
  }
  return tf.pow(base, ev(exponent));
}
