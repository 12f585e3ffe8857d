import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinActivation } from '../../../src/catalogue/activations';
import { infiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { meanFieldLimits, meanFieldPrediction } from '../../../src/engine/theory/meanField';
import { initialParameters, type NetworkSpec } from '../../../src/engine/network/spec';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { ntkGram } from '../../../src/engine/network/ntkGram';
import { hessianTraces } from '../../../src/engine/network/hessianTrace';
import { Rng } from '../../../src/engine/rng';
import { setupBackend } from '../../helpers/backend';
import { normalizedInputs } from './fixtures';

// The mean-field limits at initialization on the scale a run measures, against real mean-field
// networks (fixed seeds): 48 networks of width 400 (depth 3, N = 6). Tr(I) → Tr(H_C Θ)/w and, with ∇C
// fixed at −Y*/N as in the paper's statement, √w·Gᵀ∇C ~ N(0, ∇CᵀΞ∇C).

before(async () => {
  await setupBackend();
});

const N = 6;
const n0 = 3;
const width = 400;
const activation = builtinActivation('smooth_relu');
const X = normalizedInputs(N, n0, 51);
const target = new Rng(52).fillNormal(new Float64Array(N));
const kernels = infiniteWidthKernels(X, n0, { depth: 3, beta: 0.1, activation });
const spec: NetworkSpec = { widths: [n0, width, width, 1], activation, beta: 0.1, parametrization: 'mean_field' };

test('meanFieldLimits: Tr(I^k) = Tr((H_C Θ)^k)/w^k, Tr(S²) = ∇CᵀΥ∇C/w, sd of Tr(S) = √(∇CᵀΞ∇C/w), Tr(H^k) = Tr(I^k) + Tr(S^k)', () => {
  const p = meanFieldPrediction(kernels, target, 1);
  const l = meanFieldLimits(p, kernels, target, 1, width, 4);
  let trTheta = 0;
  for (let i = 0; i < N; i++) trTheta += kernels.theta[i * N + i];
  assert.ok(Math.abs(l.expected.I[0] - trTheta / N / width) < 1e-15 * trTheta);
  assert.ok(Math.abs(l.expected.S[1] - p.traceH2 / width) < 1e-18);
  assert.deepEqual([l.expected.S[0], l.expected.S[2], l.expected.S[3]], [0, 0, 0]);
  assert.ok(Math.abs(l.traceSStd - p.traceH.std / Math.sqrt(width)) < 1e-18);
  l.expected.H.forEach((h, k) => assert.equal(h, l.expected.I[k] + l.expected.S[k]));
  assert.throws(() => meanFieldLimits(p, kernels, target, 1, 0, 2), /width must be > 0/);
});

test('mean-field networks at initialization follow the limits: w·Tr(I) → Tr(Θ)/N, √w·Gᵀ(−Y*/N) has mean 0 and variance ∇CᵀΞ∇C', () => {
  const p = meanFieldPrediction(kernels, target, 1);
  const l = meanFieldLimits(p, kernels, target, 1, width, 1);
  const networks = 48;
  const scaledI: number[] = [];
  const scaledS: number[] = [];
  for (let s = 0; s < networks; s++) {
    const net = new TfNetwork(spec, initialParameters(spec, new Rng(60 + s, 'mean-field')), X);
    const theta = ntkGram(net);
    let trI = 0;
    for (let i = 0; i < N; i++) trI += theta[i * N + i] / N; // MSE: H_C = Id/N
    const G = hessianTraces(net);
    scaledI.push(width * trI);
    scaledS.push(Math.sqrt(width) * G.reduce((acc, g, i) => acc + g * p.gradient[i], 0));
    net.dispose();
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const se = (xs: number[]): number => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
  // w·Tr(I): Θ̂ → Θ, its mean within 4 s.e. over the networks (the O(1/w) bias is far smaller here).
  const limitI = width * l.expected.I[0];
  assert.ok(Math.abs(mean(scaledI) - limitI) <= 4 * se(scaledI), `w·Tr(I) ${mean(scaledI)} ± ${se(scaledI)} vs ${limitI}`);
  // √w·Gᵀ∇C: mean 0 within 4 s.e.; second moment against ∇CᵀΞ∇C within 4 s.e. of the sample second moment.
  assert.ok(Math.abs(mean(scaledS)) <= 4 * se(scaledS), `mean √w·Tr(S) ${mean(scaledS)} ± ${se(scaledS)}`);
  const squares = scaledS.map((x) => x * x);
  const limitVariance = width * l.traceSStd ** 2;
  assert.ok(Math.abs(mean(squares) - limitVariance) <= 4 * se(squares), `E[(√w·Tr S)²] ${mean(squares)} ± ${se(squares)} vs ∇CᵀΞ∇C = ${limitVariance}`);
  console.log(`# w = ${width}, ${networks} networks: w·Tr(I) ${mean(scaledI).toPrecision(4)} ± ${se(scaledI).toPrecision(2)} vs ${limitI.toPrecision(4)}; E[(√w·Tr S)²] ${mean(squares).toPrecision(4)} ± ${se(squares).toPrecision(2)} vs ${limitVariance.toPrecision(4)}`);
});
