/** ‖IS‖_F/(‖I‖_F‖S‖_F) through training, mean ± standard error (0 for exactly orthogonal I and S). */
import type { RunModel } from '../model/runModel';
import { linearScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine } from './datasets';

export interface OrthogonalityInput {
  run: RunModel;
}

export const IS_LABEL = '‖IS‖_F / (‖I‖_F ‖S‖_F)';

export class OrthogonalityChart extends ChartView<OrthogonalityInput> {
  protected apply({ run }: OrthogonalityInput): void {
    this.sync([meanLine('orthogonality', `${IS_LABEL} ± s.e.`, this.theme.palette[0], run.orthogonality())]);
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: linearScale(IS_LABEL, this.theme, { beginAtZero: true }) };
  }

  protected describe({ run }: OrthogonalityInput): string {
    return `Line chart of ${IS_LABEL} against training time t (logarithmic), ${run.orthogonality().length} measurements, with a ±1 standard-error band.`;
  }
}
