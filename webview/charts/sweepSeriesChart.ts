/**
 * A sweep's runs side by side: Tr(A^k) against t, one color per run (ordered by width), each the mean
 * over its trials with a standard-error band, and the expectation over initializations (the
 * infinite-width prediction, the same for every width) dashed.
 */
import type { RunSeries } from '../model/sweep';
import type { Matrix } from '../model/types';
import type { TimeAxis } from '../model/time';
import { logScale, symlogScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, theoryLine, type AnyDataset } from './datasets';
import { THEORY_NAMES, traceLabel } from './momentsChart';
import { linthreshFor } from './symlogScale';
import { categorical } from './theme';

export interface SweepSeriesInput {
  runs: RunSeries[];
  matrix: Matrix;
  k: number;
  axis: TimeAxis;
}

export class SweepSeriesChart extends ChartView<SweepSeriesInput> {
  protected apply({ runs, matrix, k, axis }: SweepSeriesInput): void {
    const datasets: AnyDataset[] = runs.map((r, i) => meanLine(`run:${r.runId}`, r.label, categorical(this.theme, i), r.series.mean));
    const withTheory = runs.find((r) => r.series.theory.kind === 'expected' && r.series.theory.points.length > 0) ?? runs.find((r) => r.series.theory.points.length > 0);
    if (withTheory) {
      const kind = withTheory.series.theory.kind;
      datasets.push(theoryLine('theory', kind === 'expected' ? 'theory, expected (n → ∞)' : `${THEORY_NAMES[kind]} (${withTheory.label})`, this.theme.theory, withTheory.series.theory.points));
    }
    this.sync(datasets);
    const values = runs.flatMap((r) => r.series.mean.flatMap((p) => [p.y, p.lo, p.hi]));
    const signed = matrix === 'S' || values.some((v) => !(v > 0));
    const title = `${traceLabel(matrix, k)}${signed ? '   (symmetric log)' : ''}`;
    this.chart.options.scales = { x: timeScale(axis, this.theme), y: signed ? symlogScale(title, this.theme, linthreshFor(values)) : logScale(title, this.theme) };
  }

  protected describe({ runs, matrix, k }: SweepSeriesInput): string {
    return `Line chart of ${traceLabel(matrix, k)} against training time t for ${runs.length} runs (${runs.map((r) => r.label).join('; ')}), mean with standard-error bands, theory dashed.`;
  }
}
