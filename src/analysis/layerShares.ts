/**
 * Each weight layer's share of a trace: Tr(A_ℓℓ) / Σ_ℓ' |Tr(A_ℓ'ℓ')|. The diagonal blocks' traces add up
 * to the whole Tr(A), so for I (positive semi-definite) the shares are fractions summing to 1; for S,
 * whose blocks' traces have either sign and whose sum may be near 0, dividing by the sum of absolute
 * values keeps every share in [−1, 1] (their absolute values sum to 1) instead of blowing up. One rule
 * for the panel's share chart and `ntkexp run`'s per-layer table. NaN where every trace is 0.
 */
export function layerShares(traces: readonly number[]): number[] {
  let total = 0;
  for (const t of traces) total += Math.abs(t);
  return traces.map((t) => (total > 0 ? t / total : NaN));
}
