/**
 * Extreme eigenpairs of a symmetric operator by the (block) Lanczos method with full
 * reorthogonalization and thick restart (Golub & Van Loan, Matrix Computations, 4th ed., §10.1–10.3;
 * Wu & Simon, SIAM J. Matrix Anal. Appl. 22, 2000), stopping on the residual test
 *
 *     ‖A y − θ y‖ ≤ tol · max(|θ|, scale)
 *
 * for every wanted Ritz pair, the residual read off the Lanczos relation as ‖C s‖ (|β_m s_m| for block
 * size 1) at no cost, and optionally verified by applying A to the Ritz vectors.
 *
 * Memory: at most `maxBasis` + `blockSize` long vectors at any time (basis, locked pairs, open block
 * and its image), plus the returned eigenvectors; the basis is compressed to its most wanted Ritz
 * vectors when it would outgrow `maxBasis`. At P = 1.2 M in float32 each vector is 4.8 MB, so the
 * default maxBasis = 80 costs about 400 MB.
 *
 * Breakdown (an invariant subspace, e.g. a rank-3 matrix after 4 steps, or the identity after 1) is
 * exact: the subspace's eigenpairs are locked and the process continues from a random vector
 * orthogonal to everything found. A Krylov space of one start vector holds one copy of each distinct
 * eigenvalue, so copies show up only through such restarts; before accepting, the driver therefore
 * requires that the restart after a breakdown did not find anything beyond the wanted set's boundary
 * (for a random start that segment sees every distinct eigenvalue of the remaining space). Without a
 * breakdown, exactly repeated eigenvalues need `blockSize` ≥ their multiplicity, as for any Krylov
 * method.
 *
 * Float32 operators of large size keep their vectors in a vector arena (simd/arena.ts), where the
 * reorthogonalization sweeps and Ritz-vector products run as WebAssembly SIMD kernels; the returned
 * eigenvectors and images are plain copies.
 */
import { Rng } from '../rng';
import { breakdownTolerance, unitRoundoff } from './basis';
import { BlockLanczosProcess, type RitzData } from './krylov';
import { dot, norm, scaledCopy, type LinearOperator, type Vector } from './operator';
import { exportVector, VectorArena } from './simd/arena';

export type Which = 'largest' | 'smallest' | 'both' | 'magnitude';

export interface LanczosOptions {
  /** Number of eigenpairs (for 'both': the number of largest ones). */
  k: number;
  /** 'largest' (algebraic, default), 'smallest', 'both' (k largest and kSmallest smallest), 'magnitude'. */
  which?: Which;
  /** For which = 'both': how many of the smallest (default k). */
  kSmallest?: number;
  /** Relative residual tolerance (default 1e-8 for float64 operators, 1e-4 for float32). */
  tol?: number;
  /**
   * Absolute floor of the residual test, in units of eigenvalue (default: the attainable accuracy
   * min(1, 100 u / tol) · ‖A‖ with u the unit roundoff of the operator's precision, so that
   * eigenvalues near zero converge to what rounding allows instead of never).
   */
  scale?: number;
  /** Block steps (default 1000). */
  maxIterations?: number;
  /** Long vectors kept at most (default min(n, max(80, 2·(k total) + 4·blockSize))). */
  maxBasis?: number;
  /** Vectors per block (default 1; use ≥ the multiplicity of exactly repeated wanted eigenvalues). */
  blockSize?: number;
  /** Random numbers for the start block and restart vectors (default new Rng(0, 'lanczos')). */
  rng?: Rng;
  /** Start vector(s) instead of random ones. */
  start?: Vector | readonly Vector[];
  /** Return the Ritz vectors (default true). */
  wantVectors?: boolean;
  /** Return A y for each Ritz vector, from the Lanczos relation (no applications; default false). */
  wantImages?: boolean;
  /** Apply A to the Ritz vectors and report ‖A y − θ y‖ explicitly (k more applications). */
  verify?: boolean;
  /** Relative threshold below which a new Krylov direction counts as vanished (default max(100 u, 1e-12), see basis.ts). */
  breakdownTolerance?: number;
}

export interface LanczosResult {
  /** 'largest': descending; 'smallest': ascending; 'magnitude': by descending |θ|; 'both': the largest descending, then the smallest ascending. */
  eigenvalues: Float64Array;
  eigenvectors?: Vector[];
  images?: Vector[];
  /** ‖A y − θ y‖ from the Lanczos relation. */
  residuals: Float64Array;
  /** ‖A y − θ y‖ computed by applying A (only with verify). */
  trueResiduals?: Float64Array;
  converged: boolean[];
  allConverged: boolean;
  /** Block steps taken. */
  iterations: number;
  /** Operator applications (vectors), including verification. */
  applications: number;
  restarts: number;
  /** Invariant subspaces found (each followed by a restart with a random orthogonal vector). */
  breakdowns: number;
  /** Most long vectors held at once. */
  peakVectors: number;
  /** The residual floor used (see `scale`). */
  scale: number;
  tol: number;
}

interface Candidate {
  value: number;
  residual: number;
  /** Index into the locked pairs, or −1 − (index of the Ritz column). */
  source: number;
}

export function lanczosEigs(op: LinearOperator, options: LanczosOptions): LanczosResult {
  const n = op.size;
  const which = options.which ?? 'largest';
  const kL = which === 'smallest' ? 0 : options.k;
  const kS = which === 'smallest' ? options.k : which === 'both' ? (options.kSmallest ?? options.k) : 0;
  const kTotal = which === 'magnitude' ? options.k : kL + kS;
  if (!Number.isInteger(options.k) || options.k < 1) throw new RangeError(`lanczosEigs: k must be an integer ≥ 1, got ${options.k}`);
  if (!Number.isInteger(kS) || kS < 0) throw new RangeError(`lanczosEigs: kSmallest must be an integer ≥ 0, got ${kS}`);
  if (kTotal > n) throw new RangeError(`lanczosEigs: asked for ${kTotal} eigenpairs of an operator of size ${n}; ask for at most ${n} (or use denseEigen for the full spectrum)`);
  const blockSize = Math.min(options.blockSize ?? 1, n);
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`lanczosEigs: blockSize must be an integer ≥ 1, got ${options.blockSize}`);
  const u = unitRoundoff(op.precision);
  const tol = options.tol ?? (op.precision === 'float64' ? 1e-8 : 1e-4);
  const maxBasis = options.maxBasis ?? Math.min(n, Math.max(80, 2 * kTotal + 4 * blockSize));
  if (maxBasis < Math.min(n, kTotal + 2 * blockSize)) {
    throw new RangeError(`lanczosEigs: maxBasis ${maxBasis} cannot hold ${kTotal} wanted pairs and two blocks of ${blockSize}; use at least ${Math.min(n, kTotal + 2 * blockSize)}`);
  }
  const maxIterations = options.maxIterations ?? 1000;
  const rng = options.rng ?? new Rng(0, 'lanczos');
  const start = startBlock(op, options.start, blockSize, rng);
  const proc = new BlockLanczosProcess(op, start, {
    rng,
    onBreakdown: 'inject',
    keepBasis: true,
    deficiencyTolerance: options.breakdownTolerance ?? breakdownTolerance(op.precision),
    // Room for the basis, a block and its images, a restart vector, and the Ritz vectors and images
    // formed at the end (untouched slots cost no memory).
    arena: VectorArena.forOperator(op, maxBasis + 2 * blockSize + 2 * kTotal + 4),
  });

  let restarts = 0;
  let state: Evaluation;
  for (;;) {
    const outcome = proc.step();
    // Stored vectors never exceed n, so a basis of n needs no restart.
    const restartDue = maxBasis < n && proc.storedVectors + 2 * proc.U.length > maxBasis;
    state = evaluate(proc, outcome.lockedValues, restartDue);
    if (state.done || proc.steps >= maxIterations) break;
    if (restartDue) {
      compress(proc, state, maxBasis, blockSize, which, kL, kS);
      restarts++;
    }
  }
  return finish(op, proc, state, restarts, tol, options);

  /** Selects the wanted pairs among locked and active Ritz pairs and applies the residual test. */
  function evaluate(p: BlockLanczosProcess, justLocked: Float64Array | undefined, force: boolean): Evaluation {
    const count = p.locked.length + p.m;
    const ritz = p.m > 0 && (count >= kTotal || p.exhausted || force) ? p.ritz() : undefined;
    const all: Candidate[] = p.lockedValues.map((value, i) => ({ value, residual: 0, source: i }));
    if (ritz) ritz.eigen.values.forEach((value, i) => all.push({ value, residual: ritz.residuals[i], source: -1 - i }));
    let normA = p.normEstimate;
    for (const c of all) normA = Math.max(normA, Math.abs(c.value));
    const floor = options.scale ?? Math.min(1, (100 * u) / tol) * normA;
    const ok = (c: Candidate): boolean => c.residual <= tol * Math.max(Math.abs(c.value), floor);
    const wanted = selectWanted(all, which, kL, kS);
    if (p.exhausted) return { ritz, wanted, done: true, floor, ok };
    let done = count >= kTotal && wanted.list.every(ok);
    if (done && justLocked && justLocked.length > 0) {
      // The segment that just closed began at a random vector orthogonal to everything found before
      // and so saw every distinct eigenvalue left; if it reached strictly past the boundary of the
      // wanted set, further copies may remain there: continue with a new random vector.
      done = !beyondBoundary(justLocked, wanted, which, (x) => tol * Math.max(Math.abs(x), floor));
    }
    return { ritz, wanted, done, floor, ok };
  }
}

interface Evaluation {
  ritz: RitzData | undefined;
  wanted: Wanted;
  done: boolean;
  floor: number;
  ok: (c: Candidate) => boolean;
}

interface Wanted {
  /** In output order. */
  list: Candidate[];
  /** The largest ones (descending) and the smallest ones (ascending); for 'magnitude', list = top. */
  top: Candidate[];
  bottom: Candidate[];
}

function selectWanted(all: Candidate[], which: Which, kL: number, kS: number): Wanted {
  if (which === 'magnitude') {
    const list = [...all].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, kL);
    return { list, top: list, bottom: [] };
  }
  const desc = [...all].sort((a, b) => b.value - a.value);
  const top = desc.slice(0, Math.min(kL, desc.length));
  const bottom = desc.slice(top.length).reverse().slice(0, kS);
  return { list: [...top, ...bottom], top, bottom };
}

/** Does an invariant segment (ascending values) reach strictly beyond the wanted set's boundary? */
function beyondBoundary(segment: Float64Array, wanted: Wanted, which: Which, slack: (x: number) => number): boolean {
  const lo = segment[0];
  const hi = segment[segment.length - 1];
  if (which === 'magnitude') {
    const boundary = Math.min(...wanted.top.map((c) => Math.abs(c.value)));
    return Math.max(Math.abs(lo), Math.abs(hi)) > boundary + slack(boundary);
  }
  if (wanted.top.length > 0) {
    const boundary = wanted.top[wanted.top.length - 1].value;
    if (hi > boundary + slack(boundary)) return true;
  }
  if (wanted.bottom.length > 0) {
    const boundary = wanted.bottom[wanted.bottom.length - 1].value;
    if (lo < boundary - slack(boundary)) return true;
  }
  return false;
}

/**
 * Indices of `values` from most to least wanted: by position from the wanted end(s); for 'both', the
 * two ends interleaved in proportion kL : kS.
 */
function wantedOrder(values: ArrayLike<number>, which: Which, kL: number, kS: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  if (which === 'magnitude') return idx.sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]));
  const asc = idx.sort((a, b) => values[a] - values[b]);
  const m = asc.length;
  const rank = (pos: number): number =>
    Math.min(kL > 0 ? (m - 1 - pos) / kL : Infinity, kS > 0 ? pos / kS : Infinity);
  return asc.map((i, pos) => ({ i, r: rank(pos) })).sort((a, b) => a.r - b.r).map((x) => x.i);
}

/**
 * Share of the free room (basis room minus the wanted pairs) that a thick restart fills with the next
 * most wanted Ritz pairs. A restart costs p·m multiply-adds per vector component (forming p Ritz
 * vectors from m basis vectors) and buys m − p further steps, so keeping fewer makes restarts both
 * cheaper and rarer. Measured on the Figure-1 network (top 20 of H; 20 + 20 of S, maxBasis 84): a
 * quarter instead of a half takes the same number of applications (158 and 257; 141 vs 140 for H's
 * top 20 with images) with 2 and 6 restarts instead of 3 and 9, and half the restart work.
 */
const KEEP_SPARE = 0.25;

/** Thick restart: keep the wanted active Ritz pairs and a quarter of the free room of the next most wanted. */
function compress(
  proc: BlockLanczosProcess,
  state: Evaluation,
  maxBasis: number,
  blockSize: number,
  which: Which,
  kL: number,
  kS: number,
): void {
  const ritz = state.ritz;
  const wantedActive = state.wanted.list.filter((c) => c.source < 0).map((c) => -1 - c.source);
  let room = maxBasis - proc.locked.length - 2 * blockSize;
  if (room < wantedActive.length + 1) {
    // Locked pairs crowd the basis: forget the least wanted of them (never a wanted one).
    const keepLocked = new Set(state.wanted.list.filter((c) => c.source >= 0).map((c) => c.source));
    const spare = wantedOrder(proc.lockedValues, which, kL, kS).filter((i) => !keepLocked.has(i));
    const excess = wantedActive.length + 1 - room;
    proc.dropLocked(spare.slice(Math.max(0, spare.length - excess)));
    room = maxBasis - proc.locked.length - 2 * blockSize;
  }
  if (!ritz) return;
  const p = Math.max(wantedActive.length, Math.min(room, wantedActive.length + Math.floor((room - wantedActive.length) * KEEP_SPARE)));
  const chosen = new Set(wantedActive);
  for (const i of wantedOrder(ritz.eigen.values, which, kL, kS)) {
    if (chosen.size >= p) break;
    chosen.add(i);
  }
  proc.restart(ritz, [...chosen].sort((a, b) => a - b));
}

function finish(
  op: LinearOperator,
  proc: BlockLanczosProcess,
  state: Evaluation,
  restarts: number,
  tol: number,
  options: LanczosOptions,
): LanczosResult {
  const { ritz } = state;
  const wanted = state.wanted.list;
  const wantVectors = options.wantVectors ?? true;
  const needVectors = wantVectors || options.wantImages || options.verify;
  let eigenvectors: Vector[] | undefined;
  let images: Vector[] | undefined;
  if (needVectors) {
    const activeCols = wanted.filter((c) => c.source < 0).map((c) => -1 - c.source);
    // The last use of the basis: the Ritz vectors are formed over it.
    const activeVecs = ritz && activeCols.length > 0 ? proc.takeRitzVectors(ritz, activeCols) : [];
    const activeImgs = options.wantImages && ritz && activeCols.length > 0 ? proc.ritzImages(ritz, activeCols, activeVecs) : [];
    eigenvectors = [];
    images = [];
    let a = 0;
    for (const c of wanted) {
      if (c.source >= 0) {
        eigenvectors.push(proc.locked[c.source]);
        if (options.wantImages) images.push(scaledCopy(proc.locked[c.source], c.value));
      } else {
        eigenvectors.push(activeVecs[a]);
        if (options.wantImages) images.push(activeImgs[a]);
        a++;
      }
    }
    // Plain copies: the caller must not hold views into the arena (nor keep it alive).
    eigenvectors = eigenvectors.map(exportVector);
    images = images.map(exportVector);
  }
  let applications = proc.applications;
  let trueResiduals: Float64Array | undefined;
  if (options.verify && eigenvectors) {
    const Ay = op.matmat(eigenvectors);
    applications += eigenvectors.length;
    trueResiduals = Float64Array.from(wanted, (c, i) => {
      const y = eigenvectors![i];
      const r = Ay[i];
      for (let j = 0; j < r.length; j++) r[j] -= c.value * y[j];
      return norm(r) / Math.sqrt(dot(y, y));
    });
  }
  const converged = wanted.map(state.ok);
  return {
    eigenvalues: Float64Array.from(wanted, (c) => c.value),
    eigenvectors: wantVectors ? eigenvectors : undefined,
    images: options.wantImages ? images : undefined,
    residuals: Float64Array.from(wanted, (c) => c.residual),
    trueResiduals,
    converged,
    allConverged: converged.length > 0 && converged.every(Boolean) && state.done,
    iterations: proc.steps,
    applications,
    restarts,
    breakdowns: proc.invariantSubspaces,
    peakVectors: proc.peakVectors,
    scale: state.floor,
    tol,
  };
}

function startBlock(op: LinearOperator, start: Vector | readonly Vector[] | undefined, b: number, rng: Rng): Vector[] {
  const given: Vector[] = start === undefined ? [] : isVector(start) ? [start] : [...start];
  const block = given.slice(0, b);
  while (block.length < b) {
    const v = op.precision === 'float64' ? new Float64Array(op.size) : new Float32Array(op.size);
    block.push(rng.fillNormal(v));
  }
  return block;
}

function isVector(x: Vector | readonly Vector[]): x is Vector {
  return x instanceof Float32Array || x instanceof Float64Array;
}
