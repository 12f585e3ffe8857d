/**
 * Standard-error bands: for every visible dataset with `band: true`, fills the region between the
 * points' `lo` and `hi` (BandPoint, model/types.ts) in the dataset's color (at its `bandAlpha`, or
 * the plugin's), under the lines. On a log
 * axis a band that reaches zero or below is cut at the bottom of the chart area.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';
import type { BandPoint } from '../../model/types';
import { withAlpha } from '../theme';

export interface ErrorBandOptions {
  /** Opacity of the fill relative to the line's color. */
  alpha: number;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    errorBand?: Partial<ErrorBandOptions>;
  }
}

export const errorBandPlugin: Plugin<ChartType, ErrorBandOptions> = {
  id: 'errorBand',
  defaults: { alpha: 0.18 },
  beforeDatasetsDraw(chart: Chart, _args, options) {
    const { ctx, chartArea } = chart;
    chart.data.datasets.forEach((dataset, i) => {
      if (!dataset.band || !chart.isDatasetVisible(i)) return;
      const points = dataset.data as unknown as BandPoint[];
      if (points.length === 0) return;
      const meta = chart.getDatasetMeta(i);
      const xs = chart.scales[meta.xAxisID ?? 'x'];
      const ys = chart.scales[meta.yAxisID ?? 'y'];
      if (!xs || !ys) return;
      const logY = ys.type === 'logarithmic';
      const py = (v: number): number => (logY && !(v > 0) ? chartArea.bottom : ys.getPixelForValue(v));
      const color = typeof dataset.borderColor === 'string' ? dataset.borderColor : '#888888';
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
      ctx.clip();
      ctx.beginPath();
      points.forEach((p, j) => {
        const x = xs.getPixelForValue(p.x);
        if (j === 0) ctx.moveTo(x, py(p.hi));
        else ctx.lineTo(x, py(p.hi));
      });
      for (let j = points.length - 1; j >= 0; j--) ctx.lineTo(xs.getPixelForValue(points[j].x), py(points[j].lo));
      ctx.closePath();
      ctx.fillStyle = withAlpha(color, dataset.bandAlpha ?? options.alpha);
      ctx.fill();
      // A single point has no area: draw its error bar instead.
      if (points.length === 1) {
        const x = xs.getPixelForValue(points[0].x);
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x, py(points[0].lo));
        ctx.lineTo(x, py(points[0].hi));
        ctx.stroke();
      }
      ctx.restore();
    });
  },
};
