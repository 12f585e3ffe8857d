/**
 * A width sweep's own infinite-width limit: each quantity's mean over trials m(n) at width n, fitted as
 *
 *     m(n) = m∞ + c · n^(−p),    p = 1/2 (a trial's fluctuations, Theorem 1) or p = 1 (the mean's bias),
 *
 * by least squares in x = n^(−p), weighted by the means' standard errors, so m∞ is the intercept. This
 * needs no infinite-width computation: m∞ ± s.e. set beside the theory's value is an independent test
 * of it. Which exponent fits better is the one with the smaller χ² (the same number of parameters);
 * with only two widths both fit exactly and neither is preferred.
 *
 * Standard errors: the intercept's from the weighted fit's covariance, (XᵀWX)⁻¹₀₀ with W = 1/s.e.²,
 * the means' standard errors being over trials (each trial's estimator noise and rounding included,
 * summary.ts). When the model leaves more scatter than those errors allow (χ²/dof > 1), the covariance
 * is scaled by χ²/dof (the Birge ratio), so a wrong exponent widens the error bar instead of hiding
 * behind it. Where some mean has no usable standard error (zero or missing), the fit is unweighted and
 * its error comes from the residuals alone (needs three widths). One rule for sweep-summary.json, the
 * CLI and the sweep panel.
 */

export interface WidthPoint {
  readonly width: number;
  readonly mean: number;
  /** Standard error of `mean`; NaN or ≤ 0 when unknown. */
  readonly stderr: number;
}

export interface LimitFit {
  /** p in m∞ + c·n^(−p). */
  readonly exponent: number;
  readonly limit: number;
  /** Standard error of `limit`; NaN where it cannot be estimated (two widths, unweighted). */
  readonly stderr: number;
  /** c. */
  readonly slope: number;
  /** Σ ((m − fit)/s.e.)² when weighted, else the residual sum of squares. */
  readonly chi2: number;
  /** Widths minus two. */
  readonly dof: number;
  readonly weighted: boolean;
}

export interface WidthLimit {
  /** One fit per exponent, in the order asked (default 1/2, then 1). */
  readonly fits: LimitFit[];
  /** The exponent with the smaller χ², or null when the fits cannot be told apart (dof = 0, or equal χ²). */
  readonly better: number | null;
}

export const LIMIT_EXPONENTS: readonly number[] = [0.5, 1];

/** The limit fits, or undefined with fewer than two distinct widths or a non-finite mean. */
export function widthLimit(points: readonly WidthPoint[], exponents: readonly number[] = LIMIT_EXPONENTS): WidthLimit | undefined {
  const usable = points.filter((p) => p.width > 0 && Number.isFinite(p.width) && Number.isFinite(p.mean));
  if (usable.length !== points.length || new Set(usable.map((p) => p.width)).size < 2) return undefined;
  const weighted = usable.every((p) => Number.isFinite(p.stderr) && p.stderr > 0);
  const fits = exponents.map((exponent) => fitOne(usable, exponent, weighted));
  const dof = usable.length - 2;
  let better: number | null = null;
  if (dof >= 1) {
    const sorted = [...fits].sort((a, b) => a.chi2 - b.chi2);
    if (sorted.length > 0 && (sorted.length === 1 || sorted[0].chi2 < sorted[1].chi2)) better = sorted[0].exponent;
  }
  return { fits, better };
}

/** The fit of the preferred exponent (the better one, else the first asked: 1/2 by default). */
export function preferredFit(limit: WidthLimit): LimitFit {
  return limit.fits.find((f) => f.exponent === limit.better) ?? limit.fits[0];
}

function fitOne(points: readonly WidthPoint[], exponent: number, weighted: boolean): LimitFit {
  let S = 0;
  let Sx = 0;
  let Sxx = 0;
  let Sy = 0;
  let Sxy = 0;
  const xs = points.map((p) => p.width ** -exponent);
  const ws = points.map((p) => (weighted ? 1 / (p.stderr * p.stderr) : 1));
  points.forEach((p, i) => {
    const w = ws[i];
    const x = xs[i];
    S += w;
    Sx += w * x;
    Sxx += w * x * x;
    Sy += w * p.mean;
    Sxy += w * x * p.mean;
  });
  const det = S * Sxx - Sx * Sx;
  const limit = (Sxx * Sy - Sx * Sxy) / det;
  const slope = (S * Sxy - Sx * Sy) / det;
  let chi2 = 0;
  points.forEach((p, i) => {
    chi2 += ws[i] * (p.mean - limit - slope * xs[i]) ** 2;
  });
  const dof = points.length - 2;
  let variance: number;
  if (weighted) variance = (Sxx / det) * (dof >= 1 ? Math.max(1, chi2 / dof) : 1);
  else variance = dof >= 1 ? (Sxx / det) * (chi2 / dof) : NaN;
  return { exponent, limit, stderr: Math.sqrt(variance), slope, chi2, dof, weighted };
}
