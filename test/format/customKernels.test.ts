import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileActivation } from '../../src/format/expressions';
import { builtinActivation } from '../../src/catalogue/activations';
import type { Activation } from '../../src/catalogue/activation';
import { sigmoid } from '../../src/catalogue/special';
import { infiniteWidthKernels } from '../../src/engine/theory';
import { Rng } from '../../src/engine/rng';

// A custom activation goes through the theory exactly like a built-in: the same function written as a
// formula and written by hand gives the same six kernels.

function inputs(N: number, n0: number): Float64Array {
  const X = new Rng(4, 'inputs').fillNormal(new Float64Array(N * n0));
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < n0; d++) s += X[i * n0 + d] ** 2;
    for (let d = 0; d < n0; d++) X[i * n0 + d] *= Math.sqrt(n0 / s);
  }
  return X;
}

function maxRelative(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

const KERNELS = ['sigma', 'theta', 'phi', 'xi', 'lambdaKernel', 'upsilon'] as const;

test('`activation sp(x) = log(1 + exp(x))` gives the kernels of the built-in smooth_relu (depth 4) to 1e-9', () => {
  const X = inputs(6, 5);
  const custom = compileActivation({ name: 'sp', param: 'x', body: 'log(1 + exp(x))' });
  const builtin = builtinActivation('smooth_relu');
  const options = { depth: 4, beta: 0.1, degree: 80 };
  const a = infiniteWidthKernels(X, 5, { ...options, activation: custom });
  const b = infiniteWidthKernels(X, 5, { ...options, activation: builtin });
  for (const k of KERNELS) assert.ok(maxRelative(a[k], b[k]) < 1e-9, `${k}: ${maxRelative(a[k], b[k])}`);
});

test('`activation swish(x) = x * sigmoid(x)` gives the kernels of swish written by hand (depth 3) to 1e-9', () => {
  const X = inputs(5, 4);
  const custom = compileActivation({ name: 'swish', param: 'x', body: 'x * sigmoid(x)' });
  const byHand: Activation = {
    name: 'swish_by_hand',
    smooth: true,
    formula: 'x σ(x)',
    quadratureDegree: custom.quadratureDegree,
    scalar: [
      (x) => x * sigmoid(x),
      (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))),
      (x) => {
        const s = sigmoid(x);
        return s * (1 - s) * (2 + x * (1 - 2 * s));
      },
      (x) => {
        const s = sigmoid(x);
        return s * (1 - s) * (3 * (1 - 2 * s) + x * (1 - 6 * s + 6 * s * s));
      },
    ],
  }; // tensor-free: the theory needs only σ … σ‴ in float64
  const options = { depth: 3, beta: 0.1 };
  const a = infiniteWidthKernels(X, 4, { ...options, activation: custom });
  const b = infiniteWidthKernels(X, 4, { ...options, activation: byHand });
  for (const k of KERNELS) assert.ok(maxRelative(a[k], b[k]) < 1e-9, `${k}: ${maxRelative(a[k], b[k])}`);
});
