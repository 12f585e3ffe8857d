import type { MeasureConfig } from '../config';
import { applyLossHessian } from '../loss/loss';
import { lanczosEigs, type LanczosResult } from '../linalg/lanczos';
import { traceMoments, type MomentsResult } from '../linalg/moments';
import { frobeniusRatioFromMoments } from '../linalg/frobenius';
import { slq, slqDensity } from '../linalg/slq';
import { countingOperator, dot, matvec, norm, type LinearOperator, type Vector } from '../linalg/operator';
import { measuredRounding } from '../linalg/rounding';
import type { Curvature } from '../network/curvature';
import { Rng } from '../rng';
import type { NtkSpectrum } from './ntkSpectrum';

/**
 * One measurement of H, I and S without forming them (P up to millions), every algorithm taking the
 * operators of `Curvature`:
 *
 *  - I: everything exact from Θ̂ (ntkSpectrum): moments, top eigenvalues, eigenvectors Jᵀc.
 *  - S: Tr(S) exact as Gᵀ∇C; extreme eigenpairs by Lanczos at both ends; Tr(S^k), k ≥ 2, by the
 *    deflated estimator with those Ritz vectors as its sketch (a few large |eigenvalues| dominate
 *    Tr(S⁴)); ‖IS‖_F² = Tr(S I² S) from the same probes, one I product per vector.
 *  - H: top (and bottom) eigenpairs by Lanczos, moments by the deflated estimator sketched with them
 *    (Tr(H) itself exactly, as Tr(I) + Tr(S));
 *    the spectral density by stochastic Lanczos quadrature when asked.
 *  - Figure 2: (vᵀIv, vᵀSv) for the top eigenvectors of I (one S product each) and of S (one J v each).
 *
 * Lanczos is asked for a relative residual of 1e-4, at the float32 operators' attainable accuracy.
 *
 * Every standard error bounds the total error: the probes' sample error and the float32 arithmetic
 * (THEORY.md, "Rounding"). ε_H, ε_I and ε_S, the relative rounding of one application of each operator,
 * are measured (rounding.ts, two applications each); a k-fold product errs by k·ε relative to the
 * absolute size of what it sums. So the exact-from-Θ̂ Tr(I^k) carries k·ε_I·Σ|λ|^k, Tr(S) = Gᵀ∇C
 * carries L·ε_S·Σ|G|_ik |∂_ik C| (G's recursion is L float32 products like S's, |G| its absolute-value
 * size: hessianTracesWithSize), and Tr(H) their sum.
 */
export interface MatrixFreeResult {
  readonly moments: { H: number[]; I: number[]; S: number[] };
  readonly stderr: { H: number[]; I: number[]; S: number[] };
  /** The arithmetic's share of stderr: the bound on rounding error that stderr includes. */
  readonly rounding: { H: number[]; I: number[]; S: number[] };
  readonly top: { H: number[]; I: number[]; S: number[] };
  readonly bottom: { H?: number[]; S?: number[] };
  readonly density?: { H: { x: number[]; y: number[]; nodes?: number[][]; weights?: number[][] } };
  readonly orthogonality?: { IS: number; IS_stderr: number; rayleigh: { I: [number, number][]; S: [number, number][] } };
  readonly applications: { H: number; I: number; S: number };
}

/** Lanczos vectors per measurement and SLQ sizes (documented in the README's "What a measurement costs"). */
const LANCZOS_TOL = 1e-4;
export const SLQ_MAX_VECTORS = 10;
export const SLQ_STEPS = 40;

/** Tr(S) = Gᵀ∇C, Σ|G|_ik |∂_ik C| (the size its rounding is relative to) and the products G took. */
export interface TraceOfS {
  readonly value: number;
  readonly absoluteSize: number;
  readonly products: number;
}

/**
 * What a measurement needs of the curvature: its operators, and for Figure 2's Rayleigh quotients
 * (`orthogonality`) the Jacobian products and the loss. A diagonal block of the network's curvature
 * (measure/layers.ts) has the operators only.
 */
export type MeasuredCurvature = Pick<Curvature, 'P' | 'operators'> & Partial<Pick<Curvature, 'vjp' | 'jvp' | 'loss'>>;

export function measureMatrixFree(
  curv: MeasuredCurvature,
  spectrum: NtkSpectrum,
  traceS: TraceOfS,
  settings: MeasureConfig,
  rng: Rng,
): MatrixFreeResult {
  const ops = curv.operators();
  const H = countingOperator(ops.H);
  const I = countingOperator(ops.I);
  const S = countingOperator(ops.S);
  const epsilon = { H: measuredRounding(H), I: measuredRounding(I), S: measuredRounding(S) };
  const kmax = settings.moments;
  const P = curv.P;
  const top = Math.min(Math.max(settings.top, 1), P - 1);
  const bottom = Math.min(settings.bottom, P - 1 - top);

  // H: extreme eigenpairs, then moments deflated by them.
  const hEig = lanczosEigs(H, {
    k: top,
    which: bottom > 0 ? 'both' : 'largest',
    kSmallest: bottom > 0 ? bottom : undefined,
    tol: LANCZOS_TOL,
    wantImages: true,
    rng: new Rng(rng.nextUint32(), 'lanczos-H'),
  });
  const hMoments = traceMoments(H, {
    kmax,
    probes: settings.probes,
    sketch: { vectors: hEig.eigenvectors as Vector[], images: hEig.images as Vector[] },
    rng: new Rng(rng.nextUint32(), 'moments-H'),
    rounding: epsilon.H,
  });

  // S: both ends (its spectrum is roughly symmetric), then moments and ‖IS‖_F² from the same probes.
  const sSmallest = Math.max(bottom, top);
  const sEig = lanczosEigs(S, {
    k: top,
    which: 'both',
    kSmallest: Math.min(sSmallest, P - 1 - top),
    tol: LANCZOS_TOL,
    wantImages: true,
    rng: new Rng(rng.nextUint32(), 'lanczos-S'),
  });
  const normSquaredOfI = (v: Vector): number => {
    const y = matvec(I, v);
    return dot(y, y);
  };
  const sMoments = traceMoments(S, {
    kmax: Math.max(kmax, 2),
    probes: settings.probes,
    sketch: { vectors: sEig.eigenvectors as Vector[], images: sEig.images as Vector[] },
    functionals: settings.orthogonality ? [{ name: 'AB', degree: 1, evaluate: (p) => normSquaredOfI(p[1]), rounding: 2 * epsilon.I }] : [],
    rng: new Rng(rng.nextUint32(), 'moments-S'),
    rounding: epsilon.S,
  });

  const sValues = estimates(sMoments, kmax);
  const sErrors = stderrs(sMoments, kmax);
  // Tr(S) = Gᵀ∇C without sampling: report it, not the estimate (which the tests compare against it).
  const iErrors = spectrum.traces.slice(0, kmax).map((_, k) => (k + 1) * epsilon.I * sumAbsPowers(spectrum.iEigenvalues, k + 1));
  sValues[0] = traceS.value;
  sErrors[0] = traceS.products * epsilon.S * traceS.absoluteSize;
  const sRounding = sMoments.moments.slice(0, kmax).map((e) => e.roundingBound);
  sRounding[0] = sErrors[0];

  let orthogonality: MatrixFreeResult['orthogonality'];
  if (settings.orthogonality) {
    const ratio = frobeniusRatioFromMoments(sMoments, {
      exactNormA2: spectrum.traces.length >= 2 ? spectrum.traces[1] : sumPowers(spectrum.iEigenvalues, 2),
      exactRoundingA2: 2 * epsilon.I * sumAbsPowers(spectrum.iEigenvalues, 2),
    });
    orthogonality = {
      IS: ratio.cosine.estimate,
      IS_stderr: ratio.cosine.stderr,
      rayleigh: rayleighQuotients(curv, spectrum, sEig, top, S),
    };
  }

  let density: MatrixFreeResult['density'];
  if (settings.density > 0) density = { H: hDensity(H, hEig, settings, rng) };

  // Tr(H) = Tr(I) + Tr(S) by linearity, both without sampling (Θ̂ and Gᵀ∇C): no probe can do better,
  // and their rounding bounds add. The probes' own Tr(H) estimate is still made (it is the same
  // Hutchinson sum) but not reported.
  const hValues = estimates(hMoments, kmax);
  const hErrors = stderrs(hMoments, kmax);
  hValues[0] = spectrum.traces[0] + traceS.value;
  hErrors[0] = iErrors[0] + sErrors[0];
  const hRounding = hMoments.moments.slice(0, kmax).map((e) => e.roundingBound);
  hRounding[0] = hErrors[0];

  return {
    moments: { H: hValues, I: spectrum.traces.slice(0, kmax), S: sValues },
    stderr: { H: hErrors, I: iErrors, S: sErrors },
    rounding: { H: hRounding, I: iErrors, S: sRounding },
    top: {
      H: Array.from(hEig.eigenvalues.subarray(0, top)),
      I: Array.from(spectrum.iEigenvalues.subarray(0, top)),
      S: Array.from(sEig.eigenvalues.subarray(0, top)),
    },
    bottom: bottom > 0 ? { H: Array.from(hEig.eigenvalues.subarray(top, top + bottom)), S: Array.from(sEig.eigenvalues.subarray(top, top + bottom)) } : {},
    density,
    orthogonality,
    applications: { H: H.applications, I: I.applications, S: S.applications },
  };
}

function estimates(m: MomentsResult, kmax: number): number[] {
  return m.moments.slice(0, kmax).map((e) => e.estimate);
}

function stderrs(m: MomentsResult, kmax: number): number[] {
  return m.moments.slice(0, kmax).map((e) => e.stderr);
}

function sumAbsPowers(values: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]) ** k;
  return s;
}

function sumPowers(values: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ** k;
  return s;
}

/**
 * Figure 2: for the top eigenvectors v of I, (λ, vᵀSv); for the top eigenvectors of S, (vᵀIv, θ) with
 * vᵀIv = (Jv)ᵀ H_C (Jv).
 */
function rayleighQuotients(
  curv: MeasuredCurvature,
  spectrum: NtkSpectrum,
  sEig: LanczosResult,
  top: number,
  S: LinearOperator,
): { I: [number, number][]; S: [number, number][] } {
  const { vjp, jvp, loss } = curv;
  if (!vjp || !jvp || !loss) throw new Error('rayleighQuotients: the orthogonality measurement needs the network\'s Jacobian products');
  const fromI: [number, number][] = [];
  const count = Math.min(top, spectrum.iEigenvectorSeeds.length);
  for (let j = 0; j < count; j++) {
    const v = vjp.call(curv, spectrum.iEigenvectorSeeds[j]);
    const vn = norm(v);
    const sv = matvec(S, v);
    fromI.push([spectrum.iEigenvalues[j], dot(v, sv) / (vn * vn)]);
  }
  const fromS: [number, number][] = [];
  const vectors = sEig.eigenvectors ?? [];
  for (let j = 0; j < Math.min(top, vectors.length); j++) {
    const jv = jvp.call(curv, vectors[j]);
    const hjv = applyLossHessian(loss, jv);
    let vIv = 0;
    for (let a = 0; a < jv.length; a++) vIv += jv[a] * hjv[a];
    fromS.push([vIv, sEig.eigenvalues[j]]);
  }
  return { I: fromI, S: fromS };
}

/**
 * Spectral density of H by stochastic Lanczos quadrature on a grid of `density` points spanning the
 * extreme Ritz values, smoothed by a Gaussian one grid step wide.
 */
function hDensity(H: LinearOperator, hEig: LanczosResult, settings: MeasureConfig, rng: Rng): { x: number[]; y: number[]; nodes: number[][]; weights: number[][] } {
  const result = slq(H, {
    probes: Math.max(2, Math.min(SLQ_MAX_VECTORS, settings.probes)),
    steps: Math.min(SLQ_STEPS, H.size),
    rng: new Rng(rng.nextUint32(), 'slq-H'),
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of result.probes) {
    lo = Math.min(lo, p.nodes[0]);
    hi = Math.max(hi, p.nodes[p.nodes.length - 1]);
  }
  lo = Math.min(lo, ...hEig.eigenvalues);
  hi = Math.max(hi, ...hEig.eigenvalues);
  const bins = settings.density;
  const width = (hi - lo) / Math.max(bins - 1, 1) || 1;
  const d = slqDensity(result, { sigma: width, points: bins, min: lo - width, max: hi + width });
  return {
    x: Array.from(d.t),
    y: Array.from(d.density),
    nodes: result.probes.map((p) => Array.from(p.nodes)),
    weights: result.probes.map((p) => Array.from(p.weights)),
  };
}
