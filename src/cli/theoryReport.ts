import type { ExperimentConfig } from '../engine/config';
import { denseEigen } from '../engine/linalg/denseEigen';
import { measurementSteps } from '../engine/train/schedule';
import { effectiveLearningRate } from '../engine/train/trial';
import { experimentTheoryRequest, meanFieldLimits, theoryLines, type DynamicsMode } from '../engine/theory';
import { datasetFor, kernelsFor } from '../run/prepare';
import { fmt } from './momentsTable';

/**
 * What `ntkexp theory` prints: the kernels of the experiment's data and the expected moments at its
 * measurement times, as the JSON contract of the issue and as a table for a person.
 */
export interface TheoryReport {
  readonly json: {
    experiment: string;
    N: number;
    kernels: { Sigma: number[][]; Theta: number[][]; Phi: number[][]; Xi: number[][]; Lambda: number[][]; Upsilon: number[][] };
    predictions: { step: number; t: number; expected: { H: number[]; I: number[]; S: number[] } }[];
    method: string;
    mode: DynamicsMode;
    meanField?: unknown;
  };
  readonly text: string;
  readonly warnings: string[];
}

export function theoryReport(config: ExperimentConfig, options: { mode: DynamicsMode; samples: number }): TheoryReport {
  const data = datasetFor(config);
  const kernels = kernelsFor(config, data);
  const N = data.N;
  const nL = data.outputDim;
  const eta = effectiveLearningRate(config, data.inputDim, nL);
  const meanField = config.network.parametrization === 'mean_field';
  // Mean field: the limits at initialization only, on the measured scale (meanField.ts).
  const steps = meanField ? [0] : measurementSteps(config.train.steps, config.measure);
  const lines = theoryLines(
    experimentTheoryRequest(
      { kernels, loss: config.loss, target: data.targets, nL, eta, steps, kmax: config.measure.moments, mode: options.mode },
      { seed: config.seed, meanField, samples: options.samples },
    ),
  );
  let predictions: { step: number; t: number; expected: { H: number[]; I: number[]; S: number[] } }[];
  let method: string;
  if (meanField && lines.meanField) {
    const limits = meanFieldLimits(lines.meanField, kernels, data.targets, nL, config.network.widths[config.network.widths.length - 1], config.measure.moments, config.loss);
    predictions = [{ step: 0, t: 0, expected: limits.expected }];
    method = `mean-field limits at initialization, width ${limits.width}; sd of Tr(S) ${fmt(limits.traceSStd)}; no prediction through training`;
  } else {
    const expected = lines.expected;
    if (!expected) throw new Error(`no expected moments: ${lines.warnings.join('; ') || 'the theory has none for this experiment'}`);
    const at = (rows: number[][], s: number): number[] => rows.map((row) => row[s]);
    predictions = steps.map((step, s) => ({
      step,
      t: eta * step,
      expected: { H: at(expected.traceH, s), I: at(expected.traceI, s), S: at(expected.traceS, s) },
    }));
    method = expected.method === 'closed form' ? 'closed form' : `monte carlo, ${expected.samples} draws of (Y(0), G(0))`;
  }
  const matrix = (a: Float64Array): number[][] => Array.from({ length: N }, (_, i) => Array.from(a.subarray(i * N, (i + 1) * N)));
  const json: TheoryReport['json'] = {
    experiment: config.name,
    N,
    kernels: {
      Sigma: matrix(kernels.sigma),
      Theta: matrix(kernels.theta),
      Phi: matrix(kernels.phi),
      Xi: matrix(kernels.xi),
      Lambda: matrix(kernels.lambdaKernel),
      Upsilon: matrix(kernels.upsilon),
    },
    predictions,
    method,
    mode: options.mode,
    ...(lines.meanField ? { meanField: lines.meanField } : {}),
  };
  return { json, text: textReport(config, data.description, kernels, json, eta), warnings: lines.warnings };
}

function textReport(
  config: ExperimentConfig,
  description: string,
  kernels: { theta: Float64Array; phi: Float64Array; N: number; quadrature?: { degrees: number[] } },
  json: TheoryReport['json'],
  eta: number,
): string {
  const N = kernels.N;
  const trace = (a: Float64Array): number => Array.from({ length: N }, (_, i) => a[i * N + i]).reduce((s, x) => s + x, 0);
  const eig = denseEigen(kernels.theta, N, 'descending').values;
  const lines: string[] = [];
  lines.push(`${config.title} (${config.name})`);
  lines.push(`data: ${description}`);
  lines.push(`network: depth ${config.network.depth}, ${config.network.activation.name}, β = ${config.network.beta}, ${config.network.parametrization}; η = ${eta} as applied`);
  lines.push(`kernels: Tr(Θ)/N = ${fmt(trace(kernels.theta) / N)}, λmax(Θ) = ${fmt(eig[0])}, λmin(Θ) = ${fmt(eig[N - 1])}, Tr(Φ)/N = E Tr S(0) = ${fmt(trace(kernels.phi) / N)}`);
  const meanField = json.meanField as { traceH: { std: number }; traceH2: number } | undefined;
  lines.push(meanField ? `expected moments (${json.method}):` : `expected moments (${json.method}, ${json.mode === 'flow' ? 'gradient flow' : 'discrete gradient descent'}):`);
  lines.push('');
  const kmax = config.measure.moments;
  for (const A of ['H', 'I', 'S'] as const) {
    const header = ['step', 't', ...Array.from({ length: kmax }, (_, k) => `E Tr(${A}^${k + 1})`)];
    const rows = json.predictions.map((p) => [String(p.step), fmt(p.t), ...p.expected[A].map((x) => fmt(x))]);
    const widths = header.map((_, j) => Math.max(...[header, ...rows].map((r) => r[j].length)));
    for (const r of [header, ...rows]) lines.push(r.map((c, j) => c.padStart(widths[j])).join('  '));
    lines.push('');
  }
  if (meanField) lines.push(`mean field at initialization, on the √w and w scales: √w·Tr(S) ~ N(0, sd ${fmt(meanField.traceH.std)}) = N(0, ∇CᵀΞ∇C); w·Tr(S²) → ∇CᵀΥ∇C = ${fmt(meanField.traceH2)} (∇C at Y = 0); compare S, not H (Tr(I) is O(1/w))`);
  return lines.join('\n') + '\n';
}
