/**
 * Spectral density by stochastic Lanczos quadrature (Ubaru, Chen & Saad, "Fast estimation of
 * tr(f(A)) via stochastic Lanczos quadrature", SIAM J. Matrix Anal. Appl. 38, 2017; as used for
 * Hessians by Ghorbani, Krishnan & Xiao 2019 and PyHessian).
 *
 * For each of nv random unit vectors v (Rademacher/√n, or a normalized Gaussian: E vvᵀ = Id/n), m
 * Lanczos steps give T_m = S Θ Sᵀ; the Ritz values θ_i (nodes) and τ_i = S_{1i}² (weights, Σ τ = 1)
 * are the m-point Gauss quadrature of the spectral measure μ_v = Σ_j (u_jᵀv)² δ_{λ_j}, exact for
 * polynomials of degree ≤ 2m − 1. Hence
 *
 *     n Σ_i τ_i θ_i^k = n vᵀA^kv,   an unbiased estimate of Tr(A^k) for k ≤ 2m − 1,
 *
 * averaged over the probes with standard error sd/√nv; and the density
 *
 *     φ(t) = (n/nv) Σ_v Σ_i τ_i N(t; θ_i, σ²),   ∫ φ = n,
 *
 * a Gaussian-smoothed count of eigenvalues per unit of t. Every probe's nodes and weights are kept.
 * An invariant Krylov space (breakdown) ends a probe early: its quadrature is then exact.
 *
 * Memory: m + 2 long vectors with full reorthogonalization (the default), 3 without it.
 */
import { Rng } from '../rng';
import { breakdownTolerance, fillProbe, type ProbeDistribution } from './basis';
import { BlockLanczosProcess } from './krylov';
import { allocVector, norm, scale, type LinearOperator } from './operator';
import { VectorArena } from './simd/arena';
import { mean, standardError, type Estimate } from './stats';
import { denseEigen } from './denseEigen';

export interface SlqOptions {
  /** Number of random start vectors nv (≥ 2 for a standard error). */
  probes: number;
  /** Lanczos steps per probe m. */
  steps: number;
  rng?: Rng;
  distribution?: ProbeDistribution;
  /** Full reorthogonalization (default true); false keeps 3 vectors (Ritz ghosts then carry split weights). */
  reorthogonalize?: boolean;
}

export interface SlqProbe {
  /** Ritz values θ_i, ascending. */
  nodes: Float64Array;
  /** τ_i = (first component of the i-th eigenvector of T)², summing to 1. */
  weights: Float64Array;
  /** Lanczos steps taken (fewer than asked after a breakdown). */
  steps: number;
}

export interface SlqResult {
  n: number;
  probes: SlqProbe[];
  applications: number;
  peakVectors: number;
}

export function slq(op: LinearOperator, options: SlqOptions): SlqResult {
  const { probes: nv, steps } = options;
  if (!Number.isInteger(nv) || nv < 1) throw new RangeError(`slq: probes must be an integer ≥ 1, got ${nv}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`slq: steps must be an integer ≥ 1, got ${steps}`);
  const rng = options.rng ?? new Rng(0, 'slq');
  const distribution = options.distribution ?? 'rademacher';
  const m = Math.min(steps, op.size);
  const out: SlqProbe[] = [];
  let applications = 0;
  let peakVectors = 0;
  // One arena for all probes (each probe's process gives its vectors back when done).
  const arena = VectorArena.forOperator(op, m + 8);
  for (let p = 0; p < nv; p++) {
    const v = fillProbe(rng, allocVector(op), distribution);
    scale(1 / norm(v), v);
    const proc = new BlockLanczosProcess(op, [v], {
      rng,
      onBreakdown: 'stop',
      keepBasis: options.reorthogonalize ?? true,
      deficiencyTolerance: breakdownTolerance(op.precision),
      arena,
    });
    while (proc.m < m && !proc.exhausted) proc.step();
    proc.dispose();
    const { values, vectors } = denseEigen(proc.T, proc.m, 'ascending');
    // The start vector is the first basis vector, so τ_i = (e_1ᵀ s_i)².
    const weights = Float64Array.from(values, (_, i) => vectors[i] ** 2);
    out.push({ nodes: values, weights, steps: proc.steps });
    applications += proc.applications;
    peakVectors = Math.max(peakVectors, proc.peakVectors);
  }
  return { n: op.size, probes: out, applications, peakVectors };
}

/** n Σ τ θ^k per probe, averaged: Tr(A^k) for k = 1 … kmax, with standard errors over the probes. */
export function slqMoments(result: SlqResult, kmax: number): Array<Estimate & { k: number; samples: Float64Array }> {
  return Array.from({ length: kmax }, (_, j) => {
    const k = j + 1;
    const samples = Float64Array.from(result.probes, ({ nodes, weights }) => {
      let s = 0;
      for (let i = 0; i < nodes.length; i++) s += weights[i] * nodes[i] ** k;
      return result.n * s;
    });
    return { k, estimate: mean(samples), stderr: result.probes.length > 1 ? standardError(samples) : NaN, samples };
  });
}

export interface DensityOptions {
  /** Width of the Gaussian smoothing, in units of t (λ, or decades of λ with logScale). */
  sigma: number;
  /** Grid points (default 512). */
  points?: number;
  /** Grid range (default: nodes' range ± 5σ). */
  min?: number;
  max?: number;
  /** Density of t = log10 λ over the positive nodes (nodes ≤ 0 are left out and their mass reported). */
  logScale?: boolean;
}

export interface Density {
  /** Grid of t (λ, or log10 λ). */
  t: Float64Array;
  /** Eigenvalues per unit of t. */
  density: Float64Array;
  sigma: number;
  logScale: boolean;
  /** Trapezoid integral of the density over the grid (≈ n, or n minus excludedMass, when the grid covers the nodes). */
  mass: number;
  /** Eigenvalue count carried by nodes left out of a log-scale density (θ ≤ 0). */
  excludedMass: number;
}

export function slqDensity(result: SlqResult, options: DensityOptions): Density {
  const { sigma } = options;
  if (!(sigma > 0)) throw new RangeError(`slqDensity: sigma must be > 0, got ${sigma}`);
  const logScale = options.logScale ?? false;
  const points = options.points ?? 512;
  const nv = result.probes.length;
  const nodes: number[] = [];
  const masses: number[] = [];
  let excludedMass = 0;
  for (const probe of result.probes) {
    probe.nodes.forEach((theta, i) => {
      const mass = (result.n / nv) * probe.weights[i];
      if (logScale && !(theta > 0)) {
        excludedMass += mass;
        return;
      }
      nodes.push(logScale ? Math.log10(theta) : theta);
      masses.push(mass);
    });
  }
  const lo = options.min ?? (nodes.length ? Math.min(...nodes) - 5 * sigma : -1);
  const hi = options.max ?? (nodes.length ? Math.max(...nodes) + 5 * sigma : 1);
  const t = Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / Math.max(points - 1, 1));
  const density = new Float64Array(points);
  const c = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let j = 0; j < nodes.length; j++) {
    const w = masses[j] * c;
    for (let i = 0; i < points; i++) {
      const z = (t[i] - nodes[j]) / sigma;
      if (z * z < 80) density[i] += w * Math.exp(-0.5 * z * z);
    }
  }
  let mass = 0;
  for (let i = 1; i < points; i++) mass += 0.5 * (density[i] + density[i - 1]) * (t[i] - t[i - 1]);
  return { t, density, sigma, logScale, mass, excludedMass };
}
