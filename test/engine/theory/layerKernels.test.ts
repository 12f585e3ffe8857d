import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinActivation } from '../../../src/catalogue/activations';
import { infiniteWidthKernels, layerKernels } from '../../../src/engine/theory';
import { ntkGram, ntkGramLayers } from '../../../src/engine/network/ntkGram';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { initialParameters, type NetworkSpec } from '../../../src/engine/network/spec';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';

// The NTK split by weight layer: Θ = Σ_ℓ Θ_ℓ with Θ_ℓ = Σ(ℓ+1) ⊙ Σ̇(ℓ+2) ⊙ … ⊙ Σ̇(L) (theory/layerKernels.ts),
// and finite networks' Θ̂_ℓ = J_ℓ J_ℓᵀ approaching Θ_ℓ as the width grows (fixed seeds).

before(async () => {
  await setupBackend();
});

const N = 6;
const n0 = 3;
const X = new Rng(3, 'layer-kernels-data').fillNormal(new Float64Array(N * n0));
// Unit-norm-ish inputs as the runs normalize them (‖x‖² = n0).
for (let i = 0; i < N; i++) {
  let s = 0;
  for (let d = 0; d < n0; d++) s += X[i * n0 + d] ** 2;
  for (let d = 0; d < n0; d++) X[i * n0 + d] *= Math.sqrt(n0 / s);
}

const relFro = (a: Float64Array, b: Float64Array): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

test('Σ_ℓ Θ_ℓ = Θ to rounding, for every depth and for smooth, kinked and odd activations', () => {
  for (const name of ['smooth_relu', 'relu', 'tanh', 'erf', 'linear']) {
    for (const depth of [1, 2, 3, 5]) {
      const k = infiniteWidthKernels(X, n0, { depth, beta: 0.1, activation: builtinActivation(name), keepLayers: true });
      const parts = layerKernels(k);
      assert.equal(parts.length, depth);
      const sum = new Float64Array(N * N);
      for (const p of parts) for (let i = 0; i < sum.length; i++) sum[i] += p[i];
      assert.ok(relFro(sum, k.theta) < 1e-13, `${name}, depth ${depth}: ${relFro(sum, k.theta)}`);
      // Each part is a covariance kernel times Σ̇'s: symmetric with a positive diagonal.
      for (const p of parts) for (let i = 0; i < N; i++) assert.ok(p[i * N + i] > 0);
    }
  }
  assert.throws(() => layerKernels(infiniteWidthKernels(X, n0, { depth: 2, beta: 0.1, activation: builtinActivation('tanh') })), /keepLayers/);
});

test("the finite network's Θ̂_ℓ sum to its Θ̂, and approach Θ_ℓ as the width grows (4 seeds per width)", () => {
  const activation = builtinActivation('smooth_relu');
  const depth = 3;
  const limit = layerKernels(infiniteWidthKernels(X, n0, { depth, beta: 0.1, activation, keepLayers: true }));
  const meanError: number[][] = [];
  for (const width of [32, 2048]) {
    const errors = limit.map(() => 0);
    for (let seed = 0; seed < 4; seed++) {
      const spec: NetworkSpec = { widths: [n0, width, width, 1], activation, beta: 0.1, parametrization: 'ntk' };
      const net = new TfNetwork(spec, initialParameters(spec, new Rng(seed, 'init', 0)), X);
      try {
        const parts = ntkGramLayers(net);
        const whole = ntkGram(net);
        const sum = new Float64Array(N * N);
        for (const p of parts) for (let i = 0; i < sum.length; i++) sum[i] += p[i];
        assert.ok(relFro(sum, whole) < 1e-12, 'Σ_ℓ Θ̂_ℓ = Θ̂');
        parts.forEach((p, l) => (errors[l] += relFro(p, limit[l]) / 4));
      } finally {
        net.dispose();
      }
    }
    meanError.push(errors);
  }
  // Fluctuations of order 1/√width: at 2048 within 8% for every layer, and smaller than at 32.
  meanError[1].forEach((e, l) => {
    assert.ok(e < 0.08, `layer ${l} at width 2048: ${e}`);
    assert.ok(e < meanError[0][l], `layer ${l}: ${meanError[0][l]} at 32, ${e} at 2048`);
  });
});
