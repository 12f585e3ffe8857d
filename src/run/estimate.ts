import * as os from 'node:os';
import { exactPathProblem, useExactPath } from '../engine/measure/exact';
import { SLQ_MAX_VECTORS, SLQ_STEPS } from '../engine/measure/matrixFree';
import { EXPECTED_SAMPLES } from '../engine/theory/theoryLines';
import { DIRECTION_PATTERN } from '../format/schema';
import type { CostRates } from './costRates';
import { networkFigures, type RunSize } from './runSize';
import { bytesText } from './units';

/**
 * A run's cost before it starts, phase by phase, from its sizes (runSize.ts) and the rates of the
 * machine (costRates.ts): the one place that computes them, so a refusal (limits.ts) can say which
 * phase and what to lower, and `ntkexp check` warns from the same figures. Rough by design (stated as
 * such): time counts the FLOPs of the passes at a nominal rate, a fixed cost per TensorFlow.js op
 * (which is what depth costs in a narrow network), the algorithms' vector work and the float64 dense
 * work; memory counts the large buffers; records count the bytes series.jsonl will hold.
 */
export type Phase = 'training' | 'measurements' | 'surface' | 'theory' | 'records' | 'memory';

/** A setting of the file, to name what to lower and to place a diagnostic: `{ block: 'train', key: 'steps' }`. */
export interface SettingRef {
  readonly block: 'experiment' | 'data' | 'network' | 'train' | 'measure' | 'surface' | 'sweep';
  readonly key: string;
}

export const settingRef = (block: SettingRef['block'], key: string): SettingRef => ({ block, key });
const ref = settingRef;

/** "every, points, probes": settings as a message names them. */
export function settingNames(settings: readonly SettingRef[]): string {
  return settings.map((s) => s.key).join(', ');
}

export interface PhaseEstimate {
  readonly phase: Phase;
  /** Seconds of one trial (records: 0; theory: its per-trial part, the kernels are in `onceSeconds`). */
  readonly seconds: number;
  /** Seconds spent once per engine process and experiment (the theory's kernels), not per trial. */
  readonly onceSeconds?: number;
  /** Bytes written to series.jsonl by one trial (records only). */
  readonly bytes?: number;
  /** The figure in words: "1000 steps × 2.1 ms". */
  readonly figure: string;
  /** The settings that lower it, in the order to try them. */
  readonly lower: readonly SettingRef[];
}

export interface MemoryPart {
  readonly what: string;
  readonly mb: number;
  readonly lower: readonly SettingRef[];
}

export interface RunEstimate {
  /** Peak resident memory of one engine process, in MB. */
  readonly memoryMb: number;
  /** Of which the tensors TensorFlow.js holds (the wasm backend keeps them in one heap of at most 4 GB). */
  readonly tensorMb: number;
  /** Wall time of one trial in seconds, every phase included (without the once-per-engine kernels). */
  readonly trialSeconds: number;
  /** Once per engine process and experiment: the theory's infinite-width kernels. */
  readonly onceSeconds: number;
  readonly parameters: number;
  /** Measurements per trial. */
  readonly measurements: number;
  /** Whether measurements use the dense P × P path (measure.exact). */
  readonly exactPath: boolean;
  /** series.jsonl bytes of one trial. */
  readonly recordBytes: number;
  /** The largest single record (one line of series.jsonl) and what makes it large. */
  readonly largestRecord: { readonly what: string; readonly bytes: number; readonly lower: readonly SettingRef[] };
  /** The largest contributions to memory, largest first. */
  readonly breakdown: readonly MemoryPart[];
  /** Every phase with its figure: training, measurements, surface, theory, records. */
  readonly phases: readonly PhaseEstimate[];
}

/** Node, TensorFlow.js and the wasm heap before any tensor. */
const BASE_MB = 250;
/** A number in a JSON record with its separator: `-1.2345678901234567e-12,`. */
const NUMBER_BYTES = 22;
/** Keys and fixed fields of a record. */
const RECORD_OVERHEAD = 600;
/** Lanczos asks for a residual of 1e-4: about 3 applications per wanted pair plus a start-up (linalg/lanczos.ts). */
const lanczosApplications = (k: number, P: number): number => Math.min(P, 3 * k + 20);
/** Ops per layer of one pass (forward: product, bias, activation and derivatives; backward alike). */
const OPS_PER_LAYER_PASS = 10;

export function estimateRun(size: RunSize, rates: CostRates): RunEstimate {
  const { N, depth: L } = size;
  const nL = size.outputDim;
  const M = N * nL;
  const { P, macs, hiddenSum, widest, sumIn, sumOut } = networkFigures(size.layers);
  // exact = true beyond what the dense path takes is refused by the limits; cost it as matrix-free.
  const exactPath = !exactPathProblem(P, size.exact) && useExactPath(P, size.exact);

  const passRate = rates.passGflops * 1e9;
  const denseRate = rates.denseGflops * 1e9;
  const vectorRate = rates.vectorGelems * 1e9;
  const layerPass = L * OPS_PER_LAYER_PASS * rates.opSeconds;
  const forward = (2 * N * macs) / passRate + layerPass;
  const gradient = (6 * N * macs) / passRate + 2 * layerPass;
  const eig = (n: number): number => (9 * n ** 3) / denseRate;

  // Training: each step reads the outputs (a forward pass) and takes a gradient step.
  const perStep = forward + gradient + rates.stepSeconds;
  const training = size.steps * perStep;

  // One measurement (measure/measure.ts): outputs, Θ̂ and its spectrum, G, then H and S.
  // Per layer two Gram products (activations N² n_ℓ, signals M² n_{ℓ+1}) and their float64 combination.
  const gram = forward + nL * gradient + (2 * (N * N * sumIn + M * M * sumOut)) / passRate + (2 * L * M * M) / denseRate;
  const spectrum = eig(M) * (size.quadraticLoss ? 1 : 2);
  // G: L passes, plus per sample a product of per-layer Jacobians for every pair of layers ≥ 3 apart (network/hessianTrace.ts).
  const deepPairs = L >= 4 ? ((L - 3) * (L - 2)) / 2 : 0;
  const traces = L * forward + N * deepPairs * ((2 * widest ** 3) / passRate + 4 * rates.opSeconds);
  const top = Math.min(Math.max(size.top, 1), Math.max(P - 1, 1));
  const bottom = Math.min(size.bottom, Math.max(P - 1 - top, 0));
  const wanted = top + Math.max(bottom, top);
  const basis = Math.min(P, Math.max(80, 2 * wanted + 4));
  const half = (k: number): number => Math.ceil(k / 2);
  const applications = exactPath
    ? 0
    : lanczosApplications(top + bottom, P) +
      lanczosApplications(wanted, P) +
      size.probes * (half(size.moments) + half(Math.max(size.moments, 2))) +
      (size.orthogonality ? size.probes + 2 * top : 0) +
      (size.density > 0 ? Math.min(SLQ_MAX_VECTORS, Math.max(2, size.probes)) * Math.min(SLQ_STEPS, P) : 0);
  // An H v is a forward-mode pass and the reverse of it: about two gradients.
  // Each application is reorthogonalized against the basis (Lanczos) or projected on the sketch (probes).
  const perApplication = 2 * gradient + (basis * P) / vectorRate;
  // Dense path: P R-operator sweeps per matrix in float64 JavaScript, three eigendecompositions, I·S.
  const exactWork = exactPath ? (3 * P * 8 * N * macs) / denseRate + 3 * eig(P) + (size.orthogonality ? (2 * P ** 3) / denseRate : 0) : 0;
  // measure.layers: each weight layer's blocks by the same estimators on the block operators (each
  // application one of the whole operator), its Gram's spectrum and its G_ℓ (measure/layers.ts):
  // about one more measurement per layer.
  const layerWork = size.perLayer ? L * (spectrum + traces + applications * perApplication + exactWork) : 0;
  const perMeasurement = forward + gram + spectrum + traces + applications * perApplication + exactWork + layerWork;
  const measurements = size.measurements * perMeasurement;

  // Loss surface (measure/surface.ts): the directions, then grid² forward passes with a P-sized update each.
  let surface = 0;
  let surfacePoints = 0;
  if (size.surface) {
    surfacePoints = size.surface.grid ** 2;
    const directions = size.surface.directions.reduce((s, d) => {
      const m = DIRECTION_PATTERN.exec(d);
      if (!m) return s + P / vectorRate;
      if (m[1] === 'I') return s + gram + spectrum + gradient;
      return s + lanczosApplications(Number(m[2]), P) * perApplication;
    }, 0);
    surface = directions + surfacePoints * (forward + (3 * P) / vectorRate) + 2 * perApplication;
  }

  // Theory: kernels once per engine (theory/kernels.ts: every pair of points at every layer), then per
  // trial the limit spectrum and the predictions at each measurement (theory/theoryLines.ts).
  let kernels = 0;
  let lines = 0;
  if (size.theory) {
    const pairs = (N * (N + 1)) / 2;
    const perPair = size.quadratureDegree === 0 ? 1e-7 : size.normalized ? rates.tabulatedPairSeconds : size.quadratureDegree ** 2 / rates.quadratureNodesPerSecond;
    kernels = (L - 1) * (pairs * perPair + (40 * N * N) / denseRate);
    const kmax = size.moments;
    if (size.quadraticLoss) {
      lines = 2 * eig(N) + (size.measurements * kmax * 16 * M * M) / denseRate;
    } else {
      const path = (size.steps * 4 * M * M + size.measurements * (kmax >= 3 ? ((nL * (nL + 1)) / 2) * 2 * N ** 3 : 2 * M * M)) / denseRate;
      lines = eig(N) + path * (1 + EXPECTED_SAMPLES);
    }
  }

  // Records: one measurement record per scheduled step, the theory's lines and the surface once per trial.
  const slqNodes = size.density > 0 ? 2 * Math.min(SLQ_MAX_VECTORS, Math.max(2, size.probes)) * Math.min(SLQ_STEPS, P) : 0;
  const measurementNumbers =
    6 * size.moments + (size.theory ? 6 * size.moments + M : 0) + 3 * top + 2 * bottom + (size.density > 0 ? 2 * size.density + slqNodes : 0) + (size.orthogonality ? 2 + 4 * top : 0) + M;
  const measurementRecord = RECORD_OVERHEAD + NUMBER_BYTES * measurementNumbers;
  const theoryRecord = size.theory ? RECORD_OVERHEAD + NUMBER_BYTES * size.measurements * (2 + 12 * size.moments) : 0;
  const surfaceRecord = size.surface ? RECORD_OVERHEAD + NUMBER_BYTES * (surfacePoints + 2 * size.surface.grid) : 0;
  const recordBytes = size.measurements * measurementRecord + theoryRecord + surfaceRecord + RECORD_OVERHEAD;
  const largestRecord = [
    { what: `a measurement record (Θ̂'s ${M} eigenvalues${size.density > 0 ? `, ${size.density} density bins` : ''})`, bytes: measurementRecord, lower: [ref('data', 'samples'), ref('measure', 'density')] },
    { what: `the theory's lines (${size.measurements} measurement steps)`, bytes: theoryRecord, lower: [ref('measure', 'every'), ref('measure', 'points'), ref('measure', 'theory')] },
    { what: `the loss surface (${surfacePoints} points)`, bytes: surfaceRecord, lower: [ref('surface', 'grid')] },
  ].reduce((a, b) => (b.bytes > a.bytes ? b : a));

  const mb = (bytes: number): number => bytes / 1e6;
  const tensors: MemoryPart[] = [
    { what: 'parameters (weights in two layouts, gradients, update)', mb: mb(6 * 4 * P), lower: [ref('network', 'width')] },
    { what: 'activations and their derivatives', mb: mb(10 * 4 * N * (hiddenSum + size.inputDim)), lower: [ref('data', 'samples'), ref('network', 'width')] },
  ];
  const breakdown: MemoryPart[] = [
    ...tensors,
    {
      what: `Lanczos basis and sketches (${basis + 2 * wanted + 12} vectors of P floats)`,
      mb: exactPath ? 0 : mb((basis + 2 * wanted + 12) * 4 * P),
      lower: [ref('measure', 'top'), ref('measure', 'bottom'), ref('network', 'width')],
    },
    { what: 'Gram matrices (N·nL)²', mb: mb(6 * 8 * M * M), lower: [ref('data', 'samples')] },
    { what: 'dense P × P matrices (exact path)', mb: exactPath ? mb(5 * 8 * P * P) : 0, lower: [ref('measure', 'exact'), ref('network', 'width')] },
    { what: 'infinite-width kernels (about 20 N × N)', mb: size.theory ? mb(20 * 8 * N * N) : 0, lower: [ref('data', 'samples'), ref('measure', 'theory')] },
    { what: 'the loss surface grid', mb: mb(16 * surfacePoints), lower: [ref('surface', 'grid')] },
    // Every engine pays it: only fewer engines lower it (`lower` is empty).
    { what: 'Node, TensorFlow.js and the wasm heap before any tensor', mb: BASE_MB, lower: [] },
  ].sort((a, b) => b.mb - a.mb);
  const memoryMb = breakdown.reduce((s, b) => s + b.mb, 0);
  const tensorMb = tensors.reduce((s, b) => s + b.mb, 0) + mb(4 * (M * M + N * N));

  const phases: PhaseEstimate[] = [
    { phase: 'training', seconds: training, figure: `${size.steps} steps × ${duration(perStep)}`, lower: [ref('train', 'steps'), ref('network', 'width'), ref('data', 'samples'), ref('network', 'depth')] },
    {
      phase: 'measurements',
      seconds: measurements,
      figure: `${size.measurements} measurements × ${duration(perMeasurement)} (${exactPath ? `dense ${P} × ${P} matrices` : `${applications} operator applications`}, Θ̂ of size ${M})`,
      lower:
        size.measurements > 100
          ? [ref('measure', 'every'), ref('measure', 'points'), ref('measure', 'probes'), ref('data', 'samples')]
          : [ref('measure', 'probes'), ref('measure', 'top'), ref('measure', 'moments'), ref('data', 'samples'), ref('network', 'width')],
    },
    { phase: 'surface', seconds: surface, figure: `${surfacePoints} loss evaluations (grid ${size.surface?.grid ?? 0}²)`, lower: [ref('surface', 'grid')] },
    {
      phase: 'theory',
      seconds: lines,
      onceSeconds: kernels,
      figure: `kernels ${duration(kernels)} once per engine (${L - 1} layer${L === 2 ? '' : 's'} × ${Math.round((N * (N + 1)) / 2)} pairs), predictions ${duration(lines)} per trial`,
      lower: [ref('data', 'samples'), ref('measure', 'theory')],
    },
    {
      phase: 'records',
      seconds: 0,
      bytes: recordBytes,
      figure: `${size.measurements} measurement records × ${bytesText(measurementRecord)}${surfaceRecord ? ` and a surface of ${bytesText(surfaceRecord)}` : ''} per trial`,
      lower: [ref('measure', 'every'), ref('measure', 'points'), ref('surface', 'grid'), ref('data', 'samples')],
    },
  ];
  return {
    memoryMb,
    tensorMb,
    trialSeconds: training + measurements + surface + lines,
    onceSeconds: kernels,
    parameters: P,
    measurements: size.measurements,
    exactPath,
    recordBytes,
    largestRecord,
    breakdown,
    phases,
  };
}

/** Memory the engines may use: the machine's free memory, less a margin for the rest of the system. */
export function availableMemoryMb(): number {
  return Math.max(0, os.freemem() / 1e6 - 500);
}

/** 40 µs, 0.4 ms, 12 s, 3.2 min, 5.1 h, 12 days, 3.4 years: two significant digits. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  if (seconds === 0) return '0 s';
  const units: [number, string][] = [[1e-6, 'µs'], [1e-3, 'ms'], [1, 's'], [60, 'min'], [3600, 'h'], [86400, 'days'], [365.25 * 86400, 'years']];
  // The largest unit that leaves at least 1 (2 for minutes and hours, so 90 s stays seconds), else µs.
  let i = units.length - 1;
  while (i > 0 && seconds / units[i][0] < (units[i][1] === 'min' || units[i][1] === 'h' || units[i][1] === 'days' ? 2 : 1)) i--;
  const v = seconds / units[i][0];
  return `${v >= 10 && v < 1e6 ? Math.round(v) : v.toPrecision(2)} ${units[i][1]}`;
}
