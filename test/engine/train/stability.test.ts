import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setupBackend } from '../../helpers/backend';
import { trainConfig } from '../../helpers/train';
import { stabilityThreshold } from '../../../src/contracts/optimizers';
import { builtinActivation } from '../../../src/catalogue/activations';
import { builtinLoss, mse } from '../../../src/catalogue/losses';
import { buildDataset } from '../../../src/engine/data/dataset';
import { denseEigen } from '../../../src/engine/linalg/denseEigen';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { denseCurvature } from '../../../src/engine/measure/exact';
import { preconditionedSharpness, preconditionedSharpnessDense } from '../../../src/engine/measure/sharpness';
import { Curvature } from '../../../src/engine/network/curvature';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { DivergenceError } from '../../../src/engine/train/divergence';
import { runTrial } from '../../../src/engine/train/trial';
import { Rng } from '../../../src/engine/rng';
import type { ExperimentConfig, TrainConfig } from '../../../src/engine/config';
import type { Written } from '../../../src/contracts/checks';
import type { MeasurementRecord } from '../../../src/contracts/engineMessages';
import { smallProblem } from '../../helpers/nets';

// The edge of stability on problems where the answer is known. A depth-1 network f = c·Wx + d·b under
// MSE is exactly quadratic in its parameters: H = I = JᵀJ/N is constant, S = 0, and each optimizer's
// iteration on it is linear, so it converges below its threshold on λmax(H) and diverges above it.

before(async () => {
  await setupBackend();
});

function quadratic(train: TrainConfig): ExperimentConfig {
  return {
    name: 'quadratic',
    title: 'quadratic',
    seed: 5,
    trials: 1,
    data: { source: 'circle', samples: 8, target: { text: 'sin(3 * gamma)', evaluate: (v) => Math.sin(3 * v.gamma) }, normalize: true, noise: 0 },
    network: { depth: 1, widths: [], activation: builtinActivation('linear'), beta: 0.5, parametrization: 'ntk' },
    loss: builtinLoss('mse'),
    train,
    measure: { points: 3, spacing: 'linear', moments: 2, probes: 4, top: 1, bottom: 0, density: 0, orthogonality: false, theory: false, layers: false, exact: true },
  };
}

/** λmax(H) of the quadratic problem, from the dense Hessian at initialization (it is the same everywhere). */
async function sharpnessOf(): Promise<number> {
  const records: Written<MeasurementRecord>[] = [];
  await runTrial(quadratic(trainConfig({ learningRate: 1e-3, steps: 1 })), buildDataset(quadratic(trainConfig({ learningRate: 1, steps: 1 })).data, 5), 0, { onMeasurement: (r) => records.push(r) });
  return records[0].sharpness!.H as number;
}

/** Train with `train` for `steps`; 'converged' when the loss fell, 'diverged' when the engine stopped the run or the loss grew. */
async function outcome(train: TrainConfig): Promise<{ result: 'converged' | 'diverged'; records: Written<MeasurementRecord>[] }> {
  const c = quadratic(train);
  const records: Written<MeasurementRecord>[] = [];
  try {
    await runTrial(c, buildDataset(c.data, c.seed), 0, { onMeasurement: (r) => records.push(r) });
  } catch (e) {
    if (e instanceof DivergenceError) return { result: 'diverged', records };
    throw e;
  }
  const first = records[0].loss as number;
  const last = records[records.length - 1].loss as number;
  return { result: last < first ? 'converged' : 'diverged', records };
}

test('the recorded sharpness of a quadratic is its dense λmax(H), and equals λmax(Θ̂)/N', async () => {
  const c = quadratic(trainConfig({ learningRate: 1e-3, steps: 1 }));
  const data = buildDataset(c.data, c.seed);
  const records: Written<MeasurementRecord>[] = [];
  await runTrial(c, data, 0, { onMeasurement: (r) => records.push(r) });
  const ntk = records[0].ntk!.eigenvalues[0] as number;
  // Θ̂ is a float32 Gram (ntkGram.ts), H the float64 dense matrix: they agree to float32 accuracy.
  assert.ok(Math.abs((records[0].sharpness!.H as number) - ntk / data.N) < 1e-6 * ntk / data.N, `${records[0].sharpness!.H} vs ${ntk / data.N}`);
  assert.equal(records[0].sharpness!.method, 'dense');
});

for (const [name, over] of [
  ['gd', {}],
  ['sgd with the full batch', { optimizer: 'sgd', batchSize: 8 }],
  ['heavy-ball momentum', { optimizer: 'momentum', momentum: 0.6 }],
  ['Nesterov momentum', { optimizer: 'momentum', momentum: 0.6, nesterov: true }],
] as const) {
  test(`${name}: converges just below its threshold on λmax(H) and diverges just above`, async () => {
    const lambda = await sharpnessOf();
    const unit = stabilityThreshold(trainConfig({ learningRate: 1, steps: 0, ...over }), 1).threshold; // threshold·η
    for (const [factor, want] of [[0.97, 'converged'], [1.03, 'diverged']] as const) {
      // η with η·λmax = factor × (threshold·η).
      const eta = (factor * unit) / lambda;
      const got = await outcome(trainConfig({ learningRate: eta, steps: 600, ...over }));
      assert.equal(got.result, want, `${name}: η·λmax = ${factor} × ${unit.toFixed(4)}`);
      const s = got.records[0].stability!;
      assert.ok(Math.abs(s.threshold - unit / eta) < 1e-12 * s.threshold);
      assert.equal(s.on, 'H');
      // The sharpness sits below the threshold exactly when the run converges.
      assert.equal((got.records[0].sharpness!.H as number) < s.threshold, want === 'converged');
    }
  });
}

test('MSE under gd: the catapult regime is flagged at step 0 exactly when λmax(Θ̂)/N > 2/η', async () => {
  const lambda = await sharpnessOf();
  for (const [factor, regime] of [[0.9, false], [1.1, true]] as const) {
    const eta = (factor * 2) / lambda;
    const c = quadratic(trainConfig({ learningRate: eta, steps: 2 }));
    const records: Written<MeasurementRecord>[] = [];
    try {
      await runTrial(c, buildDataset(c.data, c.seed), 0, { onMeasurement: (r) => records.push(r) });
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
    }
    const cat = records[0].stability!.catapult!;
    assert.equal(cat.regime, regime);
    assert.ok(Math.abs((cat.linearized as number) - lambda) < 1e-6 * lambda);
    assert.equal(records[1]?.stability?.catapult, undefined, 'only at step 0');
  }
});

test('the thresholds are where the scalar iterations lose stability (z = −1), for every optimizer', () => {
  // Each update on λθ²/2 in PyTorch's form (Adam with its preconditioner frozen at 1 and no bias correction).
  const run = (train: TrainConfig, a: number): number => {
    let [theta, v, m] = [1, 0, 0];
    for (let t = 0; t < 4000; t++) {
      const g = a * theta; // η = 1, λ = a
      if (train.optimizer === 'momentum') {
        v = train.momentum * v + g;
        theta -= train.nesterov ? g + train.momentum * v : v;
      } else if (train.optimizer === 'adam') {
        m = train.beta1 * m + (1 - train.beta1) * g;
        theta -= m;
      } else theta -= g;
      if (!Number.isFinite(theta) || Math.abs(theta) > 1e12) return Infinity;
    }
    return Math.abs(theta);
  };
  for (const over of [{}, { optimizer: 'momentum', momentum: 0.9 }, { optimizer: 'momentum', momentum: 0.5, nesterov: true }, { optimizer: 'adam', beta1: 0.9 }, { optimizer: 'adam', beta1: 0.5 }] as const) {
    const train = trainConfig({ learningRate: 1, steps: 0, ...over });
    const t = stabilityThreshold(train, 1).threshold;
    assert.ok(run(train, 0.99 * t) < 1, `${JSON.stringify(over)}: below ${t}`);
    assert.equal(run(train, 1.01 * t), Infinity, `${JSON.stringify(over)}: above ${t}`);
  }
  assert.ok(Math.abs(stabilityThreshold(trainConfig({ learningRate: 0.01, steps: 0, optimizer: 'adam', beta1: 0.9 }), 0.01).threshold - 3800) < 1e-9, '38/η at β₁ = 0.9');
});

test("Adam's preconditioned sharpness: Lanczos on P^{-1/2} H P^{-1/2} against the dense matrix", () => {
  const p = smallProblem({ widths: [3, 10, 1], N: 6, seed: 8 });
  const net = new TfNetwork(p.spec, p.params, p.inputs);
  try {
    const loss = evaluateLoss(mse, net.outputs(), p.targets, 6, 1);
    const curv = new Curvature(net, loss);
    const d = Float32Array.from({ length: net.P }, (_, i) => 0.05 + ((i * 7919) % 97) / 50);
    const lanczos = preconditionedSharpness(curv.operators().H, d, new Rng(2));
    curv.dispose();
    const dense = denseCurvature(p.spec, p.params, p.inputs, mse, p.targets);
    const exact = preconditionedSharpnessDense(dense.H, d);
    assert.ok(Math.abs(lanczos.value - exact.value) < 1e-4 * Math.abs(exact.value), `${lanczos.value} vs ${exact.value}`);
    // And it is not λmax(H): the preconditioner matters.
    const plain = denseEigen(dense.H, net.P, 'descending').values[0];
    assert.ok(Math.abs(exact.value - plain) > 0.05 * plain);
  } finally {
    net.dispose();
  }
});
