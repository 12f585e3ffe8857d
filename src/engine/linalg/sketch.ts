/**
 * Sketches for deflated trace estimation: an orthonormal Q whose span holds the dominant part of A,
 * together with what the estimators need to treat that part exactly.
 *
 * `krylovSketch` takes Q = V_m, the first m vectors of a block Lanczos basis (full reorthogonalization,
 * random start). Its dominant eigenvectors converge first, so Q captures the outliers; and the exact
 * part Tr(QᵀA^kQ) needs no extra application beyond s = ⌈kmax/2⌉ further Lanczos steps, because
 * A^a V_m = V_M (T_M^a)[:, 1:m] for a ≤ s (the band structure of T keeps the leftover term U C out of
 * reach), so Tr(V_mᵀA^kV_m) = Σ_j ((T_M^a)[:, j])·((T_M^b)[:, j]) with a + b = k, for k ≤ kmax.
 * A Q is likewise V_M T_M[:, 1:m], formed only when asked (`withImages`, for probe functionals).
 *
 * Memory: m + ⌈kmax/2⌉·b + b long vectors while it is built; the m vectors of Q (and m images) after.
 *
 * Q depends only on its own random start, never on the probes, so the trace estimators stay unbiased
 * (Meyer, Musco, Musco & Woodruff, "Hutch++", SOSA 2021, use a range finder instead; a Krylov basis
 * captures the top of the spectrum with far fewer applications when a few eigenvalues dominate).
 */
import { Rng } from '../rng';
import { breakdownTolerance, combine } from './basis';
import { BlockLanczosProcess } from './krylov';
import { allocVector, type LinearOperator, type Vector } from './operator';
import { exportVector, VectorArena } from './simd/arena';

/** What the deflated estimators accept as Q (see moments.ts). */
export interface Sketch {
  /** Orthonormal q_1 … q_r. */
  readonly vectors: readonly Vector[];
  /** A q_i, if known (saves r applications when powers of q are needed). */
  readonly images?: readonly Vector[];
  /** If the q_i are eigenvectors of A itself: A q_i = λ_i q_i, and no application is needed at all. */
  readonly eigenvalues?: ArrayLike<number>;
  /** Tr(QᵀA^kQ) for k = 1 … K, if known (e.g. from a Lanczos projection). */
  readonly exactMoments?: ArrayLike<number>;
}

export interface KrylovSketchOptions {
  /** Number of basis vectors m to keep as Q (rounded up to a whole block). */
  dimension: number;
  /** Highest power whose exact part is wanted (sets the ⌈kmax/2⌉ extension steps). */
  kmax: number;
  blockSize?: number;
  rng?: Rng;
  /** Also form A q_i (r more long vectors of memory, no applications). */
  withImages?: boolean;
}

export interface KrylovSketch extends Sketch {
  readonly exactMoments: Float64Array;
  /** Applications spent building it. */
  readonly applications: number;
  /** True when the Krylov space closed (A-invariant): Q then holds all of the start's spectrum. */
  readonly invariant: boolean;
}

export function krylovSketch(op: LinearOperator, options: KrylovSketchOptions): KrylovSketch {
  const { dimension, kmax } = options;
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > op.size) {
    throw new RangeError(`krylovSketch: dimension must be an integer in 1..${op.size}, got ${dimension}`);
  }
  if (!Number.isInteger(kmax) || kmax < 1) throw new RangeError(`krylovSketch: kmax must be an integer ≥ 1, got ${kmax}`);
  const b = Math.min(options.blockSize ?? 1, dimension);
  const rng = options.rng ?? new Rng(0, 'krylovSketch');
  const start = Array.from({ length: b }, () => rng.fillNormal(allocVector(op)));
  // 'stop' on breakdown: an invariant subspace is the best possible sketch, and no restart vectors
  // muddle the band structure the exact moments rely on.
  const s = Math.ceil(kmax / 2);
  const proc = new BlockLanczosProcess(op, start, {
    rng,
    onBreakdown: 'stop',
    keepBasis: true,
    deficiencyTolerance: breakdownTolerance(op.precision),
    // The basis with its extension and open block, the block's images, and the m images of Q.
    arena: VectorArena.forOperator(op, 2 * (dimension + b) + (s + 2) * b + 4),
  });
  while (proc.m < dimension && !proc.exhausted) proc.step();
  const m = proc.m;
  for (let i = 0; i < s && !proc.exhausted; i++) proc.step();
  const M = proc.m;
  const T = proc.T;

  // P_a = (T^a)[:, 0:m] (M×m, row-major), a = 0 … s.
  const powers: Float64Array[] = [new Float64Array(M * m)];
  for (let j = 0; j < m; j++) powers[0][j * m + j] = 1;
  for (let a = 1; a <= s; a++) {
    const prev = powers[a - 1];
    const next = new Float64Array(M * m);
    for (let i = 0; i < M; i++) {
      for (let l = 0; l < M; l++) {
        const t = T[i * M + l];
        if (t === 0) continue;
        for (let j = 0; j < m; j++) next[i * m + j] += t * prev[l * m + j];
      }
    }
    powers.push(next);
  }
  // Tr(V_mᵀA^kV_m) = Σ_j (P_a[:, j])·(P_b[:, j]) with a = ⌈k/2⌉, b = ⌊k/2⌋.
  const exactMoments = new Float64Array(kmax);
  for (let k = 1; k <= kmax; k++) {
    const Pa = powers[Math.ceil(k / 2)];
    const Pb = powers[Math.floor(k / 2)];
    let t = 0;
    for (let q = 0; q < M * m; q++) t += Pa[q] * Pb[q];
    exactMoments[k - 1] = t;
  }
  // Plain copies out of the arena, if there was one.
  const vectors = proc.V.slice(0, m).map(exportVector);
  const images = options.withImages
    ? combine(op, proc.V, T, M, Array.from({ length: m }, (_, j) => j)).map(exportVector)
    : undefined;
  return { vectors, images, exactMoments, applications: proc.applications, invariant: proc.exhausted };
}
