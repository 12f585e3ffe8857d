/**
 * The JSON files of the run store (src/run/runFiles.ts names them): run.json, summary.json, sweep.json,
 * sweep-summary.json and the data a report.html inlines, each declared once as a check with its type
 * inferred from it. Every reader of these files (the CLI's merge and reports, the
 * extension's runs view and panels, the webview) checks them with these before using a field. Ids are
 * plain names: a sweep's run ids become its sub-folders' names.
 */
import { computeCheck, momentsCheck, stabilityThresholdFields, type EngineMessage } from './engineMessages';
import { anything, arrayOf, bool, describe, literal, nonNegInt, num, numOrNull, object, optional, plainName, record, str, type Check, type Infer } from './checks';
import { REPORT_FORMAT } from './report';

/**
 * Largest line of series.jsonl (one record), in bytes: what a run may write and what a reader takes whole
 * (a loss surface of 1001² points is about 22 MB; V8 holds strings up to about 512 MB).
 */
export const MAX_RECORD_BYTES = 64 * 2 ** 20;

export const RUN_FORMAT = 'ntkexp-run/1';
export const SUMMARY_FORMAT = 'ntkexp-summary/1';
export const SWEEP_FORMAT = 'ntkexp-sweep/1';
export const SWEEP_SUMMARY_FORMAT = 'ntkexp-sweep-summary/1';

/** run.json's status: a run that is `running` with no live engine was stopped without being marked (a crash of the parent). */
export const runStatusCheck = literal('running', 'finished', 'failed', 'cancelled');
export type RunStatus = Infer<typeof runStatusCheck>;

/** Any JSON object (the resolved experiment, a sweep's varied settings): its own reader checks what it holds. */
const jsonObject = record(anything);
const anyObject: Check<object> = (v, p) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : `${p}: expected an object, got ${describe(v)}`);
const source = object({ file: str, sha256: str });
const numbersOrNull = arrayOf(numOrNull);
const perMatrix = object({ H: numbersOrNull, I: numbersOrNull, S: numbersOrNull });

/**
 * run.json. `id` is the folder name (`<experiment>-<timestamp>`; sweep points: their varied settings),
 * `experiment` like `fig1[width=250]` for a sweep point, `resolved` the resolved experiment (every default
 * filled, formulas as text: enough to run it again), `varied` the settings a sweep varied. `compute` the
 * product the engines ran (from their started messages; several joined with '+' when they differed).
 * `trials` the indices this folder holds (all, or a shard's). `steps` the measurement steps, `kmax` the
 * highest moment. `estimate` the plan (src/run/estimate.ts: an engine's memory, a trial's seconds, the
 * whole run's wall seconds over its engines (`run_seconds`, src/run/wallTime.ts), each phase's seconds and bytes), kept so a measured run can be compared with it. `error` says why it failed
 * or was cancelled, in words a person can act on; `stderr` a crash's tail of the engine's stderr.
 */
export const runInfoCheck = object({
  format: literal(RUN_FORMAT),
  id: plainName,
  experiment: str,
  title: str,
  source,
  resolved: anyObject,
  varied: optional(jsonObject),
  backend: str,
  compute: optional(computeCheck),
  versions: object({ ntkexp: str, tfjs: str, node: str }),
  started: str,
  ended: optional(str),
  status: runStatusCheck,
  trials: arrayOf(nonNegInt),
  trialsTotal: nonNegInt,
  shard: optional(object({ index: nonNegInt, count: nonNegInt })),
  workers: nonNegInt,
  steps: arrayOf(nonNegInt),
  kmax: nonNegInt,
  parameters: nonNegInt,
  samples: nonNegInt,
  // Optional for the reader only: every run writes one.
  estimate: optional(object({ memory_mb: num, seconds: num, run_seconds: optional(num), phases: optional(record(object({ seconds: num, once_seconds: optional(num), bytes: optional(num) }))) })),
  error: optional(str),
  stderr: optional(str),
});
export type RunInfo = Infer<typeof runInfoCheck>;

/**
 * A mean-field run's one prediction against its trials (src/analysis/meanField.ts): at
 * initialization, √w·Tr(S) ~ N(0, ∇CᵀΞ∇C) and w·Tr(S²) → ∇CᵀΥ∇C; over several trials the standard
 * error is over trials and `spread` their standard deviation.
 */
export const meanFieldComparisonCheck = object({
  width: num,
  sqrt_w_trace_s: object({ mean: numOrNull, stderr: numOrNull, spread: numOrNull, limit_mean: numOrNull, limit_std: numOrNull }),
  w_trace_s2: object({ mean: numOrNull, stderr: numOrNull, limit: numOrNull }),
});
export type MeanFieldComparison = Infer<typeof meanFieldComparisonCheck>;

/**
 * Moments at one measurement step over the trials that reached it (src/run/summary.ts). `stderr`: over
 * several trials the standard error of the mean (it includes each trial's estimator noise), for one
 * trial that trial's estimator standard errors; `spread` the standard deviation over trials; `theory`
 * the mean of the trials' path-wise predictions; `expected` the prediction in expectation.
 * `deviation` = (mean − expected)/scale, the scale being the largest |expected| over the run's steps
 * (src/analysis/deviation.ts), null where the quantity vanishes in the limit; `deviation_se` the same in
 * standard errors of the mean. `layers` (with `measure.layers`): per weight layer the blocks' moments
 * over the trials, the layer kernel's Tr(I_ℓℓ^k), and the layer's share of Tr(I) and Tr(S)
 * (src/analysis/layerShares.ts). `sharpness`: λmax(H) over the trials (and Adam's preconditioned one),
 * with the infinite-width λmax(I) where the theory gives it.
 */
export const stepSummaryCheck = object({
  step: nonNegInt,
  t: num,
  trials: nonNegInt,
  loss: object({ mean: numOrNull, stderr: numOrNull }),
  mean: momentsCheck,
  stderr: momentsCheck,
  spread: optional(momentsCheck),
  theory: optional(momentsCheck),
  expected: optional(momentsCheck),
  deviation: optional(perMatrix),
  mean_field: optional(meanFieldComparisonCheck),
  deviation_se: optional(perMatrix),
  layers: optional(
    arrayOf(
      object({
        layer: nonNegInt,
        parameters: nonNegInt,
        mean: momentsCheck,
        stderr: momentsCheck,
        theory: optional(object({ I: numbersOrNull })),
        share: object({ I: object({ mean: numOrNull, stderr: numOrNull }), S: object({ mean: numOrNull, stderr: numOrNull }) }),
      }),
    ),
  ),
  sharpness: optional(
    object({
      mean: numOrNull,
      stderr: numOrNull,
      preconditioned: optional(object({ mean: numOrNull, stderr: numOrNull })),
      limit_I: optional(numOrNull),
    }),
  ),
});
export type StepSummary = Infer<typeof stepSummaryCheck>;

/**
 * summary.json. `maxDeviation`: the largest |deviation| over steps, per matrix and k. `stability`: the
 * edge of stability over the trials (src/analysis/edgeOfStability.ts): the optimizer's threshold, each
 * trial's first measurement at or above it, and the catapult check at initialization.
 */
export const runSummaryCheck = object({
  format: literal(SUMMARY_FORMAT),
  run: plainName,
  status: runStatusCheck,
  experiment: str,
  backend: str,
  trials: object({ finished: nonNegInt, failed: nonNegInt, cancelled: nonNegInt, total: nonNegInt }),
  steps: arrayOf(stepSummaryCheck),
  maxDeviation: optional(perMatrix),
  stability: optional(
    object({
      ...stabilityThresholdFields,
      crossed: arrayOf(object({ trial: nonNegInt, step: nonNegInt, t: num, sharpness: num })),
      trials: nonNegInt,
      catapult: optional(object({ linearized: num, threshold: num, regime: bool, trials: nonNegInt, in_regime: nonNegInt })),
    }),
  ),
  timings: object({ elapsed_ms: num, trial_ms: object({ mean: numOrNull, max: numOrNull }) }),
});
export type RunSummary = Infer<typeof runSummaryCheck>;

/** sweep.json: the runs, each a sub-folder, with the settings it varies; `error` when the sweep's own files could not be written. */
export const sweepInfoCheck = object({
  format: literal(SWEEP_FORMAT),
  id: plainName,
  experiment: str,
  source,
  started: str,
  ended: optional(str),
  status: runStatusCheck,
  error: optional(str),
  runs: arrayOf(object({ id: plainName, experiment: str, varied: jsonObject })),
});
export type SweepInfo = Infer<typeof sweepInfoCheck>;

/**
 * A width sweep's own infinite-width limit (src/analysis/widthLimit.ts), per group of the other varied
 * settings: at every measurement step all its runs share, each moment's trial mean fitted against width
 * as m∞ + c·n^(−p) for p = 1/2 and p = 1 (`fits`, in that order; `better` the exponent with the smaller
 * χ², null when they cannot be told apart), beside the theory's expected value. H, I, S: index k − 1,
 * then the step's index in `steps`.
 */
function widthLimitsCheck() {
  const fit = object({ exponent: num, limit: numOrNull, stderr: numOrNull, slope: numOrNull, chi2: numOrNull, dof: num, weighted: bool });
  const entry = object({ fits: arrayOf(fit), better: numOrNull, expected: numOrNull });
  const perK = arrayOf(arrayOf(entry));
  return object({ group: jsonObject, widths: arrayOf(num), steps: arrayOf(nonNegInt), t: arrayOf(num), H: perK, I: perK, S: perK });
}

/**
 * sweep-summary.json: per run the mean over steps of |deviation| of Tr(H^k) per k (null where
 * undefined); for a sweep of `width`, per group of the other settings, the fitted slope of
 * log(deviation) against log(width), per k, and the sweep's own infinite-width limits (`limits`).
 */
export const sweepSummaryCheck = object({
  format: literal(SWEEP_SUMMARY_FORMAT),
  sweep: plainName,
  runs: arrayOf(object({ id: plainName, varied: jsonObject, deviationH: numbersOrNull, status: runStatusCheck })),
  widthSlopes: optional(arrayOf(object({ group: jsonObject, slope: numbersOrNull, widths: arrayOf(num) }))),
  limits: optional(arrayOf(widthLimitsCheck())),
});
export type SweepSummary = Infer<typeof sweepSummaryCheck>;

/**
 * The data a report.html carries, inlined as JSON (src/run/report.ts writes it). Its reader
 * (webview/model/reportData.ts) checks each part with the checks above, so that one unreadable run or
 * record is left out and counted instead of hiding the report. `generator` e.g. "ntkexp 0.1.0".
 */
export interface ReportData {
  readonly format: typeof REPORT_FORMAT;
  /** ISO time the report was written. */
  readonly generated: string;
  readonly generator: string;
  readonly runs: readonly { readonly info: RunInfo; readonly records: readonly EngineMessage[]; readonly summary?: RunSummary }[];
  readonly sweep?: { readonly info: SweepInfo; readonly summary?: SweepSummary };
}
export type ReportRun = ReportData['runs'][number];
