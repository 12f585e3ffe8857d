import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { BUILTIN_ACTIVATIONS } from '../../../src/catalogue/activations';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import type { SampleLoss } from '../../../src/catalogue/losses';
import { Rng } from '../../../src/engine/rng';
import { relErr, smallProblem } from '../../helpers/nets';

// The float64 reference network against central finite differences, for every activation and loss.
// Step h = 1e-5: truncation O(h²) ≈ 1e-10, rounding O(ε/h) ≈ 1e-11, so 1e-6 relative is a wide margin
// that still catches any wrong term (a missing term is O(1)).

function targetsFor(loss: string, N: number, nL: number, rng: Rng): Float64Array {
  const t = new Float64Array(N * nL);
  if (loss === 'bce') for (let i = 0; i < N; i++) t[i] = rng.uniform() < 0.5 ? -1 : 1;
  else if (loss === 'softmax_ce') for (let i = 0; i < N; i++) t[i * nL + rng.int(nL)] = 1;
  else rng.fillNormal(t);
  return t;
}

const LOSSES: { name: string; nL: number }[] = [
  { name: 'mse', nL: 2 },
  { name: 'bce', nL: 1 },
  { name: 'softmax_ce', nL: 3 },
];

for (const activation of BUILTIN_ACTIVATIONS) {
  for (const { name: lossName, nL } of LOSSES) {
    test(`dense64 ${activation}/${lossName}: gradient, Jv, Jᵀu and Hv match central differences`, () => {
      const { spec, params, inputs } = smallProblem({ widths: [3, 5, 4, nL], activation, N: 4, seed: 11 });
      const rng = new Rng(5, activation, lossName);
      const targets = targetsFor(lossName, 4, nL, rng);
      const loss: SampleLoss = builtinLoss(lossName);
      const net = new Dense64Network(spec, params, inputs);
      const ev = evaluateLoss(loss, net.outputs(), targets, 4, nL);
      const costAt = (p: Float64Array): number => {
        const n = new Dense64Network(spec, p, inputs);
        return evaluateLoss(loss, n.outputs(), targets, 4, nL).value;
      };
      const gradAt = (p: Float64Array): Float64Array => {
        const n = new Dense64Network(spec, p, inputs);
        return n.vjp(evaluateLoss(loss, n.outputs(), targets, 4, nL).gradient);
      };
      const shifted = (v: Float64Array, h: number): Float64Array => params.map((x, i) => x + h * v[i]);
      const h = 1e-5;
      const P = net.P;

      // gradient, coordinate by coordinate
      const grad = net.vjp(ev.gradient);
      const fdGrad = new Float64Array(P);
      for (let p = 0; p < P; p++) {
        const e = new Float64Array(P);
        e[p] = 1;
        fdGrad[p] = (costAt(shifted(e, h)) - costAt(shifted(e, -h))) / (2 * h);
      }
      assert.ok(relErr(grad, fdGrad) < 1e-6, `gradient rel err ${relErr(grad, fdGrad)}`);

      // J v
      const v = rng.fillNormal(new Float64Array(P));
      const jv = net.jvp(v);
      const yp = new Dense64Network(spec, shifted(v, h), inputs).outputs();
      const ym = new Dense64Network(spec, shifted(v, -h), inputs).outputs();
      const fdJv = yp.map((y, i) => (y - ym[i]) / (2 * h));
      assert.ok(relErr(jv, fdJv) < 1e-6, `Jv rel err ${relErr(jv, fdJv)}`);

      // Jᵀ u by the adjoint identity ⟨Jᵀu, v⟩ = ⟨u, Jv⟩ over several v
      const u = rng.fillNormal(new Float64Array(4 * nL));
      const jtu = net.vjp(u);
      for (let r = 0; r < 3; r++) {
        const w = rng.fillNormal(new Float64Array(P));
        const lhs = jtu.reduce((s, x, i) => s + x * w[i], 0);
        const jw = net.jvp(w);
        const rhs = u.reduce((s, x, i) => s + x * jw[i], 0);
        assert.ok(Math.abs(lhs - rhs) <= 1e-10 * (Math.abs(rhs) + 1), `adjoint ${lhs} vs ${rhs}`);
      }

      // H v against differences of the gradient
      const hv = net.hvp(v, ev);
      const gp = gradAt(shifted(v, h));
      const gm = gradAt(shifted(v, -h));
      const fdHv = gp.map((g, i) => (g - gm[i]) / (2 * h));
      assert.ok(relErr(hv, fdHv) < 1e-6, `Hv rel err ${relErr(hv, fdHv)}`);
    });
  }
}

test('dense64: S assembled from the output Hessians equals H − I to 1e-10, I is PSD with rank ≤ N·nL', async () => {
  const { denseEigen } = await import('../../../src/engine/linalg/denseEigen');
  const N = 3;
  const nL = 2;
  const { spec, params, inputs, targets } = smallProblem({ widths: [3, 6, 5, nL], activation: 'tanh', N, seed: 3 });
  const net = new Dense64Network(spec, params, inputs);
  const ev = evaluateLoss(builtinLoss('mse'), net.outputs(), targets, N, nL);
  const P = net.P;
  // S literally as Σ_ik ∂_ik C · Hess f_k(x_i)
  const S = new Float64Array(P * P);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < nL; k++) {
      const Hf = net.outputHessian(i, k);
      const w = ev.gradient[i * nL + k];
      for (let q = 0; q < P * P; q++) S[q] += w * Hf[q];
    }
  }
  const H = net.denseFromProducts((v) => net.hvp(v, ev));
  const I = net.denseFromProducts((v) => net.ivp(v, ev));
  let maxDiff = 0;
  let scale = 0;
  for (let q = 0; q < P * P; q++) {
    maxDiff = Math.max(maxDiff, Math.abs(S[q] - (H[q] - I[q])));
    scale = Math.max(scale, Math.abs(H[q]));
  }
  assert.ok(maxDiff <= 1e-10 * Math.max(1, scale), `max |S − (H − I)| = ${maxDiff}`);
  // the direct S product equals the literal assembly too
  const Sdirect = net.denseFromProducts((v) => net.svp(v, ev));
  assert.ok(relErr(Sdirect, S) < 1e-12);
  const { values } = denseEigen(I, P);
  const top = Math.max(...values);
  const positive = values.filter((x) => x > 1e-10 * top).length;
  assert.ok(Math.min(...values) > -1e-12 * top, `I has a negative eigenvalue ${Math.min(...values)}`);
  assert.ok(positive <= N * nL, `rank(I) = ${positive} > N·nL = ${N * nL}`);
  assert.equal(positive, N * nL, 'generic data: rank(I) should be exactly N·nL');
});
