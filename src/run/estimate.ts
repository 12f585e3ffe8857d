import * as os from 'node:os';
import type { ExperimentConfig } from '../engine/config';
import { useExactPath } from '../engine/measure/exact';
import { measurementSteps } from '../engine/train/schedule';

/**
 * A run's memory and time, estimated before it starts from P, N and the measure settings, so that a
 * run that cannot fit is refused with what to lower, and a long one says so up front. Rough by design
 * (stated as such): memory counts the large buffers, time uses the FLOPs of the passes at a nominal
 * rate per backend plus the algorithms' vector work.
 */
export interface RunEstimate {
  /** Peak resident memory of one engine process, in MB. */
  readonly memoryMb: number;
  /** Wall time of one trial, in seconds, at the nominal rate. */
  readonly trialSeconds: number;
  readonly parameters: number;
  /** The largest contributions to memory, for the message when it does not fit. */
  readonly breakdown: { readonly what: string; readonly mb: number; readonly lower: string }[];
}

/** Nominal rates (GFLOP/s) of the passes, measured by `npm run bench` on this machine's kind. */
const RATE: Record<string, number> = { tensorflow: 40, wasm: 20, cpu: 0.8 };
/** JavaScript vector work (dots, axpys in float64 accumulation) in G elements/s. */
const VECTOR_RATE = 1;
/** Node, TensorFlow.js and the wasm heap before any tensor. */
const BASE_MB = 250;

export function estimateRun(config: ExperimentConfig, N: number, inputDim: number, outputDim: number, backend: string): RunEstimate {
  const widths = [inputDim, ...config.network.widths, outputDim];
  let P = 0;
  let macs = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    P += widths[l] * widths[l + 1] + widths[l + 1];
    macs += widths[l] * widths[l + 1];
  }
  const m = config.measure;
  const mb = (bytes: number): number => bytes / 1e6;
  const hidden = widths.slice(1, -1).reduce((s, n) => s + n, 0);
  const exact = useExactPathSafe(P, m.exact);
  // Lanczos keeps at most max(80, 2k + 4) vectors (linalg/lanczos.ts), the estimator its sketch and images.
  const wanted = m.top + Math.max(m.bottom, m.top);
  const basis = Math.max(80, 2 * wanted + 4) + 2 * wanted + 12;
  const breakdown = [
    { what: 'parameters (weights in two layouts, gradients, update)', mb: mb(6 * 4 * P), lower: 'width' },
    { what: `Lanczos basis and sketches (${basis} vectors of P floats)`, mb: exact ? 0 : mb(basis * 4 * P), lower: 'top / bottom, or width' },
    { what: 'activations and their derivatives', mb: mb(10 * 4 * N * (hidden + inputDim)), lower: 'samples' },
    { what: 'Gram matrices (N·nL)²', mb: mb(6 * 8 * (N * outputDim) ** 2), lower: 'samples' },
    { what: 'dense P × P matrices (exact path)', mb: exact ? mb(5 * 8 * P * P) : 0, lower: 'exact = false, or width' },
  ].sort((a, b) => b.mb - a.mb);
  const memoryMb = BASE_MB + breakdown.reduce((s, b) => s + b.mb, 0);

  const rate = (RATE[backend] ?? RATE.wasm) * 1e9;
  const gradientFlops = 6 * N * macs;
  const training = (config.train.steps * gradientFlops) / rate;
  const points = measurementSteps(config.train.steps, m).length;
  // Operator applications per measurement, from the measurement plan (measure/matrixFree.ts).
  const applications = exact ? 0 : 3 * (m.top + m.bottom) + 3 * wanted + 4 * m.probes + 2 * m.top + (m.density > 0 ? 10 * 40 : 0);
  const vectorWork = (applications * basis * 2 * P) / (VECTOR_RATE * 1e9);
  const exactWork = exact ? (3 * 10 * N * P * P + 3 * 10 * P ** 3) / 1e9 : 0;
  const perMeasurement = (applications * 2 * gradientFlops) / rate + vectorWork + exactWork;
  const surface = config.surface ? (config.surface.grid ** 2 * 2 * N * macs) / rate : 0;
  return { memoryMb, trialSeconds: training + points * perMeasurement + surface, parameters: P, breakdown };
}

function useExactPathSafe(P: number, exact: ExperimentConfig['measure']['exact']): boolean {
  try {
    return useExactPath(P, exact);
  } catch {
    return true;
  }
}

/** Memory the engines may use: the machine's free memory, less a margin for the rest of the system. */
export function availableMemoryMb(): number {
  return Math.max(0, os.freemem() / 1e6 - 500);
}

/**
 * Refuse a run whose engines would not fit: the message names the largest consumers and what to lower.
 */
export function checkFits(estimate: RunEstimate, workers: number, availableMb = availableMemoryMb()): string | undefined {
  const needed = estimate.memoryMb * workers;
  if (needed <= availableMb) return undefined;
  const top = estimate.breakdown
    .filter((b) => b.mb > 0)
    .slice(0, 3)
    .map((b) => `${b.what}: ${Math.round(b.mb)} MB (lower ${b.lower})`)
    .join('; ');
  const fewer = workers > 1 ? ` Fewer workers (--workers 1) need ${Math.round(estimate.memoryMb)} MB.` : '';
  return `this run needs about ${Math.round(needed)} MB (${workers} engine process${workers > 1 ? 'es' : ''} of ${Math.round(estimate.memoryMb)} MB, P = ${estimate.parameters}) but about ${Math.round(availableMb)} MB are free. Largest parts: ${top}.${fewer}`;
}
