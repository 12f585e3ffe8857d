import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { trainConfig } from '../../helpers/train';
import * as tf from '@tensorflow/tfjs-core';
import { runTrial } from '../../../src/engine/train/trial';
import { OverflowError } from '../../../src/engine/train/overflow';
import { DivergenceError } from '../../../src/engine/train/divergence';
import { buildDataset } from '../../../src/engine/data/dataset';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import type { Activation } from '../../../src/catalogue/activation';
import { oneByOne, withTensorForm } from '../../../src/engine/nonlinearity/tensorForms';
import { Curvature } from '../../../src/engine/network/curvature';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { initialParameters, networkSpec } from '../../../src/engine/network/spec';
import { denseCurvature } from '../../../src/engine/measure/exact';
import { NonFiniteError, requireFinite } from '../../../src/engine/nonFinite';
import { infiniteWidthKernels } from '../../../src/engine/theory';
import { Rng } from '../../../src/engine/rng';
import { compileActivation } from '../../../src/format/index';
import type { ExperimentConfig } from '../../../src/engine/config';
import type { MeasurementRecord } from '../../../src/contracts/engineMessages';
import { setupBackend } from '../../helpers/backend';

// Overflow anywhere a value reaches the linear algebra or the theory is named where it happens, and a
// trial ends with the activation, the step, the phase and what to lower (never "denseEigen: entry 0 is
// Infinity").

before(async () => {
  await setupBackend();
});

const boom = compileActivation({ name: 'boom', param: 'x', body: 'exp(exp(x))' });
const expAt10 = compileActivation({ name: 'e', param: 'x', body: 'exp(x)' });
/** σ bounded in (0, 1], but σ′ = −eˣ·exp(−eˣ) is 0·∞ = NaN once eˣ overflows (x > 709). */
const vanish = compileActivation({ name: 'vanish', param: 'x', body: 'exp(-exp(x))' });

/** σ(x) = x, with σ′ (order 1) or σ″ (order 2) infinite where |x| > limit: an overflow that waits for training. */
function linearUntil(limit: number, order: 1 | 2): Activation {
  const scalar = (k: number) => (x: number) => (Math.abs(x) > limit && k === order ? Infinity : k === 0 ? x : k === 1 ? 1 : 0);
  const op = (k: number) => (z: tf.Tensor) => {
    const base = k === 0 ? tf.clone(z) : k === 1 ? tf.onesLike(z) : tf.zerosLike(z);
    return k === order ? tf.where(tf.greater(tf.abs(z), limit), tf.fill(z.shape, Infinity), base) : base;
  };
  return withTensorForm(
    { name: `linear_until_${limit}`, formula: `x, with σ${order === 1 ? '′' : '″'} = ∞ beyond |x| > ${limit}`, scalar: [scalar(0), scalar(1), scalar(2), scalar(3)], smooth: true, quadratureDegree: 20 },
    oneByOne([op(0), op(1), op(2), op(3)]),
  );
}

function config(activation: Activation, over: { depth?: number; beta?: number; exact?: boolean; steps?: number; every?: number; lr?: number; target?: number } = {}): ExperimentConfig {
  const depth = over.depth ?? 3;
  const scale = over.target ?? 1;
  return {
    name: 'overflow',
    title: 'overflow',
    seed: 2,
    trials: 1,
    data: { source: 'circle', samples: 8, target: { text: `${scale} * cos(gamma)`, evaluate: (v) => scale * Math.cos(v.gamma) }, normalize: true, noise: 0 },
    network: { depth, widths: new Array(depth - 1).fill(8), activation, beta: over.beta ?? 0.1, parametrization: 'ntk' },
    loss: builtinLoss('mse'),
    train: trainConfig({ learningRate: over.lr ?? 0.5, steps: over.steps ?? 3 }),
    measure: { points: 2, spacing: 'log', ...(over.every ? { every: over.every } : {}), moments: 2, probes: 2, top: 1, bottom: 0, density: 0, orthogonality: false, theory: false, layers: false, exact: over.exact ?? false },
  };
}

async function failure(c: ExperimentConfig): Promise<{ error: unknown; records: MeasurementRecord[] }> {
  const records: MeasurementRecord[] = [];
  try {
    await runTrial(c, buildDataset(c.data, c.seed), 0, { onMeasurement: (r) => records.push(r) });
  } catch (error) {
    return { error, records };
  }
  assert.fail('the trial finished');
}

for (const exact of [false, true]) {
  const path = exact ? 'the exact path' : 'the matrix-free path';

  test(`${path}: an activation that overflows at initialization (exp(exp(x)), exp(x) at depth 10) fails at step 0 naming it, the phase and what to lower`, async () => {
    for (const [activation, depth] of [
      [boom, 3],
      [expAt10, 10],
    ] as const) {
      const before = tf.memory().numTensors;
      const { error, records } = await failure(config(activation, { depth, exact }));
      assert.ok(error instanceof OverflowError, String(error));
      assert.equal(error.step, 0);
      assert.equal(error.phase, 'initialization');
      assert.match(error.message, new RegExp(`^the network overflowed at step 0 \\(initialization: entry \\d+ of the network's outputs is (-?Infinity|NaN)\\): activation \`${activation.name}\` \\(σ\\(x\\) = ${activation.formula.replace(/[()*]/g, '\\$&')}\\) or its derivatives overflow at depth ${depth}`));
      assert.match(error.message, new RegExp(`lower depth \\(${depth}\\) or beta \\(0.1\\)`));
      assert.doesNotMatch(error.message, /denseEigen|learning_rate/);
      assert.equal(records.length, 0, 'nothing was measured');
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    }
  });

  test(`${path}: a derivative that overflows while the outputs stay finite fails in the measurement at step 0, naming Θ̂`, async () => {
    const { error } = await failure(config(vanish, { beta: 1000, exact }));
    assert.ok(error instanceof OverflowError, String(error));
    assert.equal(error.phase, 'measurement');
    assert.match(error.message, /^the network overflowed at step 0 \(measurement: entry \d+ of the NTK Gram Θ̂ is NaN\): activation `vanish` .* with β = 1000: lower depth \(3\) or beta \(1000\)/);
  });

  test(`${path}: an overflow that appears during training fails at that step's measurement, saying how many steps and the learning rate`, async () => {
    // Targets 40 cos γ (which a linear network can fit) pull the pre-activations from 3 to 6; σ′ = ∞ beyond 1.5× their start.
    const c0 = config(linearUntil(Infinity, 1), { depth: 2 });
    const data = buildDataset(c0.data, c0.seed);
    const spec = networkSpec(c0.network, data.inputDim, data.outputDim);
    const net = new TfNetwork(spec, initialParameters(spec, new Rng(c0.seed, 'init', 0)), data.inputs);
    const initial = Math.max(...Array.from(net.forward().a[1].dataSync(), Math.abs));
    net.dispose();
    const c = config(linearUntil(1.5 * initial, 1), { depth: 2, exact, steps: 60, every: 1, lr: 0.05, target: 40 });
    const { error, records } = await failure(c);
    assert.ok(error instanceof OverflowError, String(error));
    assert.equal(error.phase, 'measurement');
    assert.ok(error.step > 0, `step ${error.step}`);
    assert.equal(records.length, error.step, 'every step before it was measured');
    assert.ok(records.every((r) => r.exact === exact), `measured on ${path}`);
    assert.match(error.message, new RegExp(`^the network overflowed at step ${error.step} \\(measurement: entry \\d+ of the NTK Gram Θ̂ is Infinity\\): .* after ${error.step} steps of training at learning_rate 0.05: lower depth \\(2\\) or beta \\(0.1\\) or learning_rate \\(0.05\\)`));
  });
}

test('outputs that overflow during training are a divergence at that step naming the activation, with the learning-rate bound', async () => {
  const { error } = await failure(config(expAt10, { depth: 2, lr: 100 }));
  assert.ok(error instanceof DivergenceError, String(error));
  assert.ok(error.step > 0);
  assert.match(error.message, /^training diverged at step \d+: the loss is (Infinity|NaN): the outputs of activation `e` \(σ\(x\) = exp\(x\)\) overflowed\. For MSE, gradient descent is stable for learning_rate < 2N\/λmax\(Θ̂\)/);
});

test('each guard names its quantity: curvature products, the dense matrices, the kernels by quadrature', () => {
  const c = config(linearUntil(0, 2), { depth: 3 });
  const data = buildDataset(c.data, c.seed);
  const spec = networkSpec(c.network, data.inputDim, data.outputDim);
  const params = initialParameters(spec, new Rng(1, 'init'));
  const net = new TfNetwork(spec, params, data.inputs);
  const loss = evaluateLoss(c.loss, net.outputs(), data.targets, data.N, data.outputDim);
  const curv = new Curvature(net, loss);
  const v = new Rng(3).fillNormal(new Float32Array(net.P));
  try {
    assert.throws(() => curv.hvp(v), (e: unknown) => e instanceof NonFiniteError && /^entry \d+ of H·v \(a Hessian-vector product\) is (NaN|-?Infinity)$/.test(e.message));
    assert.throws(() => curv.svp(v), (e: unknown) => e instanceof NonFiniteError && e.quantity.startsWith('S·v'));
    assert.doesNotThrow(() => curv.ivp(v), 'I needs no σ″');
  } finally {
    curv.dispose();
    net.dispose();
  }
  assert.throws(() => denseCurvature(spec, params, data.inputs, c.loss, data.targets), (e: unknown) => e instanceof NonFiniteError && e.quantity === 'the dense Hessian H');
  assert.throws(
    () => infiniteWidthKernels(data.inputs, data.inputDim, { depth: 3, beta: 0.1, activation: boom }),
    (e: unknown) => e instanceof NonFiniteError && /^entry \d+ of the kernel Σ at layer 2 is (Infinity|NaN)$/.test(e.message),
  );
  assert.throws(() => requireFinite(new Float64Array([1, 2, NaN]), 'x'), /^NonFiniteError: entry 2 of x is NaN$|entry 2 of x is NaN/);
  assert.deepEqual(Array.from(requireFinite(new Float64Array([1, -2, 1e308]), 'x')), [1, -2, 1e308]);
});

test('requireFinite on float32 products: the first NaN or ±Infinity of any bit pattern at any place, every finite extreme passes', () => {
  // Bit patterns, written through an integer view (a JavaScript NaN stored in a Float32Array would
  // become the one canonical NaN): ±Infinity, quiet and signalling NaNs of both signs, the largest payload.
  const bad = [0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff];
  // Finite values at the edges of the exponent: ±the largest, the smallest normal, denormals, ±0, 1.
  const good = [0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x807fffff, 0x00000000, 0x80000000, 0x3f800000];
  for (let n = 1; n <= 11; n++) {
    const finite = new Float32Array(n);
    const finiteBits = new Uint32Array(finite.buffer);
    for (let i = 0; i < n; i++) finiteBits[i] = good[i % good.length];
    assert.equal(requireFinite(finite, 'H·v'), finite);
    for (let at = 0; at < n; at++) {
      for (const pattern of bad) {
        const v = finite.slice();
        const bits = new Uint32Array(v.buffer);
        bits[at] = pattern;
        if (at + 1 < n) bits[n - 1] = 0x7fc00000; // a later one too: the first is reported
        assert.throws(() => requireFinite(v, 'H·v'), (e: unknown) => e instanceof NonFiniteError && e.index === at, `n = ${n}, at ${at}, 0x${pattern.toString(16)}`);
      }
    }
  }
  // A view into a larger buffer is checked on its own entries only.
  const buffer = new Float32Array([NaN, 1, 2, 3, 4, 5, NaN]);
  assert.deepEqual(Array.from(requireFinite(buffer.subarray(1, 6), 'x')), [1, 2, 3, 4, 5]);
  assert.throws(() => requireFinite(buffer.subarray(2), 'x'), (e: unknown) => e instanceof NonFiniteError && e.index === 4);
});
