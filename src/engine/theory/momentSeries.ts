/**
 * The shape every prediction takes and returns: targets and a schedule of steps in, the first `kmax`
 * moments of I, S and H ≈ I + S at those steps out, as plain number arrays (JSON-able, ready for a
 * chart or `series.jsonl`).
 */
import type { DynamicsMode } from './thetaSpectrum';

/** What every prediction is asked: the targets and the steps to predict at. */
export interface PredictionSchedule {
  /** Targets Y*, N × nL row-major. */
  readonly target: Float64Array;
  readonly nL: number;
  /** Learning rate η. */
  readonly eta: number;
  /** Step numbers at which to predict (t = η · step). */
  readonly steps: readonly number[];
  /** Highest moment k. */
  readonly kmax: number;
  /** 'discrete' (A^s, default: what a run of gradient descent does) or 'flow' (e^{−tΘ̄}). */
  readonly mode?: DynamicsMode;
}

/** A trial's own starting point, for path-wise predictions. */
export interface TrialStart {
  /** Outputs at initialization, N × nL row-major. */
  readonly Y0: Float64Array;
  /** Hessian traces at initialization, G_ik = Tr Hess_θ f_k(x_i), N × nL. */
  readonly G0: Float64Array;
}

export interface MomentSeries {
  /** The step numbers asked for. */
  readonly steps: number[];
  /** t = η · step. */
  readonly times: number[];
  /** traceI[k − 1][s] = Tr(I^k) at steps[s], k = 1..kmax. */
  readonly traceI: number[][];
  /** traceS[k − 1][s] = Tr(S^k): Tr S, Tr S², then 0 (the moments k ≥ 3 vanish in the limit). */
  readonly traceS: number[][];
  /** traceH[k − 1][s] ≈ Tr(I^k) + Tr(S^k) (I and S are asymptotically orthogonal). */
  readonly traceH: number[][];
  /** The loss C(Y) at each step. */
  readonly loss: number[];
}

/** The moments at one step. */
export interface StepMoments {
  /** Tr(I^k), k = 1..kmax. */
  readonly traceI: ArrayLike<number>;
  readonly traceS: number;
  readonly traceS2: number;
  readonly loss: number;
}

/** Collects per-step moments into a `MomentSeries`. */
export function momentSeries(steps: readonly number[], eta: number, kmax: number, rows: readonly StepMoments[]): MomentSeries {
  const traceI: number[][] = [];
  const traceS: number[][] = [];
  const traceH: number[][] = [];
  for (let k = 1; k <= kmax; k++) {
    const iRow = rows.map((r) => r.traceI[k - 1]);
    const sRow = rows.map((r) => (k === 1 ? r.traceS : k === 2 ? r.traceS2 : 0));
    traceI.push(iRow);
    traceS.push(sRow);
    traceH.push(iRow.map((v, s) => v + sRow[s]));
  }
  return { steps: [...steps], times: steps.map((s) => eta * s), traceI, traceS, traceH, loss: rows.map((r) => r.loss) };
}

/** Checks the common arguments of the predictions; throws with what was expected and received. */
export function checkSteps(steps: readonly number[], eta: number, kmax: number): void {
  if (!(eta > 0) || !Number.isFinite(eta)) throw new RangeError(`the learning rate η must be a positive number, got ${eta}`);
  if (!Number.isInteger(kmax) || kmax < 1) throw new RangeError(`kmax must be an integer ≥ 1, got ${kmax}`);
  for (const s of steps) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`steps must be integers ≥ 0, got ${s}`);
  }
}

/** Checks that a matrix argument is N × nL. */
export function checkShape(name: string, A: Float64Array, N: number, nL: number): void {
  if (A.length !== N * nL) throw new RangeError(`${name} must be N × nL = ${N}×${nL} (${N * nL} numbers), got ${A.length}`);
}
