import { orNaN, type MeasurementRecord } from '../contracts/engineMessages';
import type { MeanFieldComparison } from '../contracts/runStore';
import { meanStderr } from './overTrials';

/**
 * A mean-field run's one prediction against its trials (summary.json `mean_field`, the CLI's table and
 * the panel; the shape is src/contracts/runStore.ts's): at initialization, from the records that carry
 * `mean_field` (step 0). Over several trials the standard error is over trials and the spread is their
 * standard deviation; one trial keeps its estimator's error.
 */
export function meanFieldComparison(records: readonly MeasurementRecord[]): MeanFieldComparison | undefined {
  const first = records.find((r) => r.mean_field && r.expected);
  if (!first?.mean_field || !first.expected || first.moments.S.length < 2) return undefined;
  const list = records.filter((r) => r.step === first.step);
  const w = first.mean_field.width;
  const stats = (xs: number[], single: number): { mean: number; stderr: number; spread: number | null } => {
    const { mean, stderr, n } = meanStderr(xs, single);
    return { mean, stderr, spread: n >= 2 ? stderr * Math.sqrt(n) : null };
  };
  const trS = stats(list.map((r) => Math.sqrt(w) * orNaN(r.moments.S[0])), Math.sqrt(w) * orNaN(first.moments_stderr.S[0]));
  const trS2 = stats(list.map((r) => w * orNaN(r.moments.S[1])), w * orNaN(first.moments_stderr.S[1]));
  return {
    width: w,
    sqrt_w_trace_s: { ...trS, limit_mean: Math.sqrt(w) * orNaN(first.expected.S[0]), limit_std: Math.sqrt(w) * first.mean_field.trace_s_std },
    w_trace_s2: { mean: trS2.mean, stderr: trS2.stderr, limit: w * orNaN(first.expected.S[1]) },
  };
}
