/**
 * Small statistics over trials. The standard error of a mean over n ≥ 2 trials is the sample standard
 * deviation over √n (it includes each trial's estimator noise, as in runFiles.ts StepSummary); for one
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

export interface LineFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope (NaN with fewer than three points). */
  slopeStderr: number;
  n: number;
}

/** Least squares y = intercept + slope·x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LineFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i] - intercept - slope * xs[i]) ** 2;
  const slopeStderr = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN;
  return { slope, intercept, slopeStderr, n };
}

/** Fit log10 y = a + b log10 x over the points with x, y > 0: the slope b of a log-log plot. */
export function logLogFit(points: readonly { x: number; y: number }[]): LineFit | undefined {
  const ok = points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y));
  return linearFit(
    ok.map((p) => Math.log10(p.x)),
    ok.map((p) => Math.log10(p.y)),
  );
}

/**
 * Thin a long series for a log x axis (Chart.js's decimation plugin only handles linear and time axes):
 * the points with x ≤ 0 are kept, the rest are grouped into `bins` logarithmically spaced bins, each
 * keeping its first, lowest, highest and last point (so spikes survive). Sorted input, sorted output.
 */
export function decimateLog<P extends { x: number; y: number }>(points: readonly P[], bins: number): P[] {
  if (points.length <= bins * 4) return points.slice();
  const positive = points.filter((p) => p.x > 0);
  const out: P[] = points.filter((p) => !(p.x > 0));
  if (positive.length === 0) return out;
  const lo = Math.log(positive[0].x);
  const hi = Math.log(positive[positive.length - 1].x);
  const width = (hi - lo) / bins || 1;
  let start = 0;
  while (start < positive.length) {
    const bin = Math.min(bins - 1, Math.floor((Math.log(positive[start].x) - lo) / width));
    let end = start;
    while (end < positive.length && Math.min(bins - 1, Math.floor((Math.log(positive[end].x) - lo) / width)) === bin) end++;
    let min = start;
    let max = start;
    for (let i = start; i < end; i++) {
      if (positive[i].y < positive[min].y) min = i;
      if (positive[i].y > positive[max].y) max = i;
    }
    for (const i of [...new Set([start, min, max, end - 1])].sort((a, b) => a - b)) out.push(positive[i]);
    start = end;
  }
  return out;
}
