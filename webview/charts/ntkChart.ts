/**
 * Eigenvalues of the empirical NTK Gram Θ̂ against rank, at initialization and at the last
 * measurement (mean ± standard error over trials), beside the eigenvalues of the infinite-width limit
 * Θ ⊗ Id (dashed). Log–log: a rank plot of the kernel's spectrum.
 */
import type { RunModel } from '../model/runModel';
import { logScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, theoryLine, type AnyDataset } from './datasets';
import { formatValue } from './format';

export interface NtkInput {
  run: RunModel;
}

export class NtkChart extends ChartView<NtkInput> {
  protected apply({ run }: NtkInput): void {
    const first = 0;
    const last = run.lastIndexWith('ntk');
    const datasets: AnyDataset[] = [];
    const label = (i: number): string => `Θ̂ at t = ${formatValue(run.timeAt(i)?.t ?? 0)}`;
    const at0 = run.ntk(first);
    datasets.push(meanLine('ntk:first', label(first), this.theme.palette[0], at0.empirical));
    if (last > first) datasets.push(meanLine('ntk:last', label(last), this.theme.palette[1], run.ntk(last).empirical));
    if (at0.limit.length > 0) datasets.push(theoryLine('theory:limit', 'Θ ⊗ Id, the limit n → ∞', this.theme.theory, at0.limit));
    this.sync(datasets);
    this.chart.options.scales = { x: logScale('rank i', this.theme), y: logScale('eigenvalue λᵢ of the NTK Gram matrix', this.theme) };
    this.chart.options.plugins!.tooltip!.callbacks!.title = (items) => (items.length > 0 ? `rank ${items[0].parsed.x}` : '');
  }

  protected describe({ run }: NtkInput): string {
    const n = run.ntk(0).empirical.length;
    return `Rank plot on log–log axes of the ${n} eigenvalues of the empirical NTK Gram matrix at initialization and at the last measurement, with the infinite-width limit dashed.`;
  }
}
