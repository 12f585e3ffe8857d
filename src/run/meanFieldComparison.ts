import { mean, sampleVariance } from '../engine/linalg/stats';
import type { MeasurementRecord } from '../engine/records';

/**
 * A mean-field run's one prediction against its trials (summary.json `mean_field`, the CLI's table and
 * the panel): at initialization, on the scales where the paper states the limits, √w·Tr(S) ~ N(0,
 * ∇CᵀΞ∇C) and w·Tr(S²) → ∇CᵀΥ∇C, from the records that carry `mean_field` (step 0). Over several trials
 * the standard error is over trials and the spread is their standard deviation; one trial keeps its
 * estimator's error.
 */
export interface MeanFieldComparison {
  readonly width: number;
  readonly sqrt_w_trace_s: { readonly mean: number; readonly stderr: number; readonly spread: number | null; readonly limit_mean: number; readonly limit_std: number };
  readonly w_trace_s2: { readonly mean: number; readonly stderr: number; readonly limit: number };
}

export function meanFieldComparison(records: readonly MeasurementRecord[]): MeanFieldComparison | undefined {
  const first = records.find((r) => r.mean_field && r.expected);
  if (!first?.mean_field || !first.expected || first.moments.S.length < 2) return undefined;
  const list = records.filter((r) => r.step === first.step);
  const w = first.mean_field.width;
  const stats = (xs: number[], single: number): { mean: number; stderr: number; spread: number | null } => {
    const sd = xs.length >= 2 ? Math.sqrt(sampleVariance(xs)) : null;
    return { mean: mean(xs), stderr: sd === null ? single : sd / Math.sqrt(xs.length), spread: sd };
  };
  const trS = stats(list.map((r) => Math.sqrt(w) * r.moments.S[0]), Math.sqrt(w) * first.moments_stderr.S[0]);
  const trS2 = stats(list.map((r) => w * r.moments.S[1]), w * first.moments_stderr.S[1]);
  return {
    width: w,
    sqrt_w_trace_s: { ...trS, limit_mean: Math.sqrt(w) * first.expected.S[0], limit_std: Math.sqrt(w) * first.mean_field.trace_s_std },
    w_trace_s2: { mean: trS2.mean, stderr: trS2.stderr, limit: w * first.expected.S[1] },
  };
}
