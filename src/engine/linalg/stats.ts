/**
 * The little statistics the estimators report: sample means and standard errors, covariances for the
 * delta method, and Student-t quantiles for confidence intervals from few probes.
 */

/** A quantity estimated with its standard error (0 when it is exact). */
export interface Estimate {
  estimate: number;
  stderr: number;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Unbiased sample covariance of paired samples (n − 1 in the denominator); NaN for fewer than 2. */
export function sampleCovariance(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`sampleCovariance: ${n} and ${y.length} samples`);
  if (n < 2) return NaN;
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (n - 1);
}

export function sampleVariance(x: ArrayLike<number>): number {
  return sampleCovariance(x, x);
}

/** Standard error of the sample mean: sample standard deviation / √n. */
export function standardError(x: ArrayLike<number>): number {
  return Math.sqrt(sampleVariance(x) / x.length);
}

/** Sample mean and its standard error. */
export function meanEstimate(x: ArrayLike<number>): Estimate {
  return { estimate: mean(x), stderr: standardError(x) };
}

/**
 * Two-sided confidence interval estimate ± t_{(1+level)/2, dof} · stderr (Student t, the right
 * multiplier for a mean of `dof + 1` samples with estimated variance).
 */
export function confidenceInterval(e: Estimate, dof: number, level = 0.95): [number, number] {
  const t = e.stderr === 0 ? 0 : studentTQuantile((1 + level) / 2, dof);
  return [e.estimate - t * e.stderr, e.estimate + t * e.stderr];
}

/** log Γ(x) for x > 0 (Lanczos approximation, g = 7, nine terms; relative error below 1e-14). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularized incomplete beta I_x(a, b), by the continued fraction of Numerical Recipes (`betacf`,
 * modified Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom (dof > 0, not necessarily an integer). */
export function studentTCdf(t: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`Student t: degrees of freedom must be > 0, got ${dof}`);
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (bisection on the CDF to full double precision). */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Student t quantile: p must be in (0, 1), got ${p}`);
  if (!(dof > 0)) throw new RangeError(`Student t: degrees of freedom must be > 0, got ${dof}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let hi = 1;
  while (studentTCdf(hi, dof) < p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Delta-method standard error of f(mean x_1, …, mean x_d) from paired per-sample values
 * (samples[i][j] = sample j of variable i, all of length m) and the gradient of f at the means:
 * √(∇fᵀ Σ ∇f / m) with Σ the sample covariance matrix.
 */
export function deltaMethodStderr(gradient: readonly number[], samples: readonly ArrayLike<number>[]): number {
  if (gradient.length !== samples.length) throw new RangeError(`deltaMethodStderr: ${gradient.length} partial derivatives for ${samples.length} variables`);
  if (samples.length === 0) return 0;
  const m = samples[0].length;
  let v = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = 0; j < samples.length; j++) v += gradient[i] * gradient[j] * sampleCovariance(samples[i], samples[j]);
  }
  return Math.sqrt(Math.max(0, v) / m);
}
