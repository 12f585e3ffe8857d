/**
 * The loss along each of the two directions through the trained parameters θ (the heatmap's axes
 * through its centre), beside the quadratic L(θ) + ½ dᵀHd a² that the recorded curvature predicts
 * (dashed; the gradient term is left out, small after training): a check that the curvature along an
 * eigenvector of I (or S) is the one the Hessian reports.
 */
import type { SurfaceRecord } from '../model/types';
import { linearScale } from './axes';
import { ChartView } from './chartView';
import { theoryLine, type AnyDataset } from './datasets';
import { formatValue } from './format';
import type { Point } from '../model/types';

export interface SurfaceSliceInput {
  surface: SurfaceRecord;
}

function nearestZero(axis: readonly number[]): number {
  let best = 0;
  axis.forEach((v, i) => {
    if (Math.abs(v) < Math.abs(axis[best])) best = i;
  });
  return best;
}

/** The loss along x (through y ≈ 0) and along y (through x ≈ 0). */
export function slices(s: SurfaceRecord): { along: [Point[], Point[]]; centre: number | null } {
  const j0 = nearestZero(s.y);
  const i0 = nearestZero(s.x);
  const ok = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const first = s.x.flatMap((x, i) => (ok(s.loss[j0][i]) ? [{ x, y: s.loss[j0][i] as number }] : []));
  const second = s.y.flatMap((y, j) => (ok(s.loss[j][i0]) ? [{ x: y, y: s.loss[j][i0] as number }] : []));
  const c = s.loss[j0][i0];
  return { along: [first, second], centre: ok(c) ? c : null };
}

export class SurfaceSliceChart extends ChartView<SurfaceSliceInput> {
  protected apply({ surface: s }: SurfaceSliceInput): void {
    const { along, centre } = slices(s);
    const datasets: AnyDataset[] = [];
    along.forEach((points, d) => {
      const color = this.theme.palette[d];
      const name = s.directions[d];
      datasets.push({
        type: 'line',
        key: `slice:${d}`,
        label: `loss along ${name}`,
        data: points,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        pointRadius: points.length > 40 ? 0 : 2,
      });
      const c = s.curvature[d];
      if (centre !== null && c !== null && points.length > 1) {
        const xs = points.map((p) => p.x);
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        const quad = Array.from({ length: 41 }, (_, i) => {
          const a = lo + ((hi - lo) * i) / 40;
          return { x: a, y: centre + 0.5 * c * a * a };
        });
        datasets.push(theoryLine(`theory:quad:${d}`, `L(θ) + ½·${formatValue(c)}·a² along ${name}`, color, quad));
      }
    });
    this.sync(datasets);
    const all = along.flat().map((p) => p.y);
    const o = this.chart.options;
    o.scales = {
      x: linearScale('distance a from θ along the direction', this.theme),
      y: linearScale('loss L(θ + a·d)', this.theme, { suggestedMin: Math.min(...all), suggestedMax: Math.max(...all) }),
    };
  }

  protected describe({ surface: s }: SurfaceSliceInput): string {
    return `Line chart of the loss along ${s.directions[0]} and ${s.directions[1]} through the trained parameters of trial ${s.trial}, with the quadratic predicted by the curvature dashed.`;
  }
}
