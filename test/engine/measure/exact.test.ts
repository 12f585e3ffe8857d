import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { takeMeasurement } from '../../../src/engine/measure/measure';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import type { MeasureConfig } from '../../../src/engine/config';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { smallProblem } from '../../helpers/nets';
import { tracePowers } from '../../helpers/dense';

// The exact path is float64 end to end: with the network's own (float32-held) parameters, the recorded
// loss and Tr(A^k) of A = H, I, S equal those of a float64 reference built here from the float64
// network alone — its outputs, its loss, ∇C and H_C, dense matrices from its products, and traces of
// matrix powers (no eigensolver) — to 1e-10. From the float32 network's outputs (the earlier code) H and
// S agreed only to about 1e-8, and I to 1e-15.

before(async () => {
  await setupBackend();
});

const settings: MeasureConfig = { points: 2, spacing: 'log', moments: 4, probes: 8, top: 3, bottom: 0, density: 0, orthogonality: false, theory: false, layers: false, exact: true };


const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

for (const [activation, lossName, nL] of [
  ['smooth_relu', 'mse', 1],
  ['tanh', 'softmax_ce', 3],
  ['normalized_smooth_relu', 'bce', 1],
] as const) {
  test(`exact path: loss and Tr(H^k), Tr(I^k), Tr(S^k) equal a float64 reference to 1e-10 (${activation}, ${lossName})`, () => {
    const N = 10;
    const { spec, params, inputs } = smallProblem({ widths: [3, 12, 10, nL], activation, N, seed: 7 });
    const rng = new Rng(7, 'targets');
    const targets = new Float64Array(N * nL);
    if (lossName === 'mse') rng.fillNormal(targets);
    else if (lossName === 'bce') for (let i = 0; i < N; i++) targets[i] = rng.int(2);
    else for (let i = 0; i < N; i++) targets[i * nL + rng.int(nL)] = 1;
    const loss = builtinLoss(lossName);
    const net = new TfNetwork(spec, params, inputs);
    try {
      for (let s = 0; s < 3; s++) net.step(0.5, evaluateLoss(loss, net.outputs(), targets, N, nL).gradient);
      const record = takeMeasurement({ net, targets, loss, settings, trial: 0, step: 3, t: 1.5, rng: new Rng(1) }).record;
      assert.equal(record.exact, true);
      // The reference: the float64 network at the same parameters, nothing from the float32 one.
      const ref = new Dense64Network(spec, Float64Array.from(net.parameterVector()), inputs);
      const lossRef = evaluateLoss(loss, ref.outputs(), targets, N, nL);
      assert.ok(rel(record.loss as number, lossRef.value) < 1e-12, `loss ${record.loss} vs ${lossRef.value}`);
      const dense = {
        H: ref.denseFromProducts((v) => ref.hvp(v, lossRef)),
        I: ref.denseFromProducts((v) => ref.ivp(v, lossRef)),
        S: ref.denseFromProducts((v) => ref.svp(v, lossRef)),
      };
      for (const A of ['H', 'I', 'S'] as const) {
        const truth = tracePowers(dense[A], ref.P, settings.moments);
        // Scale of each power: Σ|λ|^k bounds the rounding of Σλ^k, so compare relative to ‖A‖_F^k-ish terms.
        const scale = tracePowers(dense[A].map(Math.abs), ref.P, settings.moments);
        truth.forEach((t, k) => {
          const err = Math.abs(record.moments[A][k]! - t) / Math.max(Math.abs(t), 1e-6 * scale[k]);
          assert.ok(err < 1e-10, `Tr(${A}^${k + 1}) ${record.moments[A][k]} vs float64 ${t} (relative ${err.toExponential(2)})`);
        });
      }
    } finally {
      net.dispose();
    }
  });
}
