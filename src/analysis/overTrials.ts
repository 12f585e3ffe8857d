/**
 * Small statistics over trials. The standard error of a mean over n ≥ 2 trials is the sample standard
 * deviation over √n (it includes each trial's estimator noise, as in src/contracts/runStore.ts StepSummary); for one
 * trial it is that trial's own estimator standard error, passed in as `single`.
 */
export interface MeanStderr {
  mean: number;
  stderr: number;
  n: number;
}

export function meanStderr(values: readonly number[], single = 0): MeanStderr {
  const n = values.length;
  if (n === 0) return { mean: NaN, stderr: NaN, n: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, stderr: single, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, stderr: Math.sqrt(ss / (n - 1) / n), n };
}
