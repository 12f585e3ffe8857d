/**
 * The edge of stability in a run's records (contracts/optimizers.ts for the thresholds): which trials'
 * sharpness reached their optimizer's threshold and when first, and whether the run started in the
 * catapult regime. One rule for summary.json, `ntkexp run`'s notice and the panel's.
 */
import { isFiniteNumber } from '../contracts/engineMessages';

/** What this rule reads of a measurement record (the contract's fields, JSON's null for NaN included). */
export interface StabilityRecord {
  readonly trial?: number;
  readonly step: number;
  readonly t: number;
  readonly sharpness?: { readonly H: number | null; readonly preconditioned?: number | null };
  readonly stability?: {
    readonly optimizer: string;
    readonly threshold: number;
    readonly rule: string;
    readonly on: string;
    readonly catapult?: { readonly linearized: number | null; readonly threshold: number; readonly regime: boolean };
  };
}

export interface Crossing {
  readonly trial: number;
  readonly step: number;
  readonly t: number;
  /** The bounded sharpness (λmax(H), or Adam's preconditioned one) at that measurement. */
  readonly sharpness: number;
}

export interface EdgeOfStability {
  readonly optimizer: string;
  readonly threshold: number;
  readonly rule: string;
  readonly on: string;
  /** Per trial that reached it, its first measurement at or above the threshold, by trial. */
  readonly crossed: Crossing[];
  /** Trials whose records carry the sharpness the threshold bounds. */
  readonly trials: number;
  /** At step 0, MSE under gd or sgd: λmax(Θ̂)/N against 2/η (the first trial in the regime, else the first trial), and how many trials start in it. */
  readonly catapult?: { readonly linearized: number; readonly threshold: number; readonly regime: boolean; readonly trials: number; readonly in_regime: number };
}

/** The sharpness a record's threshold bounds. */
export function boundedSharpness(r: StabilityRecord): number | undefined {
  const v = r.stability?.on === 'preconditioned H' ? r.sharpness?.preconditioned : r.sharpness?.H;
  return isFiniteNumber(v) ? v : undefined;
}

export function edgeOfStability(records: readonly StabilityRecord[]): EdgeOfStability | undefined {
  const withThreshold = records.filter((r) => r.stability);
  if (withThreshold.length === 0) return undefined;
  const s = withThreshold[0].stability!;
  const first = new Map<number, Crossing>();
  const measured = new Set<number>();
  for (const r of [...withThreshold].sort((a, b) => a.step - b.step)) {
    const trial = r.trial ?? 0;
    const value = boundedSharpness(r);
    if (value === undefined) continue;
    measured.add(trial);
    if (value >= r.stability!.threshold && !first.has(trial)) first.set(trial, { trial, step: r.step, t: r.t, sharpness: value });
  }
  const starts = withThreshold.filter((r) => r.step === 0 && r.stability!.catapult && isFiniteNumber(r.stability!.catapult.linearized));
  // Reported when any trial starts in the regime (the first such one's figures).
  const inRegime = starts.filter((r) => r.stability!.catapult!.regime);
  const c = (inRegime[0] ?? starts[0])?.stability!.catapult;
  return {
    optimizer: s.optimizer,
    threshold: s.threshold,
    rule: s.rule,
    on: s.on,
    crossed: [...first.values()].sort((a, b) => a.trial - b.trial),
    trials: measured.size,
    ...(c
      ? { catapult: { linearized: c.linearized as number, threshold: c.threshold, regime: inRegime.length > 0, trials: starts.length, in_regime: inRegime.length } }
      : {}),
  };
}

const num = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toPrecision(4) : x.toExponential(3));

/** The notices in words (for the CLI and the panel): none when nothing crossed and no catapult. */
export function stabilityNotices(e: EdgeOfStability | undefined): string[] {
  if (!e) return [];
  const out: string[] = [];
  const what = e.on === 'preconditioned H' ? 'the preconditioned sharpness λmax(P⁻¹H)' : 'the sharpness λmax(H)';
  if (e.crossed.length > 0) {
    const earliest = [...e.crossed].sort((a, b) => a.step - b.step)[0];
    out.push(
      `edge of stability: ${what} reached ${e.optimizer}'s threshold ${e.rule} = ${num(e.threshold)} in ${e.crossed.length} of ${e.trials} trial${e.trials === 1 ? '' : 's'}, first at step ${earliest.step} (t = ${num(earliest.t)}, trial ${earliest.trial}: ${num(earliest.sharpness)}); beyond it the ${e.optimizer === 'adam' ? 'frozen-preconditioner' : 'quadratic'} model of a step is unstable and the loss no longer falls monotonically`,
    );
  }
  if (e.catapult?.regime) {
    out.push(
      `catapult regime: at initialization the linearized dynamics' λmax(Θ̂)/N = ${num(e.catapult.linearized)} is above 2/η = ${num(e.catapult.threshold)} (in ${e.catapult.in_regime} of ${e.catapult.trials} trials): the loss first grows, then falls once the curvature has dropped below 2/η (the catapult of Lewkowycz et al. 2020; far above it, training diverges), which the infinite-width predictions, linear in the outputs, do not describe`,
    );
  }
  return out;
}
