/**
 * The sweep's own infinite-width limit: at each measurement time, m∞ ± its standard error from fitting
 * the runs' trial means of Tr(A^k) against width as m∞ + c·n^(−p) (src/analysis/widthLimit.ts), one
 * line per group of runs that differ only in width, beside the theory's expectation (dashed). Where
 * the fit and the theory agree within the band, the sweep confirms the theory without computing it.
 */
import type { WidthLimitSeries } from '../model/sweep';
import type { Matrix } from '../model/types';
import type { TimeAxis } from '../model/time';
import { logScale, symlogScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, theoryLine, type AnyDataset } from './datasets';
import { traceLabel } from './momentsChart';
import { linthreshFor } from './symlogScale';
import { categorical } from './theme';

export interface SweepLimitInput {
  limits: WidthLimitSeries[];
  matrix: Matrix;
  k: number;
  axis: TimeAxis;
}

/** "n^−1/2" or "n^−1", the exponent most of a line's steps chose ('?' when two widths cannot tell). */
export function exponentText(s: WidthLimitSeries): string {
  const chosen = s.points.filter((p) => p.better !== null).map((p) => p.better as number);
  if (chosen.length === 0) return `fit n^−1/2 (${s.widths.length} widths cannot tell n^−1/2 from n^−1)`;
  const half = chosen.filter((p) => p === 0.5).length;
  return `better fit n^−1/2 at ${half} of ${chosen.length} times, n^−1 at ${chosen.length - half}`;
}

export class SweepLimitChart extends ChartView<SweepLimitInput> {
  protected apply({ limits, matrix, k, axis }: SweepLimitInput): void {
    const datasets: AnyDataset[] = [];
    limits.forEach((s, g) => {
      const color = categorical(this.theme, g);
      const name = `m∞ from widths ${s.widths.join(', ')}${s.group ? ` (${s.group})` : ''}`;
      datasets.push(meanLine(`limit:${g}`, `${name}: ${exponentText(s)}`, color, s.points));
      if (s.expected.length > 0) datasets.push(theoryLine(`expected:${g}`, `theory, expected (n → ∞)${s.group ? ` (${s.group})` : ''}`, limits.length > 1 ? color : this.theme.theory, s.expected));
    });
    this.sync(datasets);
    const values = limits.flatMap((s) => [...s.points.flatMap((p) => [p.y, p.lo, p.hi]), ...s.expected.map((p) => p.y)]);
    const signed = matrix === 'S' || values.some((v) => !(v > 0));
    const title = `${traceLabel(matrix, k)} at n → ∞${signed ? '   (symmetric log)' : ''}`;
    this.chart.options.scales = { x: timeScale(axis, this.theme), y: signed ? symlogScale(title, this.theme, linthreshFor(values)) : logScale(title, this.theme) };
  }

  protected describe({ limits, matrix, k }: SweepLimitInput): string {
    return `Line chart of the sweep's own infinite-width limit of ${traceLabel(matrix, k)} against training time t, ${limits.map((s) => `widths ${s.widths.join(', ')}${s.group ? ` (${s.group})` : ''}: ${s.points.length} times`).join('; ')}, with standard-error bands and the theory dashed.`;
  }
}
