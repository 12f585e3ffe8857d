/**
 * The block Lanczos process with full reorthogonalization (Golub & Van Loan, Matrix Computations,
 * 4th ed., §10.1 and §10.3.6), kept as a state that drivers step: `lanczos.ts` (eigenpairs with a
 * residual test and thick restart), `sketch.ts` (a Krylov basis for deflated trace estimation) and
 * `slq.ts` (Gauss quadrature nodes and weights).
 *
 * State, for an operator A of size n and block size b:
 *   - `locked`: exact eigenpairs split off after an invariant subspace was found (breakdown);
 *   - `V` (m orthonormal columns) and the m×m symmetric projected matrix T = VᵀAV;
 *   - the open block U (≤ b orthonormal columns, orthogonal to `locked` and V) and its coupling C
 *     (|U|×m) such that the Lanczos relation  A V = V T + U C  holds to rounding.
 * T is stored dense: after a thick restart it is an arrowhead plus a band, not a tridiagonal, and at
 * the sizes used (m ≤ a few hundred) a dense eigensolve costs milliseconds against an operator
 * application of 0.1–1 s. The Ritz pair (θ, y = V s) of T has residual ‖A y − θ y‖ = ‖C s‖ exactly in
 * the relation, which is what the drivers test.
 *
 * A step applies A to U once (|U| applications), orthogonalizes the result against everything stored
 * by classical Gram–Schmidt twice ("twice is enough"), and QR-factors what remains into the next block.
 * In a vector arena the first pass is the local step the Lanczos relation allows (Vᵀ A u = Cᵀ is known,
 * only UᵀA u is measured), followed by one reorthogonalization pass over everything stored, accepted on
 * Kahan–Parlett's test and otherwise followed by a measured second pass (basis.ts `orthogonalizeKnown`).
 * A column that vanishes (norm ≤ `deficiencyTolerance` × the running estimate of ‖A‖) means
 * A·span(V, U) ⊂ span(V, U) in that direction: with `onBreakdown: 'inject'` it is replaced by a random
 * vector orthogonal to everything stored (coupling 0, so the relation still holds) and, when the whole
 * block vanished, the active subspace is invariant and its Ritz pairs are moved to `locked`; with
 * `'stop'` it is dropped, and the process ends when the block is empty.
 *
 * Long vectors live in the driver's vector arena when it gives one (simd/arena.ts: float32 operators
 * of large size), so the Gram–Schmidt sweeps and Ritz-vector products run as SIMD kernels: the
 * operator's images are copied in, and slots are given back as soon as a vector is dropped. Vectors
 * handed out (`ritzVectors`, `ritzImages`, `V`, `locked`) may be arena views; drivers copy out what
 * they return (`exportVector`).
 */
import type { Rng } from '../rng';
import { combine, combineInPlace, orthogonalize, orthogonalizeKnown, randomUnitOrthogonalTo } from './basis';
import { denseEigen, type SymmetricEigen } from './denseEigen';
import { norm, scale, type LinearOperator, type Vector } from './operator';
import type { VectorArena } from './simd/arena';

export interface KrylovOptions {
  rng: Rng;
  /** What a vanished column becomes: a random orthogonal vector ('inject') or nothing ('stop'). */
  onBreakdown: 'inject' | 'stop';
  /**
   * true: keep the whole basis and reorthogonalize against it (memory: all m vectors). false: keep
   * only the previous block and orthogonalize against it and the current block (the plain three-term
   * recurrence, memory 3b vectors; no Ritz vectors, no restart). Requires onBreakdown 'stop'.
   */
  keepBasis: boolean;
  /** A column is deficient when its norm after orthogonalization is ≤ this × the ‖A‖ estimate. */
  deficiencyTolerance: number;
  /** Where the long vectors live (VectorArena.forOperator); omitted: plain typed arrays. */
  arena?: VectorArena;
}

/** Ritz values (ascending), the eigenvectors S of T (column i ↔ value i) and residuals ‖C s_i‖. */
export interface RitzData {
  readonly eigen: SymmetricEigen;
  readonly residuals: Float64Array;
}

export interface StepOutcome {
  /** The whole block vanished: the active subspace was invariant. */
  invariant: boolean;
  /** With 'inject': the eigenvalues just moved to `locked` (the invariant segment), ascending. */
  lockedValues?: Float64Array;
}

export class BlockLanczosProcess {
  readonly n: number;
  readonly locked: Vector[] = [];
  readonly lockedValues: number[] = [];
  /** Active basis (with keepBasis false: only its last block). */
  V: Vector[] = [];
  /** Dimension of the active space (rows of T). */
  m = 0;
  T = new Float64Array(0);
  U: Vector[];
  C = new Float64Array(0);
  applications = 0;
  steps = 0;
  /** Columns replaced or dropped because they vanished; and blocks that vanished entirely. */
  deficientColumns = 0;
  invariantSubspaces = 0;
  /** Largest ‖A u‖ seen: a lower bound on ‖A‖ that sets the scale of "vanished". */
  normEstimate = 0;
  /** Largest number of long vectors held at once (basis, locked, block, images of the block). */
  peakVectors = 0;

  constructor(
    readonly op: LinearOperator,
    start: readonly Vector[],
    readonly options: KrylovOptions,
  ) {
    if (!options.keepBasis && options.onBreakdown !== 'stop') {
      throw new RangeError("BlockLanczosProcess: keepBasis false needs onBreakdown 'stop' (restart vectors must be orthogonal to the whole basis)");
    }
    this.n = op.size;
    if (start.length === 0) throw new RangeError('BlockLanczosProcess: the start block is empty');
    // Orthonormalize the start block (a copy: the caller's vectors are not ours to scale).
    const U: Vector[] = [];
    for (const s of start) {
      if (s.length !== this.n) throw new RangeError(`start vector of length ${s.length} for an operator of size ${this.n}`);
      const w = options.arena?.copyIn(s) ?? (s.slice() as Vector);
      const before = norm(w);
      orthogonalize(w, U);
      const after = norm(w);
      if (before > 0 && after > 1e-8 * before) {
        scale(1 / after, w);
        U.push(w);
        continue;
      }
      this.release(w);
      if (options.onBreakdown === 'inject') {
        const r = randomUnitOrthogonalTo(op, U, options.rng, options.arena);
        if (r) U.push(r);
      }
    }
    if (U.length === 0) throw new RangeError('BlockLanczosProcess: the start block is zero');
    this.U = U;
  }

  /** No open block left: the stored vectors span an invariant subspace and T is exact. */
  get exhausted(): boolean {
    return this.U.length === 0;
  }

  /** Long vectors currently stored (locked + basis + open block). */
  get storedVectors(): number {
    return this.locked.length + this.V.length + this.U.length;
  }

  step(): StepOutcome {
    if (this.exhausted) throw new Error('BlockLanczosProcess.step: the Krylov space is exhausted');
    const { U, m } = this;
    const b = U.length;
    const images = this.op.matmat(U);
    if (images.length !== b) throw new RangeError(`operator returned ${images.length} vectors for a block of ${b}`);
    // Into the arena (the operator's arrays are ours to drop); kept as they are when it is full.
    const W = images.map((w) => this.options.arena?.copyIn(w) ?? w);
    this.applications += b;
    this.steps++;
    this.peakVectors = Math.max(this.peakVectors, this.storedVectors + b);
    for (const w of W) this.normEstimate = Math.max(this.normEstimate, norm(w));
    const threshold = this.options.deficiencyTolerance * this.normEstimate;

    const old = this.options.keepBasis ? [...this.locked, ...this.V] : this.V;
    const D = new Float64Array(b * b); // UᵀAU, D[i·b + l]
    const R = new Float64Array(b * b); // rows: new vectors, columns: W columns
    const next: Vector[] = [];
    let vanished = 0;
    for (let l = 0; l < b; l++) {
      const w = W[l];
      const basis = [...old, ...U, ...next];
      // What the Lanczos relation already says about A u_l: Vᵀ(A u_l) = Cᵀe_l (exact pairs in `locked`
      // and the new columns of this block: 0); UᵀA u_l is measured. See orthogonalizeKnown.
      const known = new Float64Array(basis.length);
      const firstV = old.length - this.V.length;
      for (let i = 0; i < this.V.length; i++) known[firstV + i] = this.C[l * m + (m - this.V.length + i)];
      const h = orthogonalizeKnown(w, basis, known, { from: old.length, to: old.length + b });
      for (let i = 0; i < b; i++) D[i * b + l] = h[old.length + i];
      for (let i = 0; i < next.length; i++) R[i * b + l] = h[old.length + b + i];
      const beta = norm(w);
      if (beta > threshold) {
        scale(1 / beta, w);
        R[next.length * b + l] = beta;
        next.push(w);
        continue;
      }
      vanished++;
      this.release(w);
      if (this.options.onBreakdown === 'inject') {
        const r = randomUnitOrthogonalTo(this.op, basis, this.options.rng, this.options.arena);
        if (r) next.push(r); // its R row stays 0 in this column: zero coupling
      }
    }
    this.deficientColumns += vanished;
    const invariant = vanished === b;
    if (invariant) R.fill(0); // what is left are rounding-level coefficients against restart vectors

    // T ← [[T, Cᵀ], [C, sym(D)]], V ← [V, U], C ← [0 … 0, R], U ← next.
    const M = m + b;
    const T = new Float64Array(M * M);
    for (let i = 0; i < m; i++) T.set(this.T.subarray(i * m, (i + 1) * m), i * M);
    for (let l = 0; l < b; l++) {
      for (let j = 0; j < m; j++) {
        const c = this.C[l * m + j];
        T[(m + l) * M + j] = c;
        T[j * M + m + l] = c;
      }
      for (let i = 0; i < b; i++) T[(m + i) * M + m + l] = 0.5 * (D[i * b + l] + D[l * b + i]);
    }
    const C = new Float64Array(next.length * M);
    for (let i = 0; i < next.length; i++) for (let l = 0; l < b; l++) C[i * M + m + l] = R[i * b + l];
    this.T = T;
    this.C = C;
    this.m = M;
    if (!this.options.keepBasis) for (const v of this.V) this.release(v);
    this.V = this.options.keepBasis ? [...this.V, ...U] : U;
    this.U = next;

    if (!invariant) return { invariant: false };
    this.invariantSubspaces++;
    if (this.options.onBreakdown === 'stop') return { invariant: true };
    return { invariant: true, lockedValues: this.lockActive() };
  }

  /** Eigendecomposition of T and the residual norms ‖C s_i‖ of its Ritz pairs. */
  ritz(): RitzData {
    const { m, C } = this;
    const eigen = denseEigen(this.T, m, 'ascending');
    const rows = C.length / Math.max(m, 1);
    const residuals = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s2 = 0;
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += C[r * m + j] * eigen.vectors[j * m + i];
        s2 += s * s;
      }
      residuals[i] = Math.sqrt(s2);
    }
    return { eigen, residuals };
  }

  /** Ritz vectors V s_i for the given columns of `ritz.eigen` (new vectors). */
  ritzVectors(ritz: RitzData, cols: readonly number[]): Vector[] {
    this.requireBasis('ritzVectors');
    return combine(this.op, this.V, ritz.eigen.vectors, this.m, cols);
  }

  /**
   * The same Ritz vectors formed over the basis itself (no new long vectors, and in an arena no
   * fresh memory to fault in): for a driver that is done, since V is gone afterwards. T, C and U are
   * kept, so `ritzImages` still works.
   */
  takeRitzVectors(ritz: RitzData, cols: readonly number[]): Vector[] {
    this.requireBasis('takeRitzVectors');
    const old = this.V;
    const out = combineInPlace(old, ritz.eigen.vectors, this.m, cols);
    for (const v of old.slice(cols.length)) this.release(v);
    this.V = out;
    return out;
  }

  /** A y_i = θ_i y_i + U (C s_i) from the Lanczos relation: no application of A. */
  ritzImages(ritz: RitzData, cols: readonly number[], vectors: readonly Vector[]): Vector[] {
    const { m, C, U } = this;
    const arena = this.options.arena;
    return cols.map((c, l) => {
      // coef = [θ, (C s)_0, …]: the image as one combination of [y, U].
      const coef = new Float64Array(1 + U.length);
      coef[0] = ritz.eigen.values[c];
      for (let r = 0; r < U.length; r++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += C[r * m + j] * ritz.eigen.vectors[j * m + c];
        coef[1 + r] = s;
      }
      const inputs = [vectors[l], ...U];
      const slot = arena && arena.holds(inputs) ? arena.allocForWrite() : undefined;
      if (arena && slot) {
        arena.combine(inputs as Float32Array[], coef, 1, [0], [slot]);
        return slot;
      }
      const y = vectors[l].slice() as Vector;
      scale(coef[0], y);
      for (let r = 0; r < U.length; r++) {
        const u = U[r];
        for (let i = 0; i < y.length; i++) y[i] += coef[1 + r] * u[i];
      }
      return y;
    });
  }

  /**
   * Thick restart (Wu & Simon 2000; Stathopoulos, Saad & Wu 1998): keep the Ritz pairs `keep` as the
   * new basis, V ← V S_keep, T ← diag(θ_keep), C ← C S_keep. The relation A V = V T + U C still holds,
   * the open block U continues the process, and memory drops to |keep| basis vectors.
   */
  restart(ritz: RitzData, keep: readonly number[]): void {
    this.requireBasis('restart');
    const { m } = this;
    const S = ritz.eigen.vectors;
    const p = keep.length;
    const rows = this.U.length;
    const C = new Float64Array(rows * p);
    for (let r = 0; r < rows; r++) {
      for (let l = 0; l < p; l++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += this.C[r * m + j] * S[j * m + keep[l]];
        C[r * p + l] = s;
      }
    }
    const T = new Float64Array(p * p);
    for (let l = 0; l < p; l++) T[l * p + l] = ritz.eigen.values[keep[l]];
    const old = this.V;
    this.V = combineInPlace(old, S, m, keep);
    for (const v of old.slice(p)) this.release(v);
    this.T = T;
    this.C = C;
    this.m = p;
  }

  /** Forget locked pairs (the least wanted, when memory is short); later restarts may find them again. */
  dropLocked(indices: readonly number[]): void {
    const drop = new Set(indices);
    for (const i of drop) this.release(this.locked[i]);
    const keepIdx = this.locked.map((_, i) => i).filter((i) => !drop.has(i));
    const vectors = keepIdx.map((i) => this.locked[i]);
    const values = keepIdx.map((i) => this.lockedValues[i]);
    this.locked.length = 0;
    this.lockedValues.length = 0;
    this.locked.push(...vectors);
    this.lockedValues.push(...values);
  }

  /** The active space is invariant (C = 0): its Ritz pairs are eigenpairs; lock them all. */
  private lockActive(): Float64Array {
    const { m } = this;
    const eigen = denseEigen(this.T, m, 'ascending');
    const all = Array.from({ length: m }, (_, i) => i);
    const vectors = combineInPlace(this.V, eigen.vectors, m, all);
    this.locked.push(...vectors);
    this.lockedValues.push(...eigen.values);
    this.V = [];
    this.T = new Float64Array(0);
    this.C = new Float64Array(0);
    this.m = 0;
    return eigen.values;
  }

  /** Gives every stored vector back to the arena (the process is unusable afterwards). */
  dispose(): void {
    for (const v of [...this.locked, ...this.V, ...this.U]) this.release(v);
    this.locked.length = 0;
    this.V = [];
    this.U = [];
  }

  private release(v: Vector): void {
    this.options.arena?.release(v);
  }

  private requireBasis(what: string): void {
    if (!this.options.keepBasis) throw new Error(`BlockLanczosProcess.${what} needs keepBasis: true`);
  }
}
