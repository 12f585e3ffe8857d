import type { BackendName } from '../engine/backend';

/**
 * How fast each kind of work goes, the inputs of the time model (estimate.ts). Nominal figures of this
 * machine's kind (2 cores, measured with `npm run bench` and the calibration runs noted beside each
 * rate); a later calibration from a short measured run replaces them per backend and per kind of work,
 * which is why they are a value passed in rather than constants inside the model.
 */
export interface CostRates {
  /** TensorFlow.js matrix products of the network's passes (forward, backward, R-operator), GFLOP/s. */
  readonly passGflops: number;
  /** Fixed cost of one TensorFlow.js op (dispatch, allocation), seconds: what makes deep narrow nets slow. */
  readonly opSeconds: number;
  /** JavaScript vector work (dots, axpys, reorthogonalization against a basis), G elements/s. */
  readonly vectorGelems: number;
  /** Float64 dense linear algebra in JavaScript (eigendecompositions, Gram products, the exact path), GFLOP/s. */
  readonly denseGflops: number;
  /** Gauss–Hermite nodes per second of the theory's pair expectations (one pair, one layer, every moment). */
  readonly quadratureNodesPerSecond: number;
  /** One pair of points of one layer read from the theory's ρ-tables (equal norms: normalized inputs), seconds. */
  readonly tabulatedPairSeconds: number;
  /** What a training step costs besides its passes (loss, progress, a turn of the event loop), seconds. */
  readonly stepSeconds: number;
  /** Forking an engine and starting its backend (Node, TensorFlow.js, the wasm module and its threads), seconds. */
  readonly engineStartSeconds: number;
}

/** Shared by every backend: the JavaScript side does not depend on TensorFlow.js's backend. */
const JAVASCRIPT = {
  // The SIMD vector arena (linalg/simd): quickstart (P = 66817, 80 basis vectors) spends 2.8 ms per
  // operator application, about 1.3 ms of it in reorthogonalization.
  vectorGelems: 4,
  // ml-matrix's symmetric eigensolver at 9n³ flops: 0.6–1.2 GFLOP/s for n = 400 on a loaded machine.
  denseGflops: 1,
  // 2-D Gauss–Hermite at degree 60 (3600 nodes): 170 µs per pair and layer; degree 120: 540 µs.
  quadratureNodesPerSecond: 2e7,
  // ρ-tables: 3–5 µs per pair and layer (N = 128, depth 4 and 12).
  tabulatedPairSeconds: 5e-6,
  // An engine's fork to its backend being ready (wasm, the native product): 0.2–0.3 s here from the
  // bundle, 0.75 s from source through tsx (`ntkexp run --plan` measures it).
  engineStartSeconds: 0.3,
};

/**
 * Nominal rates per backend. wasm: a training step of a width-8 network costs 0.23 ms per layer
 * (depth 4, 20, 60: 1.6, 4.4, 13.7 ms), about ten ops per layer and pass at 8 µs each.
 */
export const NOMINAL_RATES: Readonly<Record<BackendName, CostRates>> = {
  tensorflow: { ...JAVASCRIPT, passGflops: 40, opSeconds: 2e-5, stepSeconds: 5e-4 },
  wasm: { ...JAVASCRIPT, passGflops: 20, opSeconds: 8e-6, stepSeconds: 5e-4 },
  cpu: { ...JAVASCRIPT, passGflops: 0.8, opSeconds: 5e-6, stepSeconds: 5e-4 },
};

/** The rates of a backend; `auto` (the best that loads is not known before an engine starts) is costed as wasm. */
export function ratesFor(backend: BackendName | 'auto' | undefined): CostRates {
  return backend && backend !== 'auto' ? NOMINAL_RATES[backend] : NOMINAL_RATES.wasm;
}
