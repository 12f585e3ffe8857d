/**
 * The top eigenvalues of H, I and S through training: one color per matrix, the largest eigenvalue
 * bold with its standard-error band, the next ones thinner. Logarithmic axes; non-positive values
 * (rare for the top of S) cannot be drawn on them and are left out.
 */
import type { RunModel } from '../model/runModel';
import { MATRICES, type BandPoint } from '../model/types';
import { logScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, type AnyDataset } from './datasets';
import { withAlpha } from './theme';

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
export const sub = (n: number): string =>
  String(n)
    .split('')
    .map((d) => SUBSCRIPT[Number(d)])
    .join('');

export interface EigenvaluesInput {
  run: RunModel;
}

export class EigenvaluesChart extends ChartView<EigenvaluesInput> {
  protected apply({ run }: EigenvaluesInput): void {
    const datasets: AnyDataset[] = [];
    for (const A of MATRICES) {
      const ranks = run.top(A);
      const color = this.theme.matrix[A];
      ranks.forEach((points: BandPoint[], i) => {
        const positive = points.filter((p) => p.y > 0);
        const label = i === 0 ? `${A}: λ${sub(1)} … λ${sub(ranks.length)}` : `${A}: λ${sub(i + 1)}`;
        const c = i === 0 ? color : withAlpha(color, Math.max(0.35, 0.85 - 0.1 * i));
        datasets.push(meanLine(`top:${A}:${i + 1}`, label, c, positive, { borderWidth: i === 0 ? 2 : 1, inLegend: i === 0, pointRadius: i === 0 ? 2 : 0, order: i === 0 ? 1 : 2 }));
      });
    }
    this.sync(datasets);
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: logScale(`top eigenvalues λ${sub(1)} ≥ λ${sub(2)} ≥ …`, this.theme) };
  }

  protected describe({ run }: EigenvaluesInput): string {
    const counts = MATRICES.map((A) => `${run.top(A).length} of ${A}`).join(', ');
    return `Line chart of the top eigenvalues (${counts}) against training time t, logarithmic axes; the largest of each matrix bold with a standard-error band.`;
  }
}
