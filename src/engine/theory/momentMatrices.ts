/**
 * The Gaussian moments E_ab of one layer for every pair of data points: the input of a kernel step.
 * For the pair (x_i, x_j), u is the pre-activation at x_i and v at x_j, with covariance
 * [[Σ(x_i,x_i), Σ(x_i,x_j)], [Σ(x_i,x_j), Σ(x_j,x_j)]] (THEORY.md §5).
 *
 * Cost is in the off-diagonal pairs. E_ab depends only on (Σ(x_i,x_i), Σ(x_j,x_j), ρ_ij), so points
 * are grouped by their variance (with the default input normalization ‖x‖² = n0 every point has the
 * same variance at every layer: one group), and for each pair of groups with many pairs the moments
 * are tabulated in ρ by adaptive Chebyshev interpolation (`chebyshev.ts`, relative tolerance 1e-9
 * by default) from a few hundred quadratures. Small groups, `tabulate: 'never'` and ReLU (closed forms)
 * take the straightforward path: one quadrature per pair. Diagonal entries use the 1-D rule.
 */
import type { Activation } from '../../catalogue/activation';
import type { QuadratureRule } from '../../catalogue/gaussHermite';
import { reluPairMoments, usesArcCosine } from './arcCosine';
import { chebyshevTable, evaluateChebyshev, type ChebyshevTable } from './chebyshev';
import { KERNEL_MOMENTS, correlation, gaussianDiagonalMoments, gaussianPairMoments, type PairMoments } from './gaussianPair';

/**
 * The moments a kernel step uses, N × N row-major. Entry [i * N + j] takes u at x_i and v at x_j, so
 * E_02 = e20ᵀ and E_13 = e31ᵀ; e00, e11, e22 are symmetric.
 */
export interface MomentMatrices {
  readonly N: number;
  /** E[σ(u) σ(v)]. */
  readonly e00: Float64Array;
  /** E[σ'(u) σ'(v)]. */
  readonly e11: Float64Array;
  /** E[σ''(u) σ''(v)]. */
  readonly e22: Float64Array;
  /** E[σ''(u) σ(v)]. */
  readonly e20: Float64Array;
  /** E[σ'''(u) σ'(v)]. */
  readonly e31: Float64Array;
}

export interface MomentOptions {
  /** 1-D rule for N(0, 1) whose product rule computes the pair moments. */
  readonly rule: QuadratureRule;
  /** 'auto' (default): tabulate groups with at least `tableThreshold` pairs; 'always'; 'never'. */
  readonly tabulate?: 'auto' | 'always' | 'never';
  /** Relative tolerance of the ρ-tables. Default 1e-9. */
  readonly tolerance?: number;
  /** Pairs of points per pair of variance groups from which a table pays off. Default 200. */
  readonly tableThreshold?: number;
}

/** What a layer's moment computation did, for the caller's diagnostics. */
export interface MomentDiagnostics {
  /** Distinct variances among the points. */
  readonly varianceGroups: number;
  /** Pairs of points whose moments came from a ρ-table. */
  readonly tabulatedPairs: number;
  /** Pairs computed one by one. */
  readonly directPairs: number;
  /** Largest interpolation error estimate of the tables used (0 if none). */
  readonly interpolationError: number;
  /** Largest table size (Chebyshev points). */
  readonly tablePoints: number;
  /** Tables that did not reach the tolerance (their pairs were computed directly instead). */
  readonly unconvergedTables: number;
}

/** Variances that agree to this relative precision share one group (normalized inputs differ by rounding only). */
const GROUP_TOLERANCE = 1e-12;

type PairFunction = (k11: number, k22: number, k12: number, out: PairMoments) => void;

export function momentMatrices(
  sigma: Float64Array,
  N: number,
  activation: Activation,
  options: MomentOptions,
): { moments: MomentMatrices; diagnostics: MomentDiagnostics } {
  if (sigma.length !== N * N) throw new RangeError(`Σ must be ${N}×${N}, got ${sigma.length} entries`);
  const closedForm = usesArcCosine(activation);
  const pair: PairFunction = closedForm
    ? (k11, k22, k12, out) => reluPairMoments(k11, k22, k12, out)
    : (k11, k22, k12, out) => gaussianPairMoments(activation, k11, k22, k12, options.rule, out);
  const moments: MomentMatrices = {
    N,
    e00: new Float64Array(N * N),
    e11: new Float64Array(N * N),
    e22: new Float64Array(N * N),
    e20: new Float64Array(N * N),
    e31: new Float64Array(N * N),
  };
  const { group, variances } = varianceGroups(sigma, N);
  const G = variances.length;

  // Diagonal: one 1-D quadrature per variance group (ReLU: the closed forms at ρ = 1).
  const diag = variances.map((q) =>
    closedForm ? reluPairMoments(q, q, q) : gaussianDiagonalMoments(activation, q, options.rule),
  );
  for (let i = 0; i < N; i++) writeMoments(moments, i, i, diag[group[i]], false);

  // Off-diagonal pairs by (ordered) pair of groups, so the table of (A, B) has u in group A.
  const pairsByGroups = new Map<number, number[]>();
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const [p, r] = group[i] <= group[j] ? [i, j] : [j, i];
      const key = group[p] * G + group[r];
      let list = pairsByGroups.get(key);
      if (!list) pairsByGroups.set(key, (list = []));
      list.push(p * N + r);
    }
  }
  const mode = options.tabulate ?? 'auto';
  const threshold = options.tableThreshold ?? 200;
  const tolerance = options.tolerance ?? 1e-9;
  let tabulatedPairs = 0;
  let directPairs = 0;
  let interpolationError = 0;
  let tablePoints = 0;
  let unconvergedTables = 0;
  const m = new Float64Array(16);
  const t = new Float64Array(KERNEL_MOMENTS.length);
  for (const [key, list] of pairsByGroups) {
    const qa = variances[Math.floor(key / G)];
    const qb = variances[key % G];
    const table =
      !closedForm && (mode === 'always' || (mode === 'auto' && list.length >= threshold))
        ? correlationTable(pair, qa, qb, tolerance)
        : undefined;
    if (table && !table.converged) unconvergedTables++;
    if (table && table.converged) {
      tabulatedPairs += list.length;
      interpolationError = Math.max(interpolationError, table.errorEstimate);
      tablePoints = Math.max(tablePoints, table.points);
      for (const pr of list) {
        const p = Math.floor(pr / N);
        const r = pr % N;
        evaluateChebyshev(table, correlation(qa, qb, sigma[pr]), t);
        for (let c = 0; c < KERNEL_MOMENTS.length; c++) m[KERNEL_MOMENTS[c]] = t[c];
        writeMoments(moments, p, r, m, true);
      }
    } else {
      directPairs += list.length;
      for (const pr of list) {
        const p = Math.floor(pr / N);
        const r = pr % N;
        pair(sigma[p * N + p], sigma[r * N + r], sigma[pr], m);
        writeMoments(moments, p, r, m, true);
      }
    }
  }
  return {
    moments,
    diagnostics: { varianceGroups: G, tabulatedPairs, directPairs, interpolationError, tablePoints, unconvergedTables },
  };
}

/** ρ-table of the seven moments at variances (qa, qb): ρ ↦ E_ab(qa, qb, ρ√(qa qb)). */
function correlationTable(pair: PairFunction, qa: number, qb: number, tolerance: number): ChebyshevTable {
  const m = new Float64Array(16);
  const scale = Math.sqrt(qa * qb);
  return chebyshevTable(
    (rho, out) => {
      pair(qa, qb, rho * scale, m);
      for (let c = 0; c < KERNEL_MOMENTS.length; c++) out[c] = m[KERNEL_MOMENTS[c]];
    },
    KERNEL_MOMENTS.length,
    { tolerance },
  );
}

/** Stores the block m (u at x_p, v at x_r) at (p, r), and with `mirror` its transpose at (r, p). */
function writeMoments(out: MomentMatrices, p: number, r: number, m: PairMoments, mirror: boolean): void {
  const N = out.N;
  const pr = p * N + r;
  out.e00[pr] = m[0];
  out.e11[pr] = m[5];
  out.e22[pr] = m[10];
  out.e20[pr] = m[8];
  out.e31[pr] = m[13];
  if (!mirror) return;
  const rp = r * N + p;
  out.e00[rp] = m[0];
  out.e11[rp] = m[5];
  out.e22[rp] = m[10];
  out.e20[rp] = m[2]; // E[σ''(v_at_r) σ(u_at_p)] = E_02 of (p, r)
  out.e31[rp] = m[7]; // E_13 of (p, r)
}

/**
 * Groups the points by their variance Σ(x, x): sorted, and a point joins the current group when its
 * variance is within GROUP_TOLERANCE (relative) of the group's first. Returns each point's group and
 * each group's variance.
 */
export function varianceGroups(sigma: Float64Array, N: number): { group: Int32Array; variances: number[] } {
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => sigma[a * N + a] - sigma[b * N + b]);
  const group = new Int32Array(N);
  const variances: number[] = [];
  for (const i of order) {
    const q = sigma[i * N + i];
    const last = variances[variances.length - 1];
    if (variances.length === 0 || Math.abs(q - last) > GROUP_TOLERANCE * Math.max(Math.abs(last), 1e-300)) variances.push(q);
    group[i] = variances.length - 1;
  }
  return { group, variances };
}
