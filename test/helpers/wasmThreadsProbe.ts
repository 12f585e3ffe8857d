/**
 * A child process for the threaded wasm tests (test/engine/backend/wasmThreads.test.ts): starts the wasm
 * backend with the options given as JSON in argv[2] (`{threads?, dir?, startTimeoutMs?}`), computes
 * deterministic products and the engine's passes on a small network, prints one JSON line
 * `{info, results}` (each result the SHA-256 of its float32 bytes, so two processes compare bitwise),
 * and then ends by itself: nothing here exits explicitly, so a pthread worker left referenced would keep
 * it running past the test's timeout. `--bundle` is not an option here: the test bundles this file.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import type { WasmThreadsOptions } from '../../src/engine/backend/wasmThreads';
import { TfNetwork } from '../../src/engine/network/tfNetwork';
import { Curvature } from '../../src/engine/network/curvature';
import { builtinLoss } from '../../src/catalogue/losses';
import { evaluateLoss } from '../../src/engine/loss/loss';
import { Rng } from '../../src/engine/rng';
import { smallProblem } from './nets';

/** Shapes [m, k, n] and transpose flags of the products: tiny, odd, and several XNNPACK tiles wide. */
export const PRODUCTS: readonly (readonly [number, number, number, boolean, boolean])[] = [
  [1, 1, 1, false, false],
  [7, 13, 5, false, false],
  [64, 200, 96, false, false],
  [256, 196, 300, false, false],
  [300, 256, 128, true, false],
  [128, 300, 256, false, true],
  [96, 160, 112, true, true],
];

function digest(values: Float32Array | Float64Array): string {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  return createHash('sha256').update(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength)).digest('hex');
}

async function main(): Promise<void> {
  const { threads, ...wasm } = JSON.parse(process.argv[2] ?? '{}') as WasmThreadsOptions & { threads?: number };
  const info = await initBackend('wasm', { threads, wasm });
  const results: Record<string, string> = {};
  const rng = new Rng(11, 'products');
  for (const [m, k, n, ta, tb] of PRODUCTS) {
    const a = rng.fillNormal(new Float32Array(m * k));
    const b = rng.fillNormal(new Float32Array(k * n));
    const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, ta ? [k, m] : [m, k]), tf.tensor2d(b, tb ? [n, k] : [k, n]), ta, tb).dataSync() as Float32Array);
    results[`matmul ${m}x${k}x${n}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`] = digest(c);
  }
  // The engine's passes on a network wide enough that its products span several tiles.
  const N = 64;
  const { spec, params, inputs, targets } = smallProblem({ widths: [20, 160, 120, 3], activation: 'tanh', N, seed: 5 });
  const net = new TfNetwork(spec, params, inputs);
  const loss = builtinLoss('mse');
  const ev = evaluateLoss(loss, net.outputs(), targets, N, 3);
  results.outputs = digest(net.outputs());
  results.gradient = digest(net.vjp(ev.gradient));
  const curv = new Curvature(net, ev);
  const v = new Rng(12).fillNormal(new Float64Array(net.P));
  results.hvp = digest(curv.hvp(v));
  results.ivp = digest(curv.ivp(v));
  curv.dispose();
  net.step(1e-2, ev.gradient);
  results['parameters after a step'] = digest(net.parameterVector());
  net.dispose();
  process.stdout.write(JSON.stringify({ info, results }) + '\n');
}

main().catch((error: unknown) => {
  process.stdout.write(`ERROR ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 3;
});
