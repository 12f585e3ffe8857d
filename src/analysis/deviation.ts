/**
 * How far a measurement is from the theory, on a scale that means something. The rule, written once
 * for the CLI's tables, summary.json and the validation reports:
 *
 *  - Where the comparison has a standard error (a mean over several trials against the expectation
 *    over initializations), the deviation is in standard errors: (mean − expected)/s.e.
 *  - Otherwise (one trial against its own path-wise prediction, whose gap is a finite-width effect the
 *    estimator's tiny error bar says nothing about), it is relative to the quantity's own scale over
 *    the run, the largest |prediction| (or |measurement|) across the times compared: a prediction that
 *    crosses zero (Tr(S) during training) does not blow up a ratio.
 *  - A quantity whose prediction is 0 at every time (Tr(S^k), k ≥ 3: it vanishes only in the limit) is
 *    not a number of σ from 0: it is a finite-width value of expected order 1/width, shown as
 *    width × value (order 1 when the theory's scaling holds).
 */

export type Deviation =
  | { readonly kind: 'stderr'; readonly value: number }
  | { readonly kind: 'relative'; readonly value: number }
  | { readonly kind: 'finiteWidth'; readonly scaled: number; readonly width: number }
  | { readonly kind: 'none' };

export interface Comparison {
  readonly measured: number;
  readonly predicted: number | undefined;
  /** The standard error of the comparison, when it has one (a mean over trials); else undefined. */
  readonly stderr?: number;
  /** The quantity's scale over the run (quantityScale). */
  readonly scale: number;
  /** The prediction is 0 at every time of the run (the quantity vanishes only at infinite width). */
  readonly vanishes: boolean;
  /** The network's (smallest hidden) width, for the order of a vanishing quantity. */
  readonly width?: number;
}

export function deviationOf(c: Comparison): Deviation {
  if (c.predicted === undefined || !Number.isFinite(c.measured)) return { kind: 'none' };
  if (c.vanishes) return c.width !== undefined ? { kind: 'finiteWidth', scaled: c.width * c.measured, width: c.width } : { kind: 'none' };
  const gap = c.measured - c.predicted;
  if (c.stderr !== undefined && c.stderr > 0) return { kind: 'stderr', value: gap / c.stderr };
  return c.scale > 0 ? { kind: 'relative', value: gap / c.scale } : { kind: 'none' };
}

/** What the rule needs to know about a quantity over the run: its scale and whether its limit is 0 throughout. */
export interface QuantityRule {
  readonly scale: number;
  readonly vanishes: boolean;
}

/** The rule's view of one quantity from its predictions and measurements over the run. */
export function quantityRule(predicted: readonly (number | undefined)[], measured: readonly number[]): QuantityRule {
  return { scale: quantityScale(predicted, measured), vanishes: vanishes(predicted) };
}

/** The scale of a quantity over a run: the largest |prediction|, or of the measurements when none is predicted. */
export function quantityScale(predicted: readonly (number | undefined)[], measured: readonly number[]): number {
  const largest = (xs: readonly (number | undefined)[]): number => xs.reduce<number>((m, x) => (x !== undefined && Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
  return largest(predicted) || largest(measured);
}

/** True when every prediction made is exactly 0 (and there is at least one). */
export function vanishes(predicted: readonly (number | undefined)[]): boolean {
  const made = predicted.filter((p) => p !== undefined);
  return made.length > 0 && made.every((p) => p === 0);
}

export function formatDeviation(d: Deviation): string {
  const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
  switch (d.kind) {
    case 'stderr':
      return `${signed(d.value, 1)}σ`;
    case 'relative':
      return `${signed(100 * d.value, 1)}%`;
    case 'finiteWidth':
      // Significant digits, not fixed ones: late in training Tr(S³) is many orders below 1/width.
      return `w·x = ${d.scaled >= 0 ? '+' : '−'}${significant(Math.abs(d.scaled))}`;
    case 'none':
      return '—';
  }
}

/** The smallest hidden width of a resolved experiment (run.json's `resolved`), if it has one. */
export function hiddenWidth(resolved: unknown): number | undefined {
  const network = (resolved as { network?: { width?: unknown; widths?: unknown } } | undefined)?.network;
  const widths = Array.isArray(network?.widths) ? network.widths : [network?.width];
  if (widths.length === 0 || !widths.every((w): w is number => typeof w === 'number' && w > 0)) return undefined;
  return Math.min(...widths);
}

function significant(x: number): string {
  return x === 0 ? '0' : x >= 1e-3 && x < 1e5 ? x.toPrecision(2) : x.toExponential(1);
}

/**
 * A mean over trials (read from summary.json: null where it was NaN) against a limit: the mean-field
 * limits at initialization, in standard errors of the mean (the CLI's table and the panel's note).
 */
export function limitDeviation(x: { readonly mean: number | null; readonly stderr: number | null }, limit: number | null): Deviation {
  if (x.mean === null || limit === null) return { kind: 'none' };
  return deviationOf({ measured: x.mean, predicted: limit, stderr: x.stderr ?? undefined, scale: Math.abs(limit), vanishes: false });
}
