import { literal, nonNegInt, nonNegNum, object, plainName, str, type Check, type Infer } from './checks';

/**
 * The calibration of `ntkexp run --plan --json` (the `calibration` object of its output), as written
 * and as read back by `--plan --calibration FILE`: a calibration of a wide network is a long
 * measurement (87 minutes at width 5000), so planning other cluster shapes reuses it. The file is
 * the user's, any workspace may hold one: every field is checked before use, and `short_run` ties it
 * to the short run it timed (run/calibrate.ts `shortRunFor`).
 */
const seconds = nonNegNum;
const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, p) =>
    v === null ? undefined : check(v, p);

/** A positive count of engines or threads, bounded as a run bounds them (run/limits.ts allows far fewer). */
const count: Check<number> = (v, p) => nonNegInt(v, p) ?? ((v as number) >= 1 && (v as number) <= 4096 ? undefined : `${p}: expected 1 to 4096, got ${v as number}`);
/** A line of text for the terminal: a forged megabyte is not printed. */
const line: Check<string> = (v, p) => str(v, p) ?? ((v as string).length <= 400 && !/[\u0000-\u001f\u007f]/.test(v as string) ? undefined : `${p}: expected one line of at most 400 characters`);
const sha256: Check<string> = (v, p) => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? undefined : `${p}: expected a sha256 in hex`);

export const PLAN_CALIBRATION = object({
  experiment: plainName,
  /** sha256 of the short run (its experiment, its measureOnce, the engines, threads and backend). */
  short_run: sha256,
  engines: count,
  threads: count,
  compute: nullable(line),
  steps: nonNegInt,
  measurements: nonNegInt,
  engine_start_seconds: seconds,
  prepare_seconds: seconds,
  step_seconds: seconds,
  measurement_seconds: seconds,
  theory_seconds: seconds,
  surface_seconds: seconds,
  applications: nullable(nonNegInt),
  max_rss_mb: nonNegNum,
  wall_seconds: seconds,
});
export type PlanCalibration = Infer<typeof PLAN_CALIBRATION>;

/** What `--calibration` reads: a plan's JSON output (its other fields are not used). */
export const PLAN_OUTPUT = object({ type: literal('plan'), calibration: PLAN_CALIBRATION });
