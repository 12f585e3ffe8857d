import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as math from 'mathjs';
import { mse } from '../../src/catalogue/losses';
import { evaluateLoss } from '../../src/engine/loss/loss';
import { oneByOne, tensorDerivatives, withTensorForm } from '../../src/engine/nonlinearity/tensorForms';
import { builtinActivation } from '../../src/catalogue/activations';
import { sigmoid } from '../../src/catalogue/special';
import { CUSTOM_QUADRATURE_DEGREE, compileActivation, compileLoss, compileTarget, scalarDerivatives } from '../../src/format/expressions';
import { derivatives } from '../../src/catalogue/expressions/derivative';
import { expressionOf } from '../../src/format/expressions';

const POINTS = [-2.3, -0.7, 0.4, 1.9];

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** Formulas over every function and operator of the language; kinks (abs, min, max) away from POINTS. */
const FORMULAS = [
  'x * sigmoid(x)',
  'log(cosh(x))',
  'softplus(2 * x) - x^3 / 6',
  'erf(x / sqrt(2))',
  'atan(x^2 + 1)',
  'sin(x) * exp(-x^2)',
  'tanh(x)^2',
  'sqrt(1 + x^2)',
  'x^3 - 2 * x^2 + 5',
  'exp(-x) / (1 + x^2)',
  'sinh(x) / cosh(x) + cos(3 * x)',
  'atan2(x, 2) + atan2(1, x)',
  '(2 + sin(x))^(1 + x^2)',
  'abs(x)^3 + max(x, 0)^3 + min(x, -1) + pi * e',
];

test('symbolic derivatives of order k match central differences of order k − 1, for k = 1, 2, 3', () => {
  for (const formula of FORMULAS) {
    const fs = scalarDerivatives(formula, 'x', 3);
    for (const x of POINTS) {
      for (let k = 1; k <= 3; k++) {
        const h = 1e-5 * Math.max(1, Math.abs(x));
        const fd = (fs[k - 1](x + h) - fs[k - 1](x - h)) / (2 * h);
        close(fs[k](x), fd, 1e-6, `d^${k}/dx^${k} ${formula} at ${x}`);
      }
    }
  }
});

test('the third derivative also matches a direct finite difference of f (not only of f″)', () => {
  for (const formula of FORMULAS) {
    const [f, , , f3] = scalarDerivatives(formula, 'x', 3);
    for (const x of POINTS) {
      const h = 2e-3;
      const fd3 = (f(x + 2 * h) - 2 * f(x + h) + 2 * f(x - h) - f(x - 2 * h)) / (2 * h ** 3);
      close(f3(x), fd3, 2e-3, `f''' of ${formula} at ${x}`);
    }
  }
});

test('values and derivatives agree with mathjs (parse, derivative, evaluate) where mathjs knows the functions', () => {
  const known = ['log(cosh(x))', 'atan(x^2 + 1)', 'sin(x) * exp(-x^2)', 'tanh(x)^2', 'sqrt(1 + x^2)', 'x^3 - 2 * x^2 + 5', 'exp(-x) / (1 + x^2)', 'sinh(x) / cosh(x) + cos(3 * x)', '(2 + sin(x))^(1 + x^2)'];
  for (const formula of known) {
    const ours = scalarDerivatives(formula, 'x', 3);
    let node = math.parse(formula);
    for (let k = 0; k <= 3; k++) {
      const compiled = node.compile();
      for (const x of POINTS) close(ours[k](x), compiled.evaluate({ x }) as number, 1e-10, `order ${k} of ${formula} at ${x}`);
      node = math.derivative(node, 'x');
    }
  }
});

test('a custom activation `x * sigmoid(x)` gives the same σ, σ′, σ″, σ‴ as swish written by hand', () => {
  const custom = compileActivation({ name: 'swish', param: 'x', body: 'x * sigmoid(x)' });
  const byHand = [
    (x: number) => x * sigmoid(x),
    (x: number) => sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)),
    (x: number) => {
      const s = sigmoid(x);
      return s * (1 - s) * (2 + x * (1 - 2 * s));
    },
    (x: number) => {
      const s = sigmoid(x);
      return s * (1 - s) * (3 * (1 - 2 * s) + x * (1 - 6 * s + 6 * s * s));
    },
  ];
  for (let x = -30; x <= 30; x += 0.37) {
    for (let k = 0; k < 4; k++) close(custom.scalar[k](x), byHand[k](x), 1e-12, `σ^(${k}) at ${x}`);
  }
  assert.equal(custom.smooth, true);
  assert.equal(custom.quadratureDegree, CUSTOM_QUADRATURE_DEGREE.smooth);
  assert.equal(custom.formula, 'x * sigmoid(x)');
});

test('compiled tensor ops equal the float64 functions on a grid, for σ … σ‴, without leaking tensors', () => {
  const grid = Array.from({ length: 241 }, (_, i) => -6 + i * 0.05);
  const z = tf.tensor1d(grid);
  for (const formula of [...FORMULAS.slice(0, 11), 'x', '3', 'max(0, x)', 'abs(x) - min(x, 0.5)']) {
    const act = compileActivation({ name: 'f', param: 'x', body: formula });
    const before = tf.memory().numTensors;
    const outs = tensorDerivatives(act)(z, 3);
    assert.equal(outs.length, 4);
    assert.equal(tf.memory().numTensors, before + 4, `${formula}: only the four outputs remain`);
    outs.forEach((t, k) => {
      assert.deepEqual(t.shape, z.shape);
      const values = t.dataSync();
      grid.forEach((x, i) => {
        const expected = act.scalar[k](x);
        if (!Number.isFinite(expected)) return;
        assert.ok(Math.abs(values[i] - expected) <= 2e-4 * Math.max(1, Math.abs(expected)), `${formula} order ${k} at ${x}: ${values[i]} vs ${expected}`);
      });
    });
    tf.dispose(outs);
    assert.equal(tensorDerivatives(act)(z, 1).length, 2, 'order 1 gives σ and σ′');
  }
  z.dispose();
});

test('a custom activation with kinks matches the built-in relu and is flagged nonsmooth', () => {
  const custom = compileActivation({ name: 'myrelu', param: 'x', body: 'max(0, x)' });
  const relu = builtinActivation('relu');
  assert.equal(custom.smooth, false);
  assert.equal(custom.quadratureDegree, CUSTOM_QUADRATURE_DEGREE.nonsmooth);
  for (const x of [-2, -1e-9, 0, 1e-9, 3]) for (let k = 0; k < 4; k++) assert.equal(custom.scalar[k](x), relu.scalar[k](x), `order ${k} at ${x}`);
});

test('a hand-written tensor form (withTensorForm) and the compiled one give equal tensors', () => {
  const custom = compileActivation({ name: 'swish', param: 'x', body: 'x * sigmoid(x)' });
  const hand = withTensorForm(
    { name: 'swish', formula: 'x sigmoid(x)', quadratureDegree: 120, scalar: custom.scalar, smooth: true },
    oneByOne([
      (z) => tf.mul(z, tf.sigmoid(z)),
      (z) => tf.add(tf.sigmoid(z), tf.mul(z, tf.mul(tf.sigmoid(z), tf.sub(1, tf.sigmoid(z))))),
      (z) => {
        const s = tf.sigmoid(z);
        return tf.mul(tf.mul(s, tf.sub(1, s)), tf.add(2, tf.mul(z, tf.sub(1, tf.mul(2, s)))));
      },
      (z) => {
        const s = tf.sigmoid(z);
        const poly = tf.add(tf.sub(1, tf.mul(6, s)), tf.mul(6, tf.square(s)));
        return tf.mul(tf.mul(s, tf.sub(1, s)), tf.add(tf.mul(3, tf.sub(1, tf.mul(2, s))), tf.mul(z, poly)));
      },
    ]),
  );
  const z = tf.linspace(-8, 8, 101);
  const a = tensorDerivatives(custom)(z, 3);
  const b = tensorDerivatives(hand)(z, 3);
  for (let k = 0; k < 4; k++) {
    const x = a[k].dataSync();
    const y = b[k].dataSync();
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) < 1e-5, `order ${k}, index ${i}: ${x[i]} vs ${y[i]}`);
  }
  tf.dispose([...a, ...b, z]);
});

test('a custom loss 0.5 * (y - t)^2 gives the value, gradient and Hessian of the built-in mse', () => {
  const custom = compileLoss({ name: 'half_square', params: ['y', 't'], body: '0.5 * (y - t)^2' });
  const N = 5;
  for (const nL of [1, 3]) {
    const Y = Float64Array.from({ length: N * nL }, (_, i) => Math.sin(i + 1) * 2);
    const T = Float64Array.from({ length: N * nL }, (_, i) => Math.cos(3 * i));
    const a = evaluateLoss(custom, Y, T, N, nL);
    const b = evaluateLoss(mse, Y, T, N, nL);
    close(a.value, b.value, 1e-14, 'value');
    assert.deepEqual(Array.from(a.gradient), Array.from(b.gradient));
    assert.deepEqual(Array.from(a.hessianBlocks), Array.from(b.hessianBlocks));
  }
});

test('a custom loss is differentiated in its first parameter only', () => {
  const logcosh = compileLoss({ name: 'logcosh', params: ['y', 't'], body: 'log(cosh(y - t))' });
  const g = new Float64Array(1);
  const h = new Float64Array(1);
  const v = logcosh.evaluate(Float64Array.of(0.8), Float64Array.of(0.3), g, h);
  close(v, Math.log(Math.cosh(0.5)), 1e-15, 'value');
  close(g[0], Math.tanh(0.5), 1e-15, 'gradient');
  close(h[0], 1 - Math.tanh(0.5) ** 2, 1e-15, 'Hessian');
});

test('softplus and sigmoid stay finite and accurate in float64 far out, in values and derivatives', () => {
  const sp = scalarDerivatives('softplus(x)', 'x', 3);
  close(sp[0](800), 800, 1e-15, 'softplus(800)');
  assert.equal(sp[0](-800), 0);
  close(sp[0](-40), Math.exp(-40), 1e-12, 'softplus(-40)');
  const swish = scalarDerivatives('x * sigmoid(x)', 'x', 3);
  for (const x of [-800, -50, 50, 800]) for (const f of swish) assert.ok(Number.isFinite(f(x)), `swish derivative at ${x}`);
  close(swish[1](800), 1, 1e-15, "swish'(800)");
  const act = compileActivation({ name: 'sp', param: 'x', body: 'softplus(x) + sigmoid(x)' });
  const z = tf.tensor1d([-100, -30, 30, 100]);
  const outs = tensorDerivatives(act)(z, 3);
  for (const t of outs) for (const v of t.dataSync()) assert.ok(Number.isFinite(v), 'finite in float32');
  tf.dispose([...outs, z]);
});

test('simplification keeps the third derivative of x * sigmoid(x) small', () => {
  const d3 = derivatives(expressionOf('x * sigmoid(x)', { variables: ['x'], where: '' }), 'x', 3)[3];
  assert.ok(d3.key.length < 800, `d³ has ${d3.key.length} characters: ${d3.key}`);
});

test('data targets compile to functions of the source variables', () => {
  const disk = compileTarget('x1 * x2', ['x1', 'x2']);
  assert.equal(disk.evaluate({ x1: 0.5, x2: -3 }), -1.5);
  assert.equal(disk.text, 'x1 * x2');
  const circle = compileTarget('sin(3 * gamma)', ['gamma']);
  close(circle.evaluate({ gamma: 0.2 }), Math.sin(0.6), 1e-15, 'circle');
});

test('invalid formulas are refused with every problem named', () => {
  assert.throws(() => compileActivation({ name: 'f', param: 'x', body: 'sigmod(x) + y' }), /unknown function `sigmod`.*unknown name `y`/);
  assert.throws(() => compileActivation({ name: 'f', param: 'x', body: 'x +' }), /expected a value/);
  assert.throws(() => compileActivation({ name: 'f', param: 'x', body: 'atan2(x)' }), /takes 2 arguments/);
});
