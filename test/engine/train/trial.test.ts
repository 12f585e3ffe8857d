import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { trainConfig } from '../../helpers/train';
import * as tf from '@tensorflow/tfjs-core';
import { runTrial } from '../../../src/engine/train/trial';
import { buildDataset } from '../../../src/engine/data/dataset';
import { builtinActivation } from '../../../src/catalogue/activations';
import { builtinLoss } from '../../../src/catalogue/losses';
import { DivergenceError } from '../../../src/engine/train/divergence';
import { infiniteWidthKernels } from '../../../src/engine/theory';
import type { ExperimentConfig } from '../../../src/engine/config';
import type { Written } from '../../../src/contracts/checks';
import type { MeasurementRecord as Record_ } from '../../../src/contracts/engineMessages';

/** What the engine hands its hooks in process: plain numbers. */
type MeasurementRecord = Written<Record_>;
import { setupBackend } from '../../helpers/backend';

before(async () => {
  await setupBackend();
});

function config(over: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: 'small',
    title: 'small',
    seed: 3,
    trials: 1,
    data: { source: 'circle', samples: 8, target: { text: 'sin(3 * gamma)', evaluate: (v) => Math.sin(3 * v.gamma) }, normalize: true, noise: 0 },
    network: { depth: 3, widths: [32, 32], activation: builtinActivation('smooth_relu'), beta: 0.1, parametrization: 'ntk' },
    loss: builtinLoss('mse'),
    train: trainConfig({ learningRate: 1, steps: 20 }),
    measure: { points: 4, spacing: 'log', moments: 4, probes: 10, top: 5, bottom: 2, density: 16, orthogonality: true, theory: true, layers: false, exact: false },
    surface: { directions: [{ kind: 'I', index: 1 }, { kind: 'I', index: 2 }], radius: 0.5, grid: 5 },
    ...over,
  };
}

test('a trial measures at the scheduled steps with theory lines, scans the surface, and leaks no tensors', async () => {
  const c = config();
  const data = buildDataset(c.data, c.seed);
  const kernels = infiniteWidthKernels(data.inputs, data.inputDim, { depth: 3, beta: 0.1, activation: c.network.activation });
  const records: MeasurementRecord[] = [];
  let surfaces = 0;
  const before = tf.memory().numTensors;
  const result = await runTrial(c, data, 0, { onMeasurement: (r) => records.push(r), onSurface: () => surfaces++ }, { kernels, backend: 'wasm' });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.status, 'finished');
  assert.deepEqual(records.map((r) => r.step), [0, 3, 7, 20]);
  assert.equal(surfaces, 1);
  for (const r of records) {
    assert.equal(r.moments.H.length, 4);
    assert.ok(r.theory && r.expected, 'theory and expected attached');
    assert.equal(r.theory!.I.length, 4);
    assert.equal(r.ntk!.limit_eigenvalues!.length, 8);
    assert.equal(r.density!.H.x.length, 16);
    assert.equal(r.backend, 'wasm');
    assert.equal(r.t, r.step);
  }
  // The loss goes down and the measured Tr(I) is the same order as the theory's.
  assert.ok(records[3].loss < records[0].loss);
  const ratio = records[0].moments.I[0] / records[0].theory!.I[0];
  assert.ok(ratio > 0.5 && ratio < 2, `Tr(I) measured/theory = ${ratio}`);
});

test('measureOnce (the plan\'s calibration): one measurement at step 0, then the same training unmeasured, each phase timed', async () => {
  const c = config({ surface: undefined });
  const data = buildDataset(c.data, c.seed);
  const kernels = infiniteWidthKernels(data.inputs, data.inputDim, { depth: 3, beta: 0.1, activation: c.network.activation });
  const full = await runTrial(c, data, 0, {}, { kernels });
  const records: MeasurementRecord[] = [];
  const totals = new Set<number>();
  const once = await runTrial(c, data, 0, { onMeasurement: (r) => records.push(r), onProgress: (p) => totals.add(p.measurementsTotal) }, { kernels, measureOnce: true });
  assert.deepEqual(records.map((r) => r.step), [0]);
  assert.ok(records[0].theory, 'the theory of step 0 is made as in a run');
  assert.deepEqual([...totals], [1]);
  assert.equal(once.stepsDone, c.train.steps);
  // Measuring does not touch the parameters: the steps are the run's own, to the bit.
  assert.equal(once.finalLoss, full.finalLoss);
  const t = once.timings;
  assert.ok(t.trainingMs > 0 && t.measurementsMs > 0 && t.theoryMs > 0, JSON.stringify(t));
  assert.equal(t.surfaceMs, 0);
});

test('a checkpoint that says stop cancels the trial after the measurements it made', async () => {
  const c = config({ surface: undefined });
  const data = buildDataset(c.data, c.seed);
  let calls = 0;
  const records: MeasurementRecord[] = [];
  const result = await runTrial(c, data, 0, { onMeasurement: (r) => records.push(r), checkpoint: () => ++calls > 5 });
  assert.equal(result.status, 'cancelled');
  assert.equal(result.stepsDone, 5);
  assert.deepEqual(records.map((r) => r.step), [0, 3]);
});

test('a diverging run stops with the step and the MSE learning-rate bound 2N/λmax(Θ̂)', async () => {
  // A linear network cannot saturate, so too large a rate makes the loss grow geometrically.
  const c = config({
    network: { ...config().network, activation: builtinActivation('linear') },
    train: trainConfig({ learningRate: 20, steps: 200 }),
    surface: undefined,
    measure: { ...config().measure, points: 2 },
  });
  const data = buildDataset(c.data, c.seed);
  await assert.rejects(
    () => runTrial(c, data, 0),
    (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.ok(e.step > 0 && e.step < 200, `step ${e.step}`);
      assert.match(e.message, /learning_rate < 2N\/λmax\(Θ̂\) = [0-9.]+ \(N = 8/);
      return true;
    },
  );
});

test('every optimizer trains, measures on the whole training set, leaks no tensors, and only gradient descent gets theory lines', async () => {
  const base = config({ surface: undefined });
  const data = buildDataset(base.data, base.seed);
  const kernels = infiniteWidthKernels(data.inputs, data.inputDim, { depth: 3, beta: 0.1, activation: base.network.activation });
  const finalLoss = new Map<string, number>();
  const startLoss = new Set<number>();
  for (const [optimizer, over] of [
    ['gd', {}],
    ['sgd', { batchSize: 3 }],
    ['momentum', { momentum: 0.5 }],
    ['adam', { learningRate: 0.01 }],
  ] as const) {
    const c = config({ surface: undefined, train: trainConfig({ learningRate: 0.5, steps: 20, optimizer, ...over }) });
    const records: MeasurementRecord[] = [];
    let lines = 0;
    const before = tf.memory().numTensors;
    const result = await runTrial(c, data, 0, { onMeasurement: (r) => records.push(r), onTheory: () => lines++ }, { kernels });
    assert.equal(tf.memory().numTensors, before, `${optimizer} leaks tensors`);
    assert.equal(result.status, 'finished');
    assert.deepEqual(records.map((r) => r.step), [0, 3, 7, 20]);
    // The first measurement is the same initialization whatever trains afterwards (same seed, full set).
    startLoss.add(records[0].loss);
    const theory = optimizer === 'gd';
    assert.equal(lines, theory ? 1 : 0, `${optimizer}: theory lines`);
    assert.equal(records.every((r) => (r.theory !== undefined) === theory && (r.expected !== undefined) === theory), true, `${optimizer}: theory on the records`);
    assert.ok(records[3].loss < records[0].loss, `${optimizer}: the loss went from ${records[0].loss} to ${records[3].loss}`);
    finalLoss.set(optimizer, records[3].loss);
  }
  // One start for all four; different optimizers end in different places (a test that ran gd four times would not).
  assert.equal(startLoss.size, 1);
  assert.equal(new Set(finalLoss.values()).size, 4);
});
