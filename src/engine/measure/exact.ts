import type { MeasureConfig } from '../config';
import { unitRoundoff } from '../linalg/basis';
import { eigenvector, matmul } from '../linalg/dense';
import { denseEigen, type SymmetricEigen } from '../linalg/denseEigen';
import { evaluateLoss, type LossEvaluation } from '../loss/loss';
import type { SampleLoss } from '../../catalogue/losses';
import { Dense64Network } from '../network/dense64';
import { requireFinite } from '../nonFinite';
import type { NetworkSpec } from '../network/spec';
import type { MatrixFreeResult } from './matrixFree';

/**
 * The exact path for small networks: the dense P × P matrices H, I and S in float64 (S assembled
 * directly as Σ ∂_ik C · Hess f_k(x_i), not as H − I) and their full eigendecompositions. Moments are
 * eigenvalue power sums, spectra are complete; the standard errors are float64 rounding bounds only:
 * a backward-stable eigensolver returns the eigenvalues of A + E with ‖E‖ ≲ P·u·‖A‖, which moves
 * Σλ^k by at most k·P·u·‖A‖·Σ|λ|^{k−1} (about 1e-13 relative at P = 600).
 *
 * Cost: 3 P R-operator sweeps over the data (O(N P²)) and three O(P³) eigendecompositions; at
 * P = 600 about 5 s, which is why `exact = auto` stops there (EXACT_AUTO_LIMIT).
 */
export const EXACT_AUTO_LIMIT = 600;
export const EXACT_MAX = 5000;

export function useExactPath(P: number, exact: MeasureConfig['exact']): boolean {
  const problem = exactPathProblem(P, exact);
  if (problem) throw new RangeError(problem);
  return exact === true || (exact === 'auto' && P <= EXACT_AUTO_LIMIT);
}

/** Why `exact` cannot be honoured for P parameters (exact = true beyond EXACT_MAX), or undefined. */
export function exactPathProblem(P: number, exact: MeasureConfig['exact']): string | undefined {
  if (exact !== true || P <= EXACT_MAX) return undefined;
  return `exact = true needs P ≤ ${EXACT_MAX} parameters (this network has ${P}): set exact = auto or false, or make the network smaller`;
}

export interface DenseCurvature {
  readonly P: number;
  readonly H: Float64Array;
  readonly I: Float64Array;
  readonly S: Float64Array;
  /** The loss, ∇C and H_C at the float64 network's outputs: what H, I and S were formed with. */
  readonly loss: LossEvaluation;
}

/**
 * H, I and S of the network with these parameters, float64 end to end: the outputs, the loss, ∇C and
 * H_C come from the float64 network too (from the float32 network's outputs they carried its rounding,
 * about 1e-8 relative, into H and S).
 */
export function denseCurvature(spec: NetworkSpec, params: Float64Array, inputs: Float64Array, sampleLoss: SampleLoss, targets: Float64Array): DenseCurvature {
  const net = new Dense64Network(spec, params, inputs);
  const N = inputs.length / spec.widths[0];
  const loss = evaluateLoss(sampleLoss, requireFinite(net.outputs(), "the network's outputs (float64)"), targets, N, net.outputDim);
  return {
    P: net.P,
    loss,
    H: requireFinite(net.denseFromProducts((v) => net.hvp(v, loss)), 'the dense Hessian H'),
    I: requireFinite(net.denseFromProducts((v) => net.ivp(v, loss)), 'the dense Gauss–Newton matrix I'),
    S: requireFinite(net.denseFromProducts((v) => net.svp(v, loss)), 'the dense matrix S = H − I'),
  };
}

export function measureExact(dense: DenseCurvature, settings: MeasureConfig): MatrixFreeResult {
  const { P } = dense;
  const kmax = settings.moments;
  const eH = denseEigen(dense.H, P, 'descending');
  const eI = denseEigen(dense.I, P, 'descending');
  const eS = denseEigen(dense.S, P, 'descending');
  const powerSums = (e: SymmetricEigen): number[] =>
    Array.from({ length: kmax }, (_, k) => e.values.reduce((s, x) => s + x ** (k + 1), 0));
  const top = Math.min(Math.max(settings.top, 1), P);
  const bottom = Math.min(settings.bottom, P);
  const lowest = (e: SymmetricEigen): number[] => Array.from(e.values.slice(P - bottom)).reverse();
  const u = unitRoundoff('float64');
  const roundingBounds = (e: SymmetricEigen): number[] => {
    const norm = Math.max(Math.abs(e.values[0]), Math.abs(e.values[P - 1]));
    return Array.from({ length: kmax }, (_, k) => (k + 1) * P * u * norm * e.values.reduce((s, x) => s + Math.abs(x) ** k, 0));
  };
  const rounding = { H: roundingBounds(eH), I: roundingBounds(eI), S: roundingBounds(eS) };
  let orthogonality: MatrixFreeResult['orthogonality'];
  if (settings.orthogonality) {
    const IS = matmul(dense.I, dense.S, P, P, P);
    const ratio = frobenius(IS) / (frobenius(dense.I) * frobenius(dense.S));
    orthogonality = {
      IS: ratio,
      // Three float64 Frobenius norms of P² terms each (and the product I·S): a P·u relative bound each.
      IS_stderr: 4 * P * unitRoundoff('float64') * ratio,
      rayleigh: {
        I: Array.from({ length: top }, (_, j) => [eI.values[j], quadratic(dense.S, eigenvector(eI, j), P)] as [number, number]),
        S: Array.from({ length: top }, (_, j) => [quadratic(dense.I, eigenvector(eS, j), P), eS.values[j]] as [number, number]),
      },
    };
  }
  let density: MatrixFreeResult['density'];
  if (settings.density > 0) density = { H: smoothedHistogram(eH.values, settings.density) };
  return {
    moments: { H: powerSums(eH), I: powerSums(eI), S: powerSums(eS) },
    stderr: rounding,
    rounding,
    top: { H: Array.from(eH.values.slice(0, top)), I: Array.from(eI.values.slice(0, top)), S: Array.from(eS.values.slice(0, top)) },
    bottom: bottom > 0 ? { H: lowest(eH), S: lowest(eS) } : {},
    density,
    orthogonality,
    applications: { H: P, I: P, S: P },
  };
}

function quadratic(A: Float64Array, v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += A[i * n + j] * v[j];
    s += v[i] * r;
  }
  return s;
}

function frobenius(A: Float64Array): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * A[i];
  return Math.sqrt(s);
}

/** The exact eigenvalues as a density: Gaussians one grid step wide on `bins` points, integrating to P. */
export function smoothedHistogram(values: ArrayLike<number>, bins: number): { x: number[]; y: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const width = (hi - lo) / Math.max(bins - 1, 1) || 1;
  const x = Array.from({ length: bins }, (_, i) => lo - width + ((hi - lo + 2 * width) * i) / Math.max(bins - 1, 1));
  const norm = 1 / (width * Math.sqrt(2 * Math.PI));
  const y = x.map((t) => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += Math.exp(-0.5 * ((t - values[i]) / width) ** 2);
    return s * norm;
  });
  return { x, y };
}
