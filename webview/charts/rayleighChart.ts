/**
 * Orthogonality of I and S seen through their eigenvectors (the paper's Figure 2): the Rayleigh
 * quotients (vᵀIv, vᵀSv) of the top eigenvectors v of I and of S at one measurement, all trials.
 * The eigenvectors of I sit far along the I axis and near zero on the S axis, and those of S the
 * other way round. Both axes symmetric-log (vᵀSv has either sign).
 */
import type { RunModel } from '../model/runModel';
import { symlogScale } from './axes';
import { ChartView } from './chartView';
import type { AnyDataset } from './datasets';
import { formatValue } from './format';
import { linthreshFor } from './symlogScale';
import type { TooltipItem } from 'chart.js';
import type { TrialPoint } from '../model/types';

export interface RayleighInput {
  run: RunModel;
  index: number;
}

export class RayleighChart extends ChartView<RayleighInput> {
  protected apply({ run, index }: RayleighInput): void {
    const r = run.rayleigh(index);
    const ds = (which: 'I' | 'S', style: 'circle' | 'triangle'): AnyDataset => ({
      type: 'scatter',
      key: `rayleigh:${which}`,
      label: `v = top eigenvectors of ${which}`,
      data: r[which],
      borderColor: this.theme.matrix[which],
      backgroundColor: this.theme.matrix[which],
      pointStyle: style,
      pointRadius: 4,
      pointHoverRadius: 6,
      showLine: false,
    });
    this.sync([ds('I', 'circle'), ds('S', 'triangle')]);
    const xs = [...r.I, ...r.S].map((p) => p.x);
    const ys = [...r.I, ...r.S].map((p) => p.y);
    const o = this.chart.options;
    o.normalized = false;
    o.scales = { x: symlogScale('vᵀ I v', this.theme, linthreshFor(xs)), y: symlogScale('vᵀ S v', this.theme, linthreshFor(ys)) };
    o.interaction = { mode: 'nearest', intersect: true };
    Object.assign(o.plugins!.legend!.labels!, { pointStyle: undefined, pointStyleWidth: undefined, boxWidth: 10 });
    o.plugins!.tooltip!.callbacks!.label = (item: TooltipItem<'scatter'>) => {
      const p = item.raw as TrialPoint;
      return `${item.dataset.label}, trial ${p.trial}: (${formatValue(p.x)}, ${formatValue(p.y)})`;
    };
  }

  protected describe({ run, index }: RayleighInput): string {
    const r = run.rayleigh(index);
    const at = run.timeAt(run.clampIndex(index));
    return `Scatter plot of the Rayleigh quotients (vᵀIv, vᵀSv) of ${r.I.length} top eigenvectors of I and ${r.S.length} of S at t = ${at ? formatValue(at.t) : '?'}, symmetric-log axes.`;
  }
}
