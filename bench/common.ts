/**
 * What every benchmark shares: the record and benchmark types, timing, the Figure-1 network and its
 * flop counts. The benchmarks import this, and suite.ts imports the benchmarks, so nothing cycles.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildDataset } from '../src/engine/data/dataset';
import { builtinActivation } from '../src/catalogue/activations';
import { initialParameters, type NetworkSpec } from '../src/engine/network/spec';
import { TfNetwork } from '../src/engine/network/tfNetwork';
import { evaluateLoss } from '../src/engine/loss/loss';
import { mse } from '../src/catalogue/losses';
import { loadMnistDigits } from '../src/run/mnistLoader';
import { Rng } from '../src/engine/rng';

export type BenchRecord = { name: string; ms: number } & Record<string, unknown>;

export interface BenchContext {
  readonly repeat: number;
  readonly log: (m: string) => void;
  /** Results shared by the benchmarks of one run (the matmul rates every kernel is compared with). */
  readonly shared: Map<string, Promise<unknown>>;
}

export interface Benchmark {
  readonly name: string;
  /** Other record names it emits (for --only). */
  readonly produces?: readonly string[];
  run(ctx: BenchContext): Promise<BenchRecord[]>;
}

/** `fn` once per bench run: the first benchmark that needs a shared figure measures it. */
export function once<T>(ctx: BenchContext, key: string, fn: () => Promise<T> | T): Promise<T> {
  let p = ctx.shared.get(key) as Promise<T> | undefined;
  if (!p) {
    p = Promise.resolve().then(fn);
    ctx.shared.set(key, p);
  }
  return p;
}

/** Wall times of `fn` over `repeat` runs after one warm-up. */
export function timings(repeat: number, fn: () => void): number[] {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of `fn` over `repeat` runs after one warm-up. */
export function timeMedian(repeat: number, fn: () => void): number {
  return median(timings(repeat, fn));
}

/** The paper's Figure-1 network: N = 256 MNIST digits at 14×14, 196-1000-1000-1, softplus, MSE. */
export interface Figure1 {
  readonly spec: NetworkSpec;
  readonly net: TfNetwork;
  readonly targets: Float64Array;
  readonly N: number;
  /** Σ_ℓ n_ℓ n_{ℓ+1} over all layers, and over layers ℓ ≥ 1 (those that backpropagate to a hidden layer). */
  readonly macs: number;
  readonly hiddenMacs: number;
}

export function figure1(width = 1000): Figure1 {
  const data = buildDataset({ source: 'mnist', samples: 256, size: 14, digits: [], target: 'parity', normalize: true, noise: 0 }, 0, loadMnistDigits());
  const spec: NetworkSpec = { widths: [196, width, width, 1], activation: builtinActivation('smooth_relu'), beta: 0.1, parametrization: 'ntk' };
  const net = new TfNetwork(spec, initialParameters(spec, new Rng(0, 'init', 0)), data.inputs);
  const w = spec.widths;
  let macs = 0;
  let hiddenMacs = 0;
  for (let l = 0; l + 1 < w.length; l++) {
    macs += w[l] * w[l + 1];
    if (l >= 1) hiddenMacs += w[l] * w[l + 1];
  }
  return { spec, net, targets: data.targets, N: data.N, macs, hiddenMacs };
}

export const gflops = (flops: number, ms: number): number => flops / ms / 1e6;

/** FLOPs of one training step of `f` (forward, weight gradients, signals to the hidden layers): see `passes`. */
export const gradientFlops = (f: Figure1): number => 2 * f.N * (2 * f.macs + f.hiddenMacs);

/** One training step of `f` as `gradient` times it: forward + backward + update, and the new outputs. */
export function trainingStep(f: Figure1): void {
  f.net.step(1e-3, evaluateLoss(mse, f.net.outputs(), f.targets, f.N, 1).gradient);
  f.net.outputs();
}

/** Two decimals, for figures printed in records. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The float32 1024² product every rate is compared with: its FLOPs (2n³) and a timing of it. */
export const MATMUL_N = 1024;
export const matmulFlops = 2 * MATMUL_N ** 3;
export function timeMatmul(repeat: number): number {
  const a = tf.randomNormal([MATMUL_N, MATMUL_N]);
  const b = tf.randomNormal([MATMUL_N, MATMUL_N]);
  const ms = timeMedian(repeat, () => tf.matMul(a, b).dispose());
  tf.dispose([a, b]);
  return ms;
}

