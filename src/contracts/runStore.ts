/**
 * The JSON files of the run store (src/run/runFiles.ts describes them): run.json, summary.json,
 * sweep.json and sweep-summary.json. Every reader of these files (the CLI's merge and reports, the
 * extension's runs view and panels, the webview) checks them with these before using a field. Ids are
 * plain names: a sweep's run ids become its sub-folders' names.
 */
import { computeCheck } from './engineMessages';
import { anything, arrayOf, literal, nonNegInt, num, numOrNull, object, optional, plainName, record, str } from './checks';

/**
 * Largest line of series.jsonl (one record), in bytes: what a run may write and what a reader takes whole
 * (a loss surface of 1001² points is about 22 MB; V8 holds strings up to about 512 MB).
 */
export const MAX_RECORD_BYTES = 64 * 2 ** 20;

export const RUN_FORMAT = 'ntkexp-run/1';
export const SUMMARY_FORMAT = 'ntkexp-summary/1';
export const SWEEP_FORMAT = 'ntkexp-sweep/1';
export const SWEEP_SUMMARY_FORMAT = 'ntkexp-sweep-summary/1';

export const runStatusCheck = literal('running', 'finished', 'failed', 'cancelled');

export const runInfoCheck = object({
  format: literal(RUN_FORMAT),
  id: plainName,
  experiment: str,
  title: str,
  source: object({ file: str, sha256: str }),
  resolved: object({}),
  varied: optional(record(anything)),
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
  // What the estimate holds is the estimator's (src/run/estimate.ts) and no reader uses it: an object.
  estimate: optional(object({})),
  error: optional(str),
  stderr: optional(str),
});

export const runSummaryCheck = object({
  format: literal(SUMMARY_FORMAT),
  run: plainName,
  status: runStatusCheck,
  trials: object({ finished: nonNegInt, failed: nonNegInt, cancelled: nonNegInt, total: nonNegInt }),
  steps: arrayOf(object({ step: nonNegInt, t: num, trials: nonNegInt })),
  timings: object({ elapsed_ms: num }),
});

export const sweepInfoCheck = object({
  format: literal(SWEEP_FORMAT),
  id: plainName,
  experiment: str,
  source: object({ file: str, sha256: str }),
  started: str,
  ended: optional(str),
  status: runStatusCheck,
  runs: arrayOf(object({ id: plainName, experiment: str, varied: record(anything) })),
});

export const sweepSummaryCheck = object({
  format: literal(SWEEP_SUMMARY_FORMAT),
  sweep: plainName,
  runs: arrayOf(object({ id: plainName, varied: record(anything), deviationH: arrayOf(numOrNull), status: runStatusCheck })),
});
