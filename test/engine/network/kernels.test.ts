import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense64Network } from '../../../src/engine/network/dense64';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { ntkGram } from '../../../src/engine/network/ntkGram';
import { hessianTraces } from '../../../src/engine/network/hessianTrace';
import { setupBackend } from '../../helpers/backend';
import { relErr, smallProblem } from '../../helpers/nets';

before(async () => {
  await setupBackend();
});

for (const [widths, parametrization] of [
  [[4, 7, 3], 'ntk'],
  [[4, 9, 8, 2], 'ntk'],
  [[3, 6, 7, 5, 1], 'ntk'],
  [[3, 6, 5, 7, 4, 2], 'ntk'],
  [[3, 6, 5, 7, 1], 'mean_field'],
] as const) {
  const name = `${widths.join('-')} ${parametrization}`;
  test(`empirical NTK Gram (layer-wise) equals J Jᵀ of the float64 Jacobian: ${name}`, () => {
    const N = 5;
    const { spec, params, inputs } = smallProblem({ widths: [...widths], parametrization, N, seed: 21 });
    const ref = new Dense64Network(spec, params, inputs);
    const net = new TfNetwork(spec, params, inputs);
    const J = ref.jacobian();
    const M = N * widths[widths.length - 1];
    const P = ref.P;
    const JJt = new Float64Array(M * M);
    for (let p = 0; p < M; p++) {
      for (let q = 0; q < M; q++) {
        let s = 0;
        for (let r = 0; r < P; r++) s += J[p * P + r] * J[q * P + r];
        JJt[p * M + q] = s;
      }
    }
    const theta = ntkGram(net);
    assert.ok(relErr(theta, JJt) < 1e-5, `Θ̂ rel err ${relErr(theta, JJt)}`);
    net.dispose();
  });

  test(`G = Tr Hess f by the recursion equals the trace of the dense output Hessians: ${name}`, () => {
    const N = 3;
    const nL = widths[widths.length - 1];
    const { spec, params, inputs } = smallProblem({ widths: [...widths], parametrization, N, seed: 22 });
    const ref = new Dense64Network(spec, params, inputs);
    const net = new TfNetwork(spec, params, inputs);
    const G = hessianTraces(net);
    const expected = new Float64Array(N * nL);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < nL; k++) {
        const Hf = ref.outputHessian(i, k);
        let tr = 0;
        for (let p = 0; p < ref.P; p++) tr += Hf[p * ref.P + p];
        expected[i * nL + k] = tr;
      }
    }
    assert.ok(relErr(G, expected) < 1e-4, `G rel err ${relErr(G, expected)}: ${Array.from(G)} vs ${Array.from(expected)}`);
    net.dispose();
  });
}
