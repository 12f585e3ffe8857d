/**
 * Moments Tr(A^k), k = 1 … kmax, of a symmetric operator with standard errors, by deflated Hutchinson
 * estimation: Hutch++ (Meyer, Musco, Musco & Woodruff, "Hutch++: Optimal Stochastic Trace Estimation",
 * SOSA 2021) generalized to powers. For any orthonormal Q (r columns) and P⊥ = Id − QQᵀ,
 *
 *     Tr(A^k) = Tr(QᵀA^kQ) + Tr(P⊥A^kP⊥),
 *
 * the first term exactly (from A^jQ, j ≤ ⌈k/2⌉, or from a Lanczos projection: see sketch.ts), the
 * second by probes g (E ggᵀ = Id): with x = P⊥g, xᵀA^kx = (A^a x)·(A^b x), a = ⌈k/2⌉, b = ⌊k/2⌋, so
 * ⌈kmax/2⌉ applications per probe give every k. The estimate is unbiased for any Q chosen
 * independently of the probes; its standard error is the sample standard deviation over √m. When a
 * few eigenvalues dominate and Q holds their eigenvectors, the variance drops from ≈ 2‖A^k‖_F²
 * (relative error ≈ √(2/m) for plain Hutchinson) to that of the deflated bulk.
 *
 * The same probes can feed other traces: a `ProbeFunctional` receives the powers [x, A x, …] of each
 * sketch vector and each deflated probe and returns xᵀMx for its own M; this function sums the sketch
 * values and averages the probe values exactly as for the moments, so Tr(M) is estimated with the same
 * deflation and the same standard error machinery (e.g. ‖I S‖_F² = Tr(S I² S) with A = S and
 * evaluate = ‖I (S x)‖², one application of I per vector; see frobenius.ts).
 *
 * Rounding: the float32 operators are not exact, and where the stochastic remainder is tiny its sample
 * error says nothing about that. Each reported standard error is √(statistical² + rounding²), the
 * rounding bound being k·ε times the absolute size of what was summed: Σ‖A^a q‖‖A^b q‖ over the sketch
 * plus the mean of ‖A^a x‖‖A^b x‖ over the probes, with ε the operator's measured relative rounding
 * (rounding.ts; the caller may pass it). Both parts are reported separately as well.
 *
 * Memory: the r sketch vectors (and images, if given) plus blockSize · (⌈kmax/2⌉ + 1) work vectors.
 *
 * Float32 operators of large size work in a vector arena (simd/arena.ts): Q is copied in once, each
 * block of probes is projected with one SIMD sweep over Q for its dots and one for its updates, and
 * the powers are copied in so that their inner products run there too (r more vectors of memory).
 */
import { Rng } from '../rng';
import { fillProbe, orthonormalityDefect, unitRoundoff, type ProbeDistribution } from './basis';
import { allocVector, axpy, countingOperator, dot, scaledCopy, type LinearOperator, type Vector } from './operator';
import { arenaOf, VectorArena } from './simd/arena';
import { krylovSketch, type Sketch } from './sketch';
import { measuredRounding } from './rounding';
import { mean, standardError, type Estimate } from './stats';

export type { Sketch } from './sketch';

export interface ProbeFunctional {
  readonly name: string;
  /** Highest power of A that `evaluate` reads (powers[0 … degree]). */
  readonly degree: number;
  /**
   * xᵀMx for this functional's M, given powers[j] = A^j x. The vectors are valid only during the call
   * (their storage is reused for the next probes): read them, do not keep them.
   */
  evaluate(powers: readonly Vector[]): number;
  /**
   * Relative rounding of `evaluate` beyond that of the powers it reads (e.g. 2ε_B for ‖B A x‖², whose
   * own application of B errs by ε_B); 0 when omitted. The powers add 2·degree·ε of A's.
   */
  readonly rounding?: number;
}

export interface MomentsOptions {
  kmax: number;
  /** Probes (the minimum, when a stopping target is set); default 16, at least 2. */
  probes?: number;
  /** Stop once every moment's standard error is ≤ this × |estimate| (adds probes block by block). */
  targetRelativeStderr?: number;
  /** Any other stopping rule, checked after each block of probes once `probes` have been used. */
  stopWhen?: (progress: MomentsResult) => boolean;
  /** Upper limit when a stopping rule is set (default 10000). */
  maxProbes?: number;
  distribution?: ProbeDistribution;
  /** Random numbers for the probes (default new Rng(0, 'moments')). */
  rng?: Rng;
  /** The deflation Q; omitted (and no sketchDimension): plain Hutchinson. */
  sketch?: Sketch;
  /** Build a Krylov sketch of this dimension (krylovSketch) when `sketch` is not given. */
  sketchDimension?: number;
  functionals?: readonly ProbeFunctional[];
  /** Vectors per operator call (default 4). */
  blockSize?: number;
  /** Relative rounding ε of one application of A; measured (two applications) when omitted. */
  rounding?: number;
}

export interface TraceEstimate extends Estimate {
  /** Exact part Tr(QᵀMQ). */
  sketchPart: number;
  /** Mean of the probe values: the estimate of Tr(P⊥MP⊥). */
  stochasticPart: number;
  /** stderr / |estimate|. */
  relativeStderr: number;
  /** The sample part of the error: the probes' standard deviation / √m. */
  statisticalStderr: number;
  /** The arithmetic part: k·ε times the absolute size of the sums (stderr is their root sum of squares). */
  roundingBound: number;
}

export interface MomentsResult {
  kmax: number;
  /** moments[k − 1] estimates Tr(A^k). */
  moments: TraceEstimate[];
  /** In the order of options.functionals. */
  functionals: Array<TraceEstimate & { name: string }>;
  /** samples[k − 1][i] = probe i's value of xᵀA^kx (for covariances, e.g. the delta method). */
  samples: Float64Array[];
  functionalSamples: Float64Array[];
  probes: number;
  /** probes − 1: the Student-t degrees of freedom of every stochastic estimate. */
  degreesOfFreedom: number;
  sketchRank: number;
  /** Applications of A in this call: sketch + probes. */
  applications: number;
  sketchApplications: number;
  probeApplications: number;
  /** ε: the relative rounding of one application of A used for the rounding bounds. */
  rounding: number;
}

export function traceMoments(op: LinearOperator, options: MomentsOptions): MomentsResult {
  const { kmax } = options;
  if (!Number.isInteger(kmax) || kmax < 1) throw new RangeError(`traceMoments: kmax must be an integer ≥ 1, got ${kmax}`);
  const functionals = options.functionals ?? [];
  for (const f of functionals) {
    if (!Number.isInteger(f.degree) || f.degree < 0) throw new RangeError(`traceMoments: functional '${f.name}' has degree ${f.degree}; expected an integer ≥ 0`);
  }
  const adaptive = options.targetRelativeStderr !== undefined || options.stopWhen !== undefined;
  const minProbes = options.probes ?? (adaptive ? 8 : 16);
  const maxProbes = adaptive ? Math.max(minProbes, options.maxProbes ?? 10000) : minProbes;
  if (!Number.isInteger(minProbes) || minProbes < 2) throw new RangeError(`traceMoments: probes must be an integer ≥ 2 (a standard error needs two), got ${minProbes}`);
  const blockSize = options.blockSize ?? 4;
  const distribution = options.distribution ?? 'rademacher';
  const rng = options.rng ?? new Rng(0, 'moments');
  const A = countingOperator(op);
  const hFunctionals = Math.max(0, ...functionals.map((f) => f.degree));
  const h = Math.max(Math.ceil(kmax / 2), hFunctionals);

  let sketch = options.sketch;
  let sketchApplications = 0;
  if (!sketch && options.sketchDimension !== undefined && options.sketchDimension > 0) {
    const built = krylovSketch(op, {
      dimension: Math.min(options.sketchDimension, op.size),
      kmax,
      // Its own stream, drawn from the caller's: Q must not depend on the probes.
      rng: new Rng(rng.nextUint32(), 'moments-sketch'),
      withImages: hFunctionals > 0,
    });
    sketch = built;
    sketchApplications = built.applications;
  }
  if (sketch) validateSketch(op, sketch);
  // Its own fixed stream: measuring ε must not shift the probes (fixed seeds keep their estimates).
  const epsilon = options.rounding ?? measuredRounding(A);
  if (!(epsilon >= 0)) throw new RangeError(`traceMoments: rounding must be ≥ 0, got ${epsilon}`);
  const r = sketch?.vectors.length ?? 0;
  const arena = VectorArena.forOperator(op, r + blockSize * (h + 2) + 4);
  const Q = (sketch?.vectors ?? []).map((q) => arena?.copyIn(q) ?? q);
  if (sketch) checkOrthonormal(op, Q);
  // Vectors the operator returns, copied into the arena for the inner products (transient slots).
  const own = (v: Vector): Vector => arena?.copyIn(v) ?? v;
  const release = (vs: readonly Vector[]): void => vs.forEach((v) => arena?.release(v));
  const exact = exactPart(A, sketch, Q, kmax, functionals, blockSize, own, release);
  sketchApplications += A.applications;
  A.reset();

  const samples: number[][] = Array.from({ length: kmax }, () => []);
  const fSamples: number[][] = functionals.map(() => []);
  // |xᵀA^kx| ≤ ‖A^a x‖‖A^b x‖ per probe: the size the rounding of each sample is relative to.
  const sizes: number[][] = Array.from({ length: kmax }, () => []);
  const momentRounding = (k: number): number => k * epsilon;
  const functionalRounding = (f: ProbeFunctional): number => 2 * f.degree * epsilon + (f.rounding ?? 0);
  const summarize = (): MomentsResult => {
    const est = (sketchPart: number, values: number[], relativeRounding: number, sketchSize: number, probeSize: number): TraceEstimate => {
      const stochasticPart = values.length > 0 ? mean(values) : 0;
      const statisticalStderr = values.length > 1 ? standardError(values) : NaN;
      const roundingBound = relativeRounding * (sketchSize + probeSize);
      const stderr = Math.hypot(statisticalStderr, roundingBound);
      const estimate = sketchPart + stochasticPart;
      return { estimate, stderr, sketchPart, stochasticPart, relativeStderr: stderr / Math.abs(estimate), statisticalStderr, roundingBound };
    };
    const probes = samples[0].length;
    const meanAbs = (values: number[]): number => (values.length > 0 ? mean(values.map(Math.abs)) : 0);
    return {
      kmax,
      moments: samples.map((values, k) => est(exact.moments[k], values, momentRounding(k + 1), exact.momentSizes[k], meanAbs(sizes[k]))),
      functionals: functionals.map((f, i) => ({ name: f.name, ...est(exact.functionals[i], fSamples[i], functionalRounding(f), exact.functionalSizes[i], meanAbs(fSamples[i])) })),
      samples: samples.map((s) => Float64Array.from(s)),
      functionalSamples: fSamples.map((s) => Float64Array.from(s)),
      probes,
      degreesOfFreedom: probes - 1,
      sketchRank: Q.length,
      applications: sketchApplications + A.applications,
      sketchApplications,
      probeApplications: A.applications,
      rounding: epsilon,
    };
  };

  let used = 0;
  while (used < maxProbes) {
    const size = Math.min(blockSize, maxProbes - used);
    const X = Array.from({ length: size }, () => fillProbe(rng, arena?.allocForWrite() ?? allocVector(op), distribution));
    project(X, Q);
    const powers = krylovPowers(A, X, h, own);
    for (let p = 0; p < size; p++) {
      const column = powers.map((P) => P[p]);
      const norms = column.map((v) => Math.sqrt(dot(v, v)));
      for (let k = 1; k <= kmax; k++) {
        samples[k - 1].push(dot(column[Math.ceil(k / 2)], column[Math.floor(k / 2)]));
        sizes[k - 1].push(norms[Math.ceil(k / 2)] * norms[Math.floor(k / 2)]);
      }
      functionals.forEach((f, i) => fSamples[i].push(f.evaluate(column)));
    }
    powers.forEach(release);
    used += size;
    if (!adaptive || used < minProbes) continue;
    const progress = summarize();
    const target = options.targetRelativeStderr;
    // A target below the rounding bound cannot be reached by probes: stop once sampling no longer dominates.
    const reached = target === undefined || progress.moments.every((m) => m.stderr <= target * Math.abs(m.estimate) || m.statisticalStderr <= m.roundingBound);
    if (reached && (!options.stopWhen || options.stopWhen(progress))) break;
  }
  return summarize();
}

/**
 * x ← (Id − QQᵀ)x for each x of the block (one classical Gram–Schmidt pass: Q is orthonormal, the map
 * is what matters). In an arena: all the block's coefficients in one sweep over Q, then all updates.
 */
function project(X: Vector[], Q: readonly Vector[]): void {
  if (Q.length === 0 || X.length === 0) return;
  const arena = arenaOf(X[0], ...X, ...Q);
  if (arena) {
    const F = X as Float32Array[];
    const G = Q as Float32Array[];
    arena.subtractMany(F, G, arena.dotsMany(G, F));
    return;
  }
  for (const x of X) {
    const c = Q.map((q) => dot(q, x));
    Q.forEach((q, i) => axpy(-c[i], q, x));
  }
}

/** [X, A X, …, A^h X] with one block application per power (each power passed through `own`). */
function krylovPowers(A: LinearOperator, X: Vector[], h: number, own: (v: Vector) => Vector): Vector[][] {
  const powers = [X];
  for (let j = 1; j <= h; j++) powers.push(A.matmat(powers[j - 1]).map(own));
  return powers;
}

interface ExactPart {
  moments: Float64Array;
  functionals: Float64Array;
  /** Σ_q ‖A^a q‖‖A^b q‖ (or Σ|λ|^k): the absolute size the rounding of moments[k] is relative to. */
  momentSizes: Float64Array;
  /** Σ_q |f(q)|. */
  functionalSizes: Float64Array;
}

/** Tr(QᵀA^kQ) for k ≤ kmax and Σ_i f(q_i) per functional, spending as few applications as allowed. */
function exactPart(
  A: LinearOperator,
  sketch: Sketch | undefined,
  Q: readonly Vector[],
  kmax: number,
  functionals: readonly ProbeFunctional[],
  blockSize: number,
  own: (v: Vector) => Vector,
  release: (vs: readonly Vector[]) => void,
): ExactPart {
  const moments = new Float64Array(kmax);
  const fValues = new Float64Array(functionals.length);
  const momentSizes = new Float64Array(kmax);
  const functionalSizes = new Float64Array(functionals.length);
  const result = { moments, functionals: fValues, momentSizes, functionalSizes };
  const addFunctionals = (column: Vector[]): void =>
    functionals.forEach((f, fi) => {
      const value = f.evaluate(column);
      fValues[fi] += value;
      functionalSizes[fi] += Math.abs(value);
    });
  if (!sketch || Q.length === 0) return result;
  const hF = Math.max(0, ...functionals.map((f) => f.degree));
  const known = sketch.exactMoments && sketch.exactMoments.length >= kmax;
  if (known) {
    for (let k = 0; k < kmax; k++) {
      moments[k] = sketch.exactMoments![k];
      momentSizes[k] = Math.abs(moments[k]);
    }
  }
  const lambdas = sketch.eigenvalues;
  if (lambdas) {
    if (!known) {
      for (let k = 1; k <= kmax; k++) {
        for (let i = 0; i < Q.length; i++) {
          moments[k - 1] += lambdas[i] ** k;
          momentSizes[k - 1] += Math.abs(lambdas[i]) ** k;
        }
      }
    }
    Q.forEach((q, i) => addFunctionals(Array.from({ length: hF + 1 }, (_, j) => scaledCopy(q, lambdas[i] ** j))));
    return result;
  }
  const hs = Math.max(known ? 0 : Math.ceil(kmax / 2), hF);
  if (hs === 0) {
    Q.forEach((q) => addFunctionals([q]));
    return result;
  }
  for (let start = 0; start < Q.length; start += blockSize) {
    const block = Q.slice(start, start + blockSize);
    const powers: Vector[][] = [block];
    powers.push((sketch.images ? sketch.images.slice(start, start + blockSize) : A.matmat(block)).map(own));
    for (let j = 2; j <= hs; j++) powers.push(A.matmat(powers[j - 1]).map(own));
    for (let p = 0; p < block.length; p++) {
      const column = powers.map((P) => P[p]);
      if (!known) {
        const norms = column.map((v) => Math.sqrt(dot(v, v)));
        for (let k = 1; k <= kmax; k++) {
          moments[k - 1] += dot(column[Math.ceil(k / 2)], column[Math.floor(k / 2)]);
          momentSizes[k - 1] += norms[Math.ceil(k / 2)] * norms[Math.floor(k / 2)];
        }
      }
      addFunctionals(column);
    }
    powers.slice(1).forEach(release);
  }
  return result;
}

function validateSketch(op: LinearOperator, sketch: Sketch): void {
  const r = sketch.vectors.length;
  if (r > op.size) throw new RangeError(`sketch: ${r} vectors cannot be orthonormal in dimension ${op.size}`);
  for (const v of sketch.vectors) {
    if (v.length !== op.size) throw new RangeError(`sketch: a vector of length ${v.length} for an operator of size ${op.size}`);
  }
  if (sketch.images && sketch.images.length !== r) throw new RangeError(`sketch: ${sketch.images.length} images for ${r} vectors`);
  if (sketch.eigenvalues && sketch.eigenvalues.length !== r) throw new RangeError(`sketch: ${sketch.eigenvalues.length} eigenvalues for ${r} vectors`);
}

/** The split Tr(A^k) = Tr(QᵀA^kQ) + Tr(P⊥A^kP⊥) needs QᵀQ = Id; an error δ there biases by ≈ δ. */
function checkOrthonormal(op: LinearOperator, Q: readonly Vector[]): void {
  const tolerance = op.precision === 'float64' ? 1e-8 : 1e3 * unitRoundoff('float32');
  const defect = orthonormalityDefect(Q, new Rng(0, 'sketch-check'));
  if (defect > tolerance) {
    throw new RangeError(`sketch: the vectors are not orthonormal (defect ${defect.toExponential(2)} > ${tolerance.toExponential(1)}); orthonormalize them first (e.g. Ritz vectors from lanczosEigs, or krylovSketch)`);
  }
}
