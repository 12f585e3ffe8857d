/**
 * How far each width is from the theory: the mean over measurement times of the deviation
 * |mean − expected| / max|expected| of Tr(A^k) (relative to the quantity's scale, src/analysis/deviation.ts),
 * against the width n, on log–log axes, with the fitted line per k (its slope in the legend) and a
 * dotted n^(−1/2) reference.
 */
import type { WidthDeviation } from '../model/sweep';
import type { Matrix } from '../model/types';
import { logScale } from './axes';
import { ChartView } from './chartView';
import { theoryLine, type AnyDataset } from './datasets';
import { formatValue, superscript } from './format';
import { traceLabel } from './momentsChart';
import { categorical } from './theme';

export interface SweepDeviationInput {
  deviations: WidthDeviation[];
  matrix: Matrix;
}

export function slopeText(d: WidthDeviation): string {
  if (!d.fit) return 'no fit';
  const se = Number.isFinite(d.fit.slopeStderr) ? ` ± ${formatValue(d.fit.slopeStderr, 2)}` : '';
  return `slope ${formatValue(d.fit.slope, 2)}${se}`;
}

export class SweepDeviationChart extends ChartView<SweepDeviationInput> {
  protected apply({ deviations, matrix }: SweepDeviationInput): void {
    const datasets: AnyDataset[] = [];
    const groups = [...new Set(deviations.map((d) => d.group))];
    const styles = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const;
    for (const d of deviations) {
      if (d.points.length === 0) continue;
      const color = categorical(this.theme, d.k - 1);
      const g = groups.indexOf(d.group);
      const name = `${traceLabel(matrix, d.k)}${groups.length > 1 && d.group ? ` (${d.group})` : ''}`;
      datasets.push({
        type: 'line',
        key: `dev:${d.k}:${g}`,
        label: `${name}: ${slopeText(d)}`,
        data: d.points,
        borderColor: color,
        backgroundColor: color,
        showLine: false,
        pointRadius: 4,
        pointHoverRadius: 6,
        pointStyle: styles[g % styles.length],
      });
      if (d.fitLine.length > 0) datasets.push(theoryLine(`fit:${d.k}:${g}`, `fit, ${name}`, color, d.fitLine, { inLegend: false, borderDash: [4, 3], borderWidth: 1.2 }));
    }
    // The n^(−1/2) reference, through the middle of the first k's fitted line.
    const anchor = deviations.find((d) => d.fitLine.length === 2);
    if (anchor) {
      const [a, b] = anchor.fitLine;
      const xm = Math.sqrt(a.x * b.x);
      const ym = Math.sqrt(a.y * b.y);
      const at = (x: number): number => ym * Math.sqrt(xm / x);
      datasets.push(theoryLine('reference', `∝ n${superscript('-1')}ᐟ²  (reference)`, this.theme.muted, [a.x, b.x].map((x) => ({ x, y: at(x) })), { borderDash: [1.5, 3], borderWidth: 1.5 }));
    }
    this.sync(datasets);
    this.chart.options.scales = {
      x: logScale('hidden width n', this.theme),
      y: logScale(`|mean − E| / max|E|  of  ${traceLabel(matrix, 'k')}`, this.theme),
    };
    Object.assign(this.chart.options.plugins!.legend!.labels!, { pointStyle: undefined, pointStyleWidth: undefined, boxWidth: 8 });
  }

  protected describe({ deviations, matrix }: SweepDeviationInput): string {
    return `Log–log plot of the mean relative deviation of ${traceLabel(matrix, 'k')} from the expected theory against the hidden width, ${deviations
      .filter((d) => d.fit)
      .map((d) => `k = ${d.k}: ${slopeText(d)}`)
      .join('; ')}.`;
  }
}
