import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { hessianTracesWithSize } from '../../../src/engine/network/hessianTrace';
import { takeMeasurement } from '../../../src/engine/measure/measure';
import { denseCurvature } from '../../../src/engine/measure/exact';
import { builtinLoss } from '../../../src/catalogue/losses';
import type { MeasureConfig } from '../../../src/engine/config';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { smallProblem } from '../../helpers/nets';
import { tracePowers } from '../../helpers/dense';

// Per-layer curvature (measure/layers.ts) against the dense sub-blocks of the exact float64 H, I, S:
// for each weight layer ℓ (its W and b), Tr(A_ℓℓ^k) of the sub-block by dense products. The exact path
// must agree to float64 rounding; the matrix-free path has Tr(I_ℓℓ^k) and Tr(S_ℓℓ) exact (float32) and
// the rest within its own standard errors.

before(async () => {
  await setupBackend();
});

const base: MeasureConfig = { points: 2, spacing: 'log', moments: 4, probes: 30, top: 3, bottom: 0, density: 0, orthogonality: false, theory: false, layers: true, exact: true };


function subBlock(A: Float64Array, P: number, offset: number, size: number): Float64Array {
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = A[(offset + i) * P + offset + j];
  return out;
}

const problem = (activation: string, lossName: 'mse' | 'softmax_ce', nL: number) => {
  const N = 8;
  const p = smallProblem({ widths: [3, 9, 7, 6, nL], activation, N, seed: 11 });
  const targets = new Float64Array(N * nL);
  const rng = new Rng(2, 'targets');
  if (lossName === 'mse') rng.fillNormal(targets);
  else for (let i = 0; i < N; i++) targets[i * nL + rng.int(nL)] = 1;
  return { ...p, N, targets, loss: builtinLoss(lossName) };
};

for (const [activation, lossName, nL] of [
  ['smooth_relu', 'mse', 1],
  ['tanh', 'softmax_ce', 3],
] as const) {
  test(`every weight layer's blocks against the dense sub-blocks of H, I, S (${activation}, ${lossName}, depth 4)`, () => {
    const p = problem(activation, lossName, nL);
    const net = new TfNetwork(p.spec, p.params, p.inputs);
    const P = net.P;
    const dense = denseCurvature(p.spec, Float64Array.from(net.parameterVector()), p.inputs, p.loss, p.targets);
    const reference = net.layout.layers.map((l) => {
      const size = l.nIn * l.nOut + l.nOut;
      return { size, H: tracePowers(subBlock(dense.H, P, l.weightOffset, size), size, 4), I: tracePowers(subBlock(dense.I, P, l.weightOffset, size), size, 4), S: tracePowers(subBlock(dense.S, P, l.weightOffset, size), size, 4) };
    });
    try {
      for (const exact of [true, false]) {
        const m = takeMeasurement({ net, targets: p.targets, loss: p.loss, settings: { ...base, exact }, trial: 0, step: 0, t: 0, rng: new Rng(5, 'measure') });
        const layers = m.record.layers!;
        assert.equal(layers.length, 4);
        layers.forEach((b, l) => {
          const ref = reference[l];
          assert.equal(b.parameters, ref.size);
          for (const A of ['H', 'I', 'S'] as const) {
            for (let k = 0; k < 4; k++) {
              const got = b.moments[A][k];
              const want = ref[A][k];
              const scale = Math.max(Math.abs(want), 1e-12 * Math.abs(ref.H[k]) + 1e-300);
              if (exact) {
                assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), Math.abs(ref.I[k]), 1e-300), `exact, layer ${l}, Tr(${A}^${k + 1}): ${got} vs ${want}`);
              } else if (A === 'I' || k === 0) {
                // Exact from Θ̂_ℓ (I) and G_ℓ (S), and their sum (H): float32 products.
                assert.ok(Math.abs(got - want) <= 5e-5 * Math.max(Math.abs(want), Math.abs(ref.I[k])), `layer ${l}, Tr(${A}^${k + 1}): ${got} vs ${want}`);
              } else {
                const se = b.stderr[A][k];
                assert.ok(Math.abs(got - want) <= 4 * se + 1e-5 * scale, `layer ${l}, Tr(${A}^${k + 1}): ${got} ± ${se} vs ${want}`);
              }
            }
          }
          // The largest eigenvalue of the block, from its own Lanczos or eigendecomposition.
          assert.ok(b.top.H.length > 0 && b.top.I.length > 0 && b.top.S.length > 0);
        });
        // Traces add over the diagonal blocks.
        for (const A of ['H', 'I', 'S'] as const) {
          const sum = layers.reduce((s, b) => s + b.moments[A][0], 0);
          assert.ok(Math.abs(sum - m.record.moments[A][0]) <= 1e-4 * Math.abs(m.record.moments.I[0]), `${exact ? 'exact' : 'matrix-free'}: Σ_ℓ Tr(${A}_ℓℓ) = Tr(${A})`);
        }
      }
      // The output layer's parameters enter f linearly: its S block is 0.
      const last = takeMeasurement({ net, targets: p.targets, loss: p.loss, settings: base, trial: 0, step: 0, t: 0, rng: new Rng(5) }).record.layers![3];
      assert.ok(Math.abs(last.moments.S[0]) < 1e-12 && Math.abs(last.moments.S[1]) < 1e-20);
    } finally {
      net.dispose();
    }
  });
}

test('G_ℓ, the Hessian trace of f over layer ℓ\'s parameters, sums to G and equals the dense per-sample Hessians\' block traces (depth 5: the sample-by-sample terms too)', () => {
  const N = 4;
  const p = smallProblem({ widths: [2, 5, 4, 6, 3, 2], activation: 'tanh', N, seed: 4 });
  const net = new TfNetwork(p.spec, p.params, p.inputs);
  const d64 = new Dense64Network(p.spec, Float64Array.from(net.parameterVector()), p.inputs);
  try {
    const whole = hessianTracesWithSize(net, false).G;
    const parts = net.layout.layers.map((_, r) => hessianTracesWithSize(net, false, r).G);
    for (let i = 0; i < whole.length; i++) {
      const sum = parts.reduce((s, g) => s + g[i], 0);
      assert.ok(Math.abs(sum - whole[i]) <= 1e-5 * Math.max(1e-3, Math.abs(whole[i])), `entry ${i}: Σ_r G_r = ${sum}, G = ${whole[i]}`);
    }
    net.layout.layers.forEach((l, r) => {
      const size = l.nIn * l.nOut + l.nOut;
      for (let i = 0; i < N; i++) {
        for (let k = 0; k < 2; k++) {
          const hess = d64.outputHessian(i, k);
          let tr = 0;
          for (let j = 0; j < size; j++) tr += hess[(l.weightOffset + j) * net.P + l.weightOffset + j];
          const got = parts[r][i * 2 + k];
          assert.ok(Math.abs(got - tr) <= 2e-5 * Math.max(1e-2, Math.abs(tr)), `layer ${r}, sample ${i}, output ${k}: ${got} vs ${tr}`);
        }
      }
    });
  } finally {
    net.dispose();
  }
});
