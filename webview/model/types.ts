/**
 * The shapes the data model hands to the charts: points already in chart coordinates (Chart.js reads
 * them as they are, `parsing: false`), sorted by x where a series is a line. Pure types: no DOM here,
 * so the model runs under Node in the unit tests.
 */
export type { MeasurementRecord, SurfaceRecord, Moments, EngineMessage, LogMessage } from '../../src/contracts/engineMessages';
export type { RunInfo, RunSummary, SweepInfo, SweepSummary, StepSummary } from '../../src/contracts/runStore';

export type Matrix = 'H' | 'I' | 'S';
export const MATRICES: readonly Matrix[] = ['H', 'I', 'S'];

export interface Point {
  x: number;
  y: number;
}

/** A mean with its standard-error band: lo = y − stderr, hi = y + stderr, over n trials. */
export interface BandPoint extends Point {
  lo: number;
  hi: number;
  /** Trials behind the mean (1: the band is that trial's own estimator error). */
  n: number;
}

/** A point that remembers which trial it came from (scatter plots, per-trial lines). */
export interface TrialPoint extends Point {
  trial: number;
}

export interface TrialSeries {
  trial: number;
  points: Point[];
}

/** How a theory line was made: a single trial's path-wise prediction (or their mean), or the expectation. */
export type TheoryKind = 'path-wise' | 'path-wise mean' | 'expected' | 'none';

export interface TheorySeries {
  kind: TheoryKind;
  points: Point[];
}

/** A series through training: trial mean ± standard error, each trial, and the theory's line. */
export interface TimeSeries {
  mean: BandPoint[];
  /** Mean ± one standard deviation over trials, at the steps with at least two trials (else empty). */
  spread: BandPoint[];
  trials: TrialSeries[];
  theory: TheorySeries;
}
