import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/engine/backend';
import { mse, builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { BatchSchedule, makeOptimizer } from '../../../src/engine/train/optimizers';
import { Rng } from '../../../src/engine/rng';
import type { TrainConfig } from '../../../src/engine/config';
import { relErr, smallProblem } from '../../helpers/nets';
import { trainConfig } from '../../helpers/train';

// Every optimizer against its update rule computed by hand in float64 (Dense64Network's gradients
// Jᵀ∇C, the rules of PyTorch's SGD, SGD with momentum and Adam): several steps from the same start,
// the engine in float32, so the parameters agree to float32 accuracy (a wrong sign, a missing bias
// correction or a stale state is off by far more).

before(async () => {
  await initBackend('wasm', { nativeGemm: false });
});

const problem = smallProblem({ widths: [3, 16, 16, 2], N: 12, seed: 4 });
const N = 12;
const STEPS = 4;

/** ∇C with respect to the outputs (N × nL) and the parameter gradient at `params`, in float64; `rows` restricts the loss to those samples (their mean). */
function gradient64(params: Float64Array, rows?: Int32Array): Float64Array {
  const net = new Dense64Network(problem.spec, params, problem.inputs);
  const E = evaluateLoss(mse, net.outputs(), problem.targets, N, 2).gradient;
  if (!rows) return net.vjp(E);
  const seed = new Float64Array(E.length);
  for (const i of rows) for (let k = 0; k < 2; k++) seed[i * 2 + k] = (N / rows.length) * E[i * 2 + k];
  return net.vjp(seed);
}

/** `steps` of the engine's optimizer from problem.params; the parameters after each. */
function engineSteps(train: TrainConfig, eta: number, rng?: Rng): Float32Array[] {
  const net = new TfNetwork(problem.spec, problem.params, problem.inputs);
  const opt = makeOptimizer(train, eta, N, rng ?? new Rng(9, 'batches', 0));
  const out: Float32Array[] = [];
  try {
    for (let s = 0; s < STEPS; s++) {
      const E = evaluateLoss(mse, net.outputs(), problem.targets, N, 2).gradient;
      opt.step(net, E);
      out.push(net.parameterVector());
    }
  } finally {
    opt.dispose();
    net.dispose();
  }
  return out;
}

function assertClose(got: Float32Array[], want: Float64Array[], what: string): void {
  want.forEach((w, s) => {
    const e = relErr(got[s], w);
    assert.ok(e < 2e-5, `${what}, step ${s + 1}: relative error ${e.toExponential(2)}`);
  });
  // …and the steps moved the parameters (a no-op optimizer is not "close").
  assert.ok(relErr(problem.params, want[want.length - 1]) > 1e-3, `${what} barely moved`);
}

test('gd: θ ← θ − η Jᵀ∇C', () => {
  const eta = 0.5;
  const want: Float64Array[] = [];
  let theta = Float64Array.from(problem.params);
  for (let s = 0; s < STEPS; s++) {
    const g = gradient64(theta);
    theta = theta.map((x, i) => x - eta * g[i]);
    want.push(theta);
  }
  assertClose(engineSteps(trainConfig({ learningRate: eta, steps: STEPS }), eta), want, 'gd');
});

test('sgd: the gradient of each batch\'s mean loss, batches from a new permutation each epoch', () => {
  const eta = 0.3;
  const batchSize = 5; // 12 samples: batches of 5, 5, 2, then a new permutation
  const schedule = new BatchSchedule(N, batchSize, new Rng(9, 'batches', 0));
  const want: Float64Array[] = [];
  let theta = Float64Array.from(problem.params);
  for (let s = 0; s < STEPS; s++) {
    const g = gradient64(theta, schedule.next());
    theta = theta.map((x, i) => x - eta * g[i]);
    want.push(theta);
  }
  assertClose(engineSteps(trainConfig({ learningRate: eta, steps: STEPS, optimizer: 'sgd', batchSize }), eta), want, 'sgd');
});

test('the batch schedule visits every sample once per epoch, in a new seeded order each epoch', () => {
  const s = new BatchSchedule(10, 4, new Rng(3, 'batches', 0));
  const epochs: number[][] = [];
  for (let e = 0; e < 3; e++) {
    const sizes: number[] = [];
    const seen: number[] = [];
    for (let b = 0; b < 3; b++) {
      const batch = s.next();
      sizes.push(batch.length);
      seen.push(...batch);
    }
    assert.deepEqual(sizes, [4, 4, 2]);
    assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    epochs.push(seen);
  }
  assert.notDeepEqual(epochs[0], epochs[1]);
  // The same seed gives the same batches; another seed other ones.
  const again = new BatchSchedule(10, 4, new Rng(3, 'batches', 0));
  assert.deepEqual(Array.from(again.next()), epochs[0].slice(0, 4));
  assert.notDeepEqual(Array.from(new BatchSchedule(10, 4, new Rng(4, 'batches', 0)).next()), epochs[0].slice(0, 4));
  assert.throws(() => new BatchSchedule(10, 11, new Rng(1)), /batch_size must be an integer in 1\.\.10/);
});

for (const nesterov of [false, true]) {
  test(`momentum${nesterov ? ' (Nesterov)' : ''}: v ← μv + g, θ ← θ − η${nesterov ? '(g + μv)' : 'v'}`, () => {
    const [eta, mu] = [0.2, 0.9];
    const want: Float64Array[] = [];
    let theta = Float64Array.from(problem.params);
    let v = new Float64Array(theta.length);
    for (let s = 0; s < STEPS; s++) {
      const g = gradient64(theta);
      v = v.map((vi, i) => mu * vi + g[i]);
      theta = theta.map((x, i) => x - eta * (nesterov ? g[i] + mu * v[i] : v[i]));
      want.push(theta);
    }
    assertClose(engineSteps(trainConfig({ learningRate: eta, steps: STEPS, optimizer: 'momentum', momentum: mu, nesterov }), eta), want, 'momentum');
  });
}

test('adam: bias-corrected first and second moments, θ ← θ − η m̂/(√v̂ + ε)', () => {
  const [eta, b1, b2, eps] = [0.01, 0.9, 0.99, 1e-6];
  const want: Float64Array[] = [];
  let theta = Float64Array.from(problem.params);
  let m = new Float64Array(theta.length);
  let v = new Float64Array(theta.length);
  let denominators = new Float64Array(theta.length);
  for (let s = 1; s <= STEPS; s++) {
    const g = gradient64(theta);
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    denominators = v.map((vi) => Math.sqrt(vi / (1 - b2 ** s)) + eps);
    theta = theta.map((x, i) => x - (eta * (m[i] / (1 - b1 ** s))) / denominators[i]);
    want.push(theta);
  }
  assertClose(engineSteps(trainConfig({ learningRate: eta, steps: STEPS, optimizer: 'adam', beta1: b1, beta2: b2, epsilon: eps }), eta), want, 'adam');
  // The preconditioner it reports is the last step's √v̂ + ε.
  const net = new TfNetwork(problem.spec, problem.params, problem.inputs);
  const opt = makeOptimizer(trainConfig({ learningRate: eta, steps: STEPS, optimizer: 'adam', beta1: b1, beta2: b2, epsilon: eps }), eta, N, new Rng(1));
  assert.equal(opt.preconditioner!(), undefined);
  for (let s = 0; s < STEPS; s++) opt.step(net, evaluateLoss(builtinLoss('mse'), net.outputs(), problem.targets, N, 2).gradient);
  assert.ok(relErr(opt.preconditioner!()!, denominators) < 2e-5);
  opt.dispose();
  net.dispose();
});
