/**
 * The files of a run folder (issue "Runs"), their types and names. One folder per run:
 *
 *   run.json         RunInfo: the resolved experiment, source file and hash, backend, versions, times, status
 *   series.jsonl     one JSON record per line (measurement, surface, theory, log), appended and flushed as
 *                    made; a torn last line (a crash mid-write) is ignored on reading
 *   summary.json     RunSummary: means and standard errors over trials, deviations from theory, timings
 *   report.html      one offline file with the panel's charts and the data inlined
 *   params-*.json    with --save-params (params.ts)
 *
 * A sweep groups its runs in one folder with sweep.json (SweepInfo) and a sweep summary.
 */
import type { MeanFieldComparison } from './meanFieldComparison';
import type { RunCompute } from './compute';
import type { Moments } from '../engine/records';
import type { REPORT_FORMAT } from '../contracts/report';
import type { EngineMessage } from './protocol';

export const RUN_FILE = 'run.json';
export const SERIES_FILE = 'series.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const REPORT_FILE = 'report.html';
export const SWEEP_FILE = 'sweep.json';
export const SWEEP_SUMMARY_FILE = 'sweep-summary.json';

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface RunInfo {
  readonly format: 'ntkexp-run/1';
  /** The folder name: `<experiment>-<timestamp>` (sweep points: their varied settings). */
  readonly id: string;
  /** Experiment name; for a sweep point, like `fig1[width=250]`. */
  readonly experiment: string;
  readonly title: string;
  readonly source: { readonly file: string; readonly sha256: string };
  /** The resolved experiment (every default filled, formulas as text): enough to run it again. */
  readonly resolved: unknown;
  /** Settings a sweep varied for this run, if any. */
  readonly varied?: Readonly<Record<string, unknown>>;
  backend: string;
  /** The product the engines ran (from their started messages; several when they differed). */
  compute?: RunCompute;
  readonly versions: { readonly ntkexp: string; readonly tfjs: string; readonly node: string };
  readonly started: string;
  ended?: string;
  status: RunStatus;
  /** Trial indices this folder holds (all of them, or a shard's). */
  readonly trials: number[];
  readonly trialsTotal: number;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly workers: number;
  /** Measurement steps and the highest moment. */
  readonly steps: number[];
  readonly kmax: number;
  readonly parameters: number;
  readonly samples: number;
  /**
   * The estimate the run was planned with (src/run/estimate.ts): an engine's memory, a trial's seconds,
   * and each phase's seconds per trial (theory also once per engine) and records bytes, so that a
   * measured run can be compared with it (a later calibration of the rates).
   */
  readonly estimate: {
    readonly memory_mb: number;
    readonly seconds: number;
    readonly phases?: Readonly<Record<string, { readonly seconds: number; readonly once_seconds?: number; readonly bytes?: number }>>;
  };
  /** Why it failed or was cancelled, in words a person can act on. */
  error?: string;
  /** For a crash: the tail of the engine's stderr. */
  stderr?: string;
}

/** Mean and standard error of moments at one measurement step, over the trials that reached it. */
export interface StepSummary {
  readonly step: number;
  readonly t: number;
  readonly trials: number;
  readonly loss: { readonly mean: number; readonly stderr: number };
  readonly mean: Moments;
  /**
   * Over several trials: the standard error of the mean over trials (it includes each trial's
   * estimator noise). For one trial: that trial's estimator standard errors.
   */
  readonly stderr: Moments;
  /** Over several trials: the standard deviation over trials (one trial's typical distance from the mean). */
  readonly spread?: Moments;
  /** Mean over trials of each trial's path-wise prediction. */
  readonly theory?: Moments;
  /** The prediction in expectation over initializations. */
  readonly expected?: Moments;
  /**
   * (mean − expected)/scale per matrix and k, the scale being the largest |expected| over the run's
   * steps (src/analysis/deviation.ts); null where the quantity vanishes in the limit (expected 0 throughout).
   */
  readonly deviation?: { readonly H: (number | null)[]; readonly I: (number | null)[]; readonly S: (number | null)[] };
  /**
   * Mean-field runs at initialization: the paper's limits on their own scale, √w·Tr(S) ~ N(0, ∇CᵀΞ∇C)
   * and w·Tr(S²) → ∇CᵀΥ∇C, against the trials (mean, its standard error, the spread over trials).
   */
  readonly mean_field?: MeanFieldComparison;
  /** Over several trials: (mean − expected)/s.e. of the mean; null where the quantity vanishes. */
  readonly deviation_se?: { readonly H: (number | null)[]; readonly I: (number | null)[]; readonly S: (number | null)[] };
}

export interface RunSummary {
  readonly format: 'ntkexp-summary/1';
  readonly run: string;
  readonly experiment: string;
  readonly status: RunStatus;
  readonly backend: string;
  readonly trials: { readonly finished: number; readonly failed: number; readonly cancelled: number; readonly total: number };
  readonly steps: StepSummary[];
  /** Largest |deviation| over steps, per matrix and k: how far the run is from the theory. */
  readonly maxDeviation?: { readonly H: (number | null)[]; readonly I: (number | null)[]; readonly S: (number | null)[] };
  readonly timings: { readonly elapsed_ms: number; readonly trial_ms: { readonly mean: number; readonly max: number } };
}

export interface SweepInfo {
  readonly format: 'ntkexp-sweep/1';
  readonly id: string;
  readonly experiment: string;
  readonly source: { readonly file: string; readonly sha256: string };
  readonly started: string;
  ended?: string;
  status: RunStatus;
  /** Why it failed, when the sweep's own files could not be written or a write stopped it. */
  error?: string;
  /** The runs, each a sub-folder, with the settings it varies. */
  readonly runs: { readonly id: string; readonly experiment: string; readonly varied: Readonly<Record<string, unknown>> }[];
}

/** Comparison of a sweep's runs (a width sweep: deviation from theory against width and its log-log slope). */
export interface SweepSummary {
  readonly format: 'ntkexp-sweep-summary/1';
  readonly sweep: string;
  readonly runs: {
    readonly id: string;
    readonly varied: Readonly<Record<string, unknown>>;
    /** Mean over steps of |deviation| of Tr(H^k), per k (null where undefined). */
    readonly deviationH: (number | null)[];
    readonly status: RunStatus;
  }[];
  /** When the sweep varies `width`: per other setting group, the fitted slope of log(deviation) against log(width), per k. */
  readonly widthSlopes?: { readonly group: Readonly<Record<string, unknown>>; readonly slope: (number | null)[]; readonly widths: number[] }[];
}

/** The data a report.html carries, inlined as JSON (src/run/report.ts writes it; the page checks it on load). */
export interface ReportData {
  format: typeof REPORT_FORMAT;
  /** ISO time the report was written. */
  generated: string;
  /** e.g. "ntkexp 0.1.0". */
  generator: string;
  runs: ReportRun[];
  sweep?: { info: SweepInfo; summary?: SweepSummary };
}

export interface ReportRun {
  info: RunInfo;
  records: EngineMessage[];
  summary?: RunSummary;
}
