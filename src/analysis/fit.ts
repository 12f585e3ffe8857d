/**
 * Least-squares lines, for the slopes of log–log plots (a width sweep's deviation against width, the
 * NTK's drift against width): one implementation for summary.json, the panel and the validation.
 */

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
