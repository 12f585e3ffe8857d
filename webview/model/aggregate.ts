/**
 * One measurement step's records (one per trial) and their aggregate over trials: mean ± standard
 * error of every moment, top eigenvalue, ‖IS‖/(‖I‖‖S‖), NTK eigenvalue and loss (analysis/overTrials.ts: over n ≥ 2
 * trials the standard error of the mean, for one trial its own estimator error), the mean of the
 * trials' path-wise predictions and the expectation.
 */
import { meanStderr, type MeanStderr } from '../../src/analysis/overTrials';
import { MATRICES, type Matrix, type MeasurementRecord } from './types';
import { isFiniteNumber } from '../../src/contracts/engineMessages';
import { layerShares } from '../../src/analysis/layerShares';

/** Mean ± standard error over the trials measured at one step. */
export interface StepAggregate {
  step: number;
  t: number;
  n: number;
  loss: MeanStderr;
  moments: Record<Matrix, MeanStderr[]>;
  /** Mean over trials of each trial's path-wise prediction (NaN where none). */
  theory: Record<Matrix, number[]>;
  /** The prediction in expectation (the same for every trial). */
  expected?: Record<Matrix, number[]>;
  top: Record<Matrix, MeanStderr[]>;
  orthogonality?: MeanStderr;
  ntk?: MeanStderr[];
  limit?: number[];
  /** λmax(H) over the trials, Adam's preconditioned λmax, and the limit's λmax(I) (records carrying them). */
  sharpness?: { H: MeanStderr; preconditioned?: MeanStderr; limitI?: number };
  /** Per weight layer (records with `layers`): its blocks' moments, the theory's Tr(I_ℓℓ^k), and its share of Tr(I) and Tr(S) (analysis/layerShares.ts, per trial then averaged). */
  layers?: LayerAggregate[];
}

export interface LayerAggregate {
  layer: number;
  parameters: number;
  moments: Record<Matrix, MeanStderr[]>;
  theoryI?: number[];
  share: { I: MeanStderr; S: MeanStderr };
}

/** The records of one step by trial, and their aggregate (undefined until read after a change). */
export interface StepEntry {
  step: number;
  t: number;
  byTrial: Map<number, MeasurementRecord>;
  aggregate?: StepAggregate;
}


/** Mean ± standard error over the trials of one step (analysis/overTrials.ts for the one-trial case). */
export function aggregate(e: StepEntry): StepAggregate {
  const records = [...e.byTrial.values()].sort((a, b) => a.trial - b.trial);
  const one = records.length === 1 ? records[0] : undefined;
  const over = (pick: (r: MeasurementRecord) => number | null | undefined, single?: number | null): MeanStderr =>
    meanStderr(
      records.map(pick).filter(isFiniteNumber),
      isFiniteNumber(single) ? single : 0,
    );
  const kmax = Math.max(0, ...records.map((r) => r.moments.H.length));
  const moments = {} as Record<Matrix, MeanStderr[]>;
  const theory = {} as Record<Matrix, number[]>;
  const top = {} as Record<Matrix, MeanStderr[]>;
  let expected: Record<Matrix, number[]> | undefined;
  const withExpected = records.find((r) => r.expected);
  for (const A of MATRICES) {
    moments[A] = Array.from({ length: kmax }, (_, k) => over((r) => r.moments[A][k], one?.moments_stderr[A][k]));
    theory[A] = Array.from({ length: kmax }, (_, k) => {
      const m = over((r) => r.theory?.[A][k]);
      return m.n > 0 ? m.mean : NaN;
    });
    const ranks = Math.max(0, ...records.map((r) => r.top?.[A]?.length ?? 0));
    top[A] = Array.from({ length: ranks }, (_, i) => over((r) => r.top?.[A]?.[i]));
    if (withExpected) {
      expected ??= {} as Record<Matrix, number[]>;
      expected[A] = withExpected.expected![A].map((v) => (isFiniteNumber(v) ? v : NaN));
    }
  }
  const withOrth = records.filter((r) => r.orthogonality);
  const withNtk = records.filter((r) => r.ntk);
  const ntkRanks = Math.max(0, ...withNtk.map((r) => r.ntk!.eigenvalues.length));
  const limit = withNtk.find((r) => r.ntk!.limit_eigenvalues)?.ntk!.limit_eigenvalues;
  return {
    step: e.step,
    t: e.t,
    n: records.length,
    loss: over((r) => r.loss),
    moments,
    theory,
    ...(expected ? { expected } : {}),
    top,
    ...(withOrth.length > 0 ? { orthogonality: over((r) => r.orthogonality?.IS, one?.orthogonality?.IS_stderr) } : {}),
    ...(ntkRanks > 0 ? { ntk: Array.from({ length: ntkRanks }, (_, i) => over((r) => r.ntk?.eigenvalues[i])) } : {}),
    ...(limit ? { limit: limit.map((v) => (isFiniteNumber(v) ? v : NaN)) } : {}),
    ...sharpnessOf(records),
    ...layersOf(records),
  };
}

function layersOf(records: readonly MeasurementRecord[]): Pick<StepAggregate, 'layers'> {
  const withLayers = records.filter((r) => r.layers && r.layers.length > 0);
  if (withLayers.length === 0) return {};
  const one = withLayers.length === 1 ? withLayers[0] : undefined;
  const count = Math.min(...withLayers.map((r) => r.layers!.length));
  const shares = (A: 'I' | 'S') => withLayers.map((r) => layerShares(r.layers!.slice(0, count).map((b) => (isFiniteNumber(b.moments[A][0]) ? b.moments[A][0] : NaN))));
  const shareI = shares('I');
  const shareS = shares('S');
  return {
    layers: Array.from({ length: count }, (_, l) => {
      const first = withLayers[0].layers![l];
      const moments = {} as Record<Matrix, MeanStderr[]>;
      for (const A of MATRICES) {
        const K = first.moments[A].length;
        moments[A] = Array.from({ length: K }, (_, k) =>
          meanStderr(
            withLayers.map((r) => r.layers![l].moments[A][k]).filter(isFiniteNumber),
            isFiniteNumber(one?.layers![l].stderr[A][k]) ? (one!.layers![l].stderr[A][k] as number) : 0,
          ),
        );
      }
      const theory = withLayers.find((r) => r.layers![l].theory)?.layers![l].theory?.I;
      return {
        layer: first.layer,
        parameters: first.parameters,
        moments,
        ...(theory ? { theoryI: theory.map((v) => (isFiniteNumber(v) ? v : NaN)) } : {}),
        share: { I: meanStderr(shareI.map((s) => s[l]).filter(isFiniteNumber)), S: meanStderr(shareS.map((s) => s[l]).filter(isFiniteNumber)) },
      };
    }),
  };
}

function sharpnessOf(records: readonly MeasurementRecord[]): Pick<StepAggregate, 'sharpness'> {
  const withIt = records.filter((r) => r.sharpness);
  if (withIt.length === 0) return {};
  const over = (pick: (r: MeasurementRecord) => number | null | undefined): MeanStderr => meanStderr(withIt.map(pick).filter(isFiniteNumber));
  const pre = over((r) => r.sharpness!.preconditioned);
  const limitI = withIt.map((r) => r.sharpness!.limit_I).find(isFiniteNumber);
  return { sharpness: { H: over((r) => r.sharpness!.H), ...(pre.n > 0 ? { preconditioned: pre } : {}), ...(limitI !== undefined ? { limitI } : {}) } };
}
