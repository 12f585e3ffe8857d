import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../config';
import { Rng } from '../rng';
import { flatten, type LayerTensors, type TfNetwork } from '../network/tfNetwork';

/**
 * The optimizers of `train { optimizer = … }` (docs/FORMAT.md), each one step at a time from ∇C, the
 * loss's gradient with respect to the outputs on the whole training set (N × nL; the loss is a mean over
 * samples, so each row carries its 1/N):
 *
 *   gd        θ ← θ − η Jᵀ∇C                                 (full batch: what the theory predicts)
 *   sgd       θ ← θ − η Jᵀ(∇C restricted to a batch B, × N/|B|): the gradient of the batch's mean loss;
 *             batches of `batch_size` consecutive samples of a permutation drawn anew each epoch from
 *             the trial's seed (the last batch of an epoch takes what is left)
 *   momentum  v ← μ v + g, θ ← θ − η v (heavy ball; v starts at 0), or with `nesterov` θ ← θ − η (g + μ v)
 *   adam      m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
 *
 * (the conventions of PyTorch's SGD, SGD with momentum and Adam, so a step can be checked against them).
 * Measurements always use the full training set. State lives in tensors of the parameters' shapes.
 */
export interface Optimizer {
  readonly name: TrainConfig['optimizer'];
  /** One step from ∇C on the whole training set (N × nL). */
  step(net: TfNetwork, lossGradient: Float64Array): void;
  /** Adam's preconditioner diag(√v̂ + ε) per parameter after the last step, or undefined (every other optimizer, or no step yet). */
  preconditioner?(): Float32Array | undefined;
  dispose(): void;
}

/** The optimizer of a trial; η is the applied rate (under mean field: times the width), `rng` the trial's own stream for mini-batches. */
export function makeOptimizer(train: TrainConfig, eta: number, N: number, rng: Rng): Optimizer {
  switch (train.optimizer) {
    case 'gd':
      return { name: 'gd', step: (net, g) => net.step(eta, g), dispose: () => {} };
    case 'sgd':
      return sgd(eta, N, train.batchSize, rng);
    case 'momentum':
      return momentum(eta, train.momentum, train.nesterov);
    case 'adam':
      return adam(eta, train.beta1, train.beta2, train.epsilon);
  }
}

/** The samples of each step's batch, epoch after epoch (exported for the tests). */
export class BatchSchedule {
  private order: Int32Array;
  private position: number;

  constructor(
    readonly N: number,
    readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > N) throw new RangeError(`batch_size must be an integer in 1..${N} (the training set), got ${batchSize}`);
    this.order = new Int32Array(N);
    this.position = N; // a permutation is drawn at the first batch
  }

  next(): Int32Array {
    if (this.position >= this.N) {
      for (let i = 0; i < this.N; i++) this.order[i] = i;
      // Fisher–Yates with the trial's stream: a uniform permutation per epoch.
      for (let i = this.N - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        const t = this.order[i];
        this.order[i] = this.order[j];
        this.order[j] = t;
      }
      this.position = 0;
    }
    const end = Math.min(this.N, this.position + this.batchSize);
    const batch = this.order.slice(this.position, end);
    this.position = end;
    return batch;
  }
}

function sgd(eta: number, N: number, batchSize: number, rng: Rng): Optimizer {
  const schedule = new BatchSchedule(N, batchSize, rng);
  return {
    name: 'sgd',
    step(net, g) {
      const nL = g.length / N;
      const batch = schedule.next();
      const seed = new Float64Array(g.length);
      const scale = N / batch.length;
      for (const i of batch) for (let k = 0; k < nL; k++) seed[i * nL + k] = scale * g[i * nL + k];
      net.step(eta, seed);
    },
    dispose: () => {},
  };
}

/** Per-layer tensors [W, b] of each layer, in the gradients' order. */
type Flat = tf.Tensor[];

function layersOf(flat: Flat): LayerTensors[] {
  const out: LayerTensors[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ Wt: flat[i] as tf.Tensor2D, b: flat[i + 1] as tf.Tensor1D });
  return out;
}

function parametersOf(net: TfNetwork): Flat {
  return net.parameters.flatMap((l) => [l.Wt, l.b]);
}

function momentum(eta: number, mu: number, nesterov: boolean): Optimizer {
  let velocity: Flat | undefined;
  return {
    name: 'momentum',
    step(net, g) {
      const grads = net.gradients(g);
      const previous = velocity;
      velocity = grads.map((gi, i) => tf.tidy(() => (previous ? tf.add(tf.mul(previous[i], mu), gi) : tf.clone(gi))));
      const v = velocity;
      const params = parametersOf(net);
      const next = params.map((p, i) => tf.tidy(() => tf.sub(p, tf.mul(nesterov ? tf.add(grads[i], tf.mul(v[i], mu)) : v[i], eta))));
      tf.dispose([...grads, ...(previous ?? [])]);
      net.adoptParameters(layersOf(next));
    },
    dispose() {
      if (velocity) tf.dispose(velocity);
    },
  };
}

function adam(eta: number, beta1: number, beta2: number, epsilon: number): Optimizer {
  let m: Flat | undefined;
  let v: Flat | undefined;
  let t = 0;
  /** √v̂ + ε of the last step, kept (not downloaded) until a measurement asks. */
  let denominators: Flat | undefined;
  return {
    name: 'adam',
    step(net, g) {
      const grads = net.gradients(g);
      t++;
      const [m0, v0] = [m, v];
      m = grads.map((gi, i) => tf.tidy(() => tf.add(tf.mul(m0 ? m0[i] : tf.zerosLike(gi), beta1), tf.mul(gi, 1 - beta1))));
      v = grads.map((gi, i) => tf.tidy(() => tf.add(tf.mul(v0 ? v0[i] : tf.zerosLike(gi), beta2), tf.mul(tf.square(gi), 1 - beta2))));
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      const [mt, vt] = [m, v];
      if (denominators) tf.dispose(denominators);
      const d = vt.map((vi) => tf.tidy(() => tf.add(tf.sqrt(tf.div(vi, c2)), epsilon)));
      denominators = d;
      const params = parametersOf(net);
      const next = params.map((p, i) => tf.tidy(() => tf.sub(p, tf.mul(tf.div(tf.div(mt[i], c1), d[i]), eta))));
      tf.dispose([...grads, ...(m0 ?? []), ...(v0 ?? [])]);
      net.adoptParameters(layersOf(next));
    },
    preconditioner: () => (denominators ? flatten(denominators) : undefined),
    dispose() {
      tf.dispose([...(m ?? []), ...(v ?? []), ...(denominators ?? [])]);
    },
  };
}
