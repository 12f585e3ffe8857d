/**
 * The loss on the plane of two directions through the trained parameters (the paper's Figure 3): a
 * heatmap with contour lines (plugins/heatmap.ts), on a logarithmic color scale when the loss spans more
 * than two decades. The axes are parameter-space distances along each direction; their titles carry
 * the curvature dᵀHd along that direction.
 */
import type { TooltipItem } from 'chart.js';
import type { SurfaceRecord } from '../model/types';
import { linearScale } from './axes';
import { ChartView } from './chartView';
import { formatValue } from './format';
import { HEATMAP_PADDING_RIGHT, heatmapPlugin, type HeatmapOptions } from './plugins/heatmap';
import type { Theme } from './theme';

export interface SurfaceInput {
  surface: SurfaceRecord;
}

interface GridPoint {
  x: number;
  y: number;
  v: number | null;
}

export class SurfaceChart extends ChartView<SurfaceInput> {
  constructor(canvas: HTMLCanvasElement, theme: Theme) {
    super(canvas, theme, 'scatter', [heatmapPlugin]);
  }

  protected apply({ surface: s }: SurfaceInput): void {
    const values = s.loss.flat().filter((v): v is number => v !== null && Number.isFinite(v));
    const min = Math.min(...values);
    const max = Math.max(...values);
    const log = min > 0 && max / min > 100;
    const grid: GridPoint[] = [];
    s.y.forEach((y, j) => s.x.forEach((x, i) => grid.push({ x, y, v: s.loss[j][i] })));
    this.sync([
      {
        type: 'scatter',
        key: 'grid',
        label: 'loss',
        data: grid,
        pointRadius: 0,
        pointHoverRadius: 3,
        pointHitRadius: 8,
        borderColor: this.theme.fg,
        backgroundColor: this.theme.fg,
        inLegend: false,
      },
      {
        type: 'scatter',
        key: 'centre',
        label: 'trained parameters θ',
        data: [{ x: 0, y: 0 }],
        pointStyle: 'crossRot',
        pointRadius: 7,
        borderWidth: 2,
        borderColor: '#ffffff',
        backgroundColor: '#ffffff',
      },
    ]);
    const dx = s.x.length > 1 ? (s.x[s.x.length - 1] - s.x[0]) / (s.x.length - 1) / 2 : 0.5;
    const dy = s.y.length > 1 ? (s.y[s.y.length - 1] - s.y[0]) / (s.y.length - 1) / 2 : 0.5;
    const [c1, c2] = s.curvature;
    const o = this.chart.options;
    const TICKS = { color: this.theme.muted, font: { size: this.theme.fontSize }, maxRotation: 0, callback: (v: number | string) => formatValue(Number(v)) };
    o.normalized = false;
    o.scales = {
      x: linearScale(`distance along ${s.directions[0]}   (curvature dᵀHd = ${c1 === null ? '—' : formatValue(c1)})`, this.theme, { min: s.x[0] - dx, max: s.x[s.x.length - 1] + dx, grid: { display: false }, ticks: { ...TICKS, includeBounds: false } }),
      y: linearScale(`distance along ${s.directions[1]}   (dᵀHd = ${c2 === null ? '—' : formatValue(c2)})`, this.theme, { min: s.y[0] - dy, max: s.y[s.y.length - 1] + dy, grid: { display: false }, ticks: { ...TICKS, includeBounds: false } }),
    };
    o.layout = { padding: { right: HEATMAP_PADDING_RIGHT, top: 26 } };
    o.plugins!.legend!.display = false;
    o.interaction = { mode: 'nearest', intersect: true };
    o.plugins!.tooltip!.callbacks!.label = (item: TooltipItem<'scatter'>) => {
      const p = item.raw as GridPoint;
      return item.datasetIndex === 1 ? 'trained parameters θ' : `loss ${p.v === null ? '—' : formatValue(p.v)} at (${formatValue(p.x)}, ${formatValue(p.y)})`;
    };
    const heat: HeatmapOptions = {
      x: s.x,
      y: s.y,
      z: s.loss,
      log,
      levels: 10,
      title: log ? 'loss (log)' : 'loss',
      color: this.theme.fg,
      font: `${this.theme.fontSize}px ${this.theme.fontFamily}`,
    };
    o.plugins!.heatmap = heat;
  }

  protected describe({ surface: s }: SurfaceInput): string {
    return `Heatmap with contour lines of the loss of trial ${s.trial} on the plane of directions ${s.directions[0]} and ${s.directions[1]} through the trained parameters, ${s.x.length}×${s.y.length} grid; curvatures along the directions ${s.curvature.map((c) => (c === null ? 'unknown' : formatValue(c))).join(' and ')}.`;
  }
}
