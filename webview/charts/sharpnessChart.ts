/**
 * The sharpness through training against the edge of stability (Cohen et al. 2021): λmax(H) mean ±
 * standard error, the optimizer's threshold as a horizontal line (2/η for gradient descent, its own for
 * momentum; for Adam the preconditioned sharpness with its threshold), and the infinite-width λmax(I)
 * dotted where the theory gives it (MSE under gradient descent).
 */
import type { RunModel } from '../model/runModel';
import type { Point } from '../model/types';
import { logScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, theoryLine, type AnyDataset } from './datasets';
import { formatValue } from './format';

export interface SharpnessInput {
  run: RunModel;
}

export class SharpnessChart extends ChartView<SharpnessInput> {
  protected apply({ run }: SharpnessInput): void {
    const s = run.sharpness();
    const datasets: AnyDataset[] = [meanLine('sharpness', 'λmax(H) ± s.e.', this.theme.palette[0], s.H)];
    if (s.preconditioned.length > 0) datasets.push(meanLine('preconditioned', 'λmax(P⁻¹H), Adam’s preconditioned sharpness ± s.e.', this.theme.palette[1], s.preconditioned));
    const xs = [...s.H, ...s.preconditioned].map((p) => p.x);
    const edge = s.edge;
    if (edge && xs.length > 0) {
      const span = (y: number): Point[] => [Math.min(...xs), Math.max(...xs)].map((x) => ({ x, y }));
      const color = edge.on === 'preconditioned H' ? this.theme.palette[1] : this.theme.palette[0];
      datasets.push(theoryLine('threshold', `threshold ${edge.rule} = ${formatValue(edge.threshold, 3)} (${edge.optimizer}, on ${edge.on === 'preconditioned H' ? 'λmax(P⁻¹H)' : 'λmax(H)'})`, color, span(edge.threshold), { borderDash: [8, 4], borderWidth: 1.5 }));
    }
    if (s.limit.length > 0) datasets.push(theoryLine('limit', 'theory: λmax(I) at n → ∞', this.theme.theory, s.limit, { borderDash: [1.5, 3] }));
    this.sync(datasets);
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: logScale('largest eigenvalue', this.theme) };
  }

  protected describe({ run }: SharpnessInput): string {
    const s = run.sharpness();
    const e = s.edge;
    return `Line chart of the sharpness λmax(H) against training time t, ${s.H.length} measurements with a ±1 standard-error band${s.preconditioned.length > 0 ? ', the preconditioned sharpness' : ''}${e ? `, the ${e.optimizer} threshold ${e.rule} = ${formatValue(e.threshold, 3)}` : ''}${s.limit.length > 0 ? ', the infinite-width λmax(I) dotted' : ''}.`;
  }
}
