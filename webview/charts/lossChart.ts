/** The training loss against t: each trial, the spread over trials and the mean ± standard error at the measurements, and the theory dashed. */
import type { RunModel } from '../model/runModel';
import { linearScale, logScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { measuredDatasets, theoryLine, type AnyDataset } from './datasets';
import { THEORY_NAMES } from './momentsChart';

export interface LossInput {
  run: RunModel;
}

export class LossChart extends ChartView<LossInput> {
  protected apply({ run }: LossInput): void {
    const s = run.loss();
    const color = this.theme.palette[0];
    const datasets: AnyDataset[] = measuredDatasets(s, 'loss', color, s.trials.length > 1 ? 'loss, mean ± s.e.' : 'loss');
    if (s.theory.points.length > 0) datasets.push(theoryLine('theory:loss', THEORY_NAMES[s.theory.kind], this.theme.theory, s.theory.points));
    this.sync(datasets);
    const positive = [...s.mean.map((p) => p.y), ...s.theory.points.map((p) => p.y)].every((v) => v > 0);
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: positive ? logScale('loss C(t)', this.theme) : linearScale('loss C(t)', this.theme) };
  }

  protected describe({ run }: LossInput): string {
    const s = run.loss();
    return `Line chart of the training loss against t on logarithmic axes, ${s.trials.length} trial${s.trials.length === 1 ? '' : 's'}, mean with a standard-error band${s.spread.length > 0 ? ' and a fainter ±1 standard-deviation band' : ''}${s.theory.points.length > 0 ? ', theory dashed' : ''}.`;
  }
}
