import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset } from '../../../src/engine/data/dataset';
import { averagePool, MNIST_SIDE } from '../../../src/engine/data/mnist';
import { decodeMnistBinary, encodeMnistBinary, loadFromPackage } from '../../../src/run/mnistLoader';
import type { DataConfig } from '../../../src/engine/config';
import type { TargetFunction } from '../../../src/catalogue/target';

const mnist = loadFromPackage();

const fn = (text: string, f: (v: Readonly<Record<string, number>>) => number): TargetFunction => ({ text, evaluate: f });

test('the mnist package holds 10,000 real digits, about 1,000 per digit', () => {
  const counts = mnist.byDigit.map((a) => a.length / 784);
  assert.equal(counts.reduce((s, c) => s + c, 0), 10000);
  for (const c of counts) assert.ok(c > 800 && c < 1200, `count ${c}`);
});

test('mean images look like digits: the 0s are hollow in the centre, the 1s are ink in the centre', () => {
  const mean = (d: number): Float64Array => {
    const a = mnist.byDigit[d];
    const n = a.length / 784;
    const m = new Float64Array(784);
    for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) m[p] += a[i * 784 + p] / n;
    return m;
  };
  const zero = mean(0);
  const one = mean(1);
  const centre = (m: Float64Array): number => (m[13 * 28 + 13] + m[13 * 28 + 14] + m[14 * 28 + 13] + m[14 * 28 + 14]) / 4;
  const ink = (m: Float64Array): number => m.reduce((s, x) => s + x, 0);
  assert.ok(centre(one) > 0.5, `centre of the mean 1 is ${centre(one)}`);
  assert.ok(centre(zero) < 0.15, `centre of the mean 0 is ${centre(zero)}`);
  assert.ok(ink(zero) > 1.5 * ink(one), 'a 0 has much more ink than a 1');
});

test('the compact binary form decodes to exactly the package values', () => {
  const decoded = decodeMnistBinary(encodeMnistBinary(mnist));
  for (let d = 0; d < 10; d++) assert.deepEqual(decoded.byDigit[d], mnist.byDigit[d]);
  const broken = encodeMnistBinary(mnist);
  broken.write('XXXX', 0, 'latin1');
  assert.throws(() => decodeMnistBinary(broken), /bad header/);
});

const mnistConfig = (over: Partial<Extract<DataConfig, { source: 'mnist' }>> = {}): DataConfig => ({
  source: 'mnist',
  samples: 64,
  size: 14,
  digits: [],
  target: 'parity',
  normalize: false,
  noise: 0,
  ...over,
});

test('mnist selection is deterministic in the seed, differs across seeds, and honours digits and targets', () => {
  const a = buildDataset(mnistConfig(), 3, mnist);
  const b = buildDataset(mnistConfig(), 3, mnist);
  const c = buildDataset(mnistConfig(), 4, mnist);
  assert.deepEqual(a.inputs, b.inputs);
  assert.notDeepEqual(a.inputs, c.inputs);
  assert.equal(a.inputDim, 196);
  for (let i = 0; i < a.N; i++) assert.equal(a.targets[i], (a.labels as Int32Array)[i] % 2 === 0 ? 1 : -1);
  const only = buildDataset(mnistConfig({ digits: [3, 7], target: 'onehot', size: 7 }), 1, mnist);
  assert.equal(only.inputDim, 49);
  assert.equal(only.outputDim, 10);
  for (let i = 0; i < only.N; i++) {
    const label = (only.labels as Int32Array)[i];
    assert.ok(label === 3 || label === 7);
    assert.equal(only.targets[i * 10 + label], 1);
    assert.equal(only.targets.subarray(i * 10, i * 10 + 10).reduce((s, x) => s + x, 0), 1);
  }
  assert.throws(() => buildDataset(mnistConfig({ samples: 5000, digits: [1] }), 1, mnist), /only 1127 images/);
});

test('average pooling preserves the mean pixel value', () => {
  const image = mnist.byDigit[5].subarray(0, 784);
  const pooled = new Float64Array(49);
  averagePool(image, 4, pooled);
  const m = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0) / a.length;
  assert.ok(Math.abs(m(pooled) - m(image)) < 1e-6);
  assert.equal(MNIST_SIDE, 28);
});

test('normalize scales every input to squared norm n0; noise has the stated standard deviation', () => {
  const d = buildDataset(mnistConfig({ normalize: true }), 1, mnist);
  for (let i = 0; i < d.N; i++) {
    let s = 0;
    for (let j = 0; j < d.inputDim; j++) s += d.inputs[i * d.inputDim + j] ** 2;
    assert.ok(Math.abs(s - d.inputDim) < 1e-9 * d.inputDim);
  }
  const clean = buildDataset({ source: 'circle', samples: 4000, target: fn('0', () => 0), normalize: false, noise: 0 }, 1);
  const noisy = buildDataset({ source: 'circle', samples: 4000, target: fn('0', () => 0), normalize: false, noise: 0.3 }, 1);
  const variance = noisy.targets.reduce((s, y, i) => s + (y - clean.targets[i]) ** 2, 0) / 4000;
  // sd of the sample variance of 4000 Gaussians is σ²√(2/4000) ≈ 0.002
  assert.ok(Math.abs(variance - 0.09) < 4 * 0.09 * Math.sqrt(2 / 4000), `noise variance ${variance}`);
});

test('disk points are uniform on the unit disk (E r² = 1/2), circle points evenly spaced, targets evaluated', () => {
  const d = buildDataset({ source: 'disk', samples: 20000, target: fn('x1 * x2', (v) => v.x1 * v.x2), normalize: false, noise: 0 }, 2);
  let r2 = 0;
  for (let i = 0; i < d.N; i++) {
    const x1 = d.inputs[2 * i];
    const x2 = d.inputs[2 * i + 1];
    assert.ok(x1 * x1 + x2 * x2 <= 1);
    assert.equal(d.targets[i], x1 * x2);
    r2 += (x1 * x1 + x2 * x2) / d.N;
  }
  // Var r² = 1/12 for r² uniform on [0, 1]
  assert.ok(Math.abs(r2 - 0.5) < 4 * Math.sqrt(1 / 12 / 20000));
  const c = buildDataset({ source: 'circle', samples: 8, target: fn('sin(3 * gamma)', (v) => Math.sin(3 * v.gamma)), normalize: false, noise: 0 }, 0);
  assert.ok(Math.abs(c.inputs[2 * 2] - Math.cos(Math.PI / 2)) < 1e-15);
  assert.ok(Math.abs(c.targets[1] - Math.sin((3 * Math.PI) / 4)) < 1e-15);
});

test('bad data give errors that say where and what to do', () => {
  assert.throws(
    () => buildDataset({ source: 'points', inputs: [[0, 0], [1, 2]], targets: [[1], [2]], normalize: true, noise: 0 }, 0),
    /input 1 is the zero vector.*normalize = false/,
  );
  assert.throws(() => buildDataset({ source: 'points', inputs: [[1, 2], [1]], targets: [[1], [2]], normalize: false, noise: 0 }, 0), /input 2 has 1 numbers/);
  assert.throws(
    () => buildDataset({ source: 'circle', samples: 4, target: fn('log(gamma)', (v) => Math.log(v.gamma)), normalize: false, noise: 0 }, 0),
    /target log\(gamma\) is not finite .* sample 1/,
  );
  assert.throws(() => buildDataset(mnistConfig(), 0), /needs the MNIST digits/);
});
