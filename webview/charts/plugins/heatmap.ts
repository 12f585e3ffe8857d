/**
 * A heatmap with contour lines and a color bar (the loss surface of the paper's Figure 3): draws
 * z[j][i] at (x[i], y[j]) under the datasets, colored by viridis on a linear or logarithmic color
 * scale, with contour lines at evenly spaced levels (marching squares, model/contours.ts) and a color
 * bar to the right of the chart area (leave room with layout.padding.right).
 */
import type { Chart, ChartType, Plugin } from 'chart.js';
import { contourLevels, contourSegments } from '../../model/contours';
import { viridis } from '../colormap';
import { decadeLabel, formatValue } from '../format';

export interface HeatmapOptions {
  x: number[];
  y: number[];
  /** z[j][i] at (x[i], y[j]); null where missing. */
  z: (number | null)[][];
  /** Color (and contour levels) on a log scale; needs z > 0. */
  log: boolean;
  /** Number of contour levels. */
  levels: number;
  /** Color bar title, e.g. "loss". */
  title: string;
  /** Text color and font for the color bar. */
  color: string;
  font: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    heatmap?: Partial<HeatmapOptions>;
  }
}

interface Prepared {
  key: unknown;
  image: HTMLCanvasElement;
  lo: number;
  hi: number;
  levels: number[];
  segments: [number, number, number, number][][];
}

const prepared = new WeakMap<Chart, Prepared>();
const BAR_GAP = 14;
const BAR_WIDTH = 12;

function range(o: HeatmapOptions): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of o.z) {
    for (const v of row) {
      if (v === null || !Number.isFinite(v) || (o.log && !(v > 0))) continue;
      const u = o.log ? Math.log10(v) : v;
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  return { lo, hi };
}

function prepare(chart: Chart, o: HeatmapOptions): Prepared | undefined {
  const old = prepared.get(chart);
  if (old && old.key === o.z && old.levels.length === o.levels) return old;
  if (o.x.length === 0 || o.y.length === 0) return undefined;
  const { lo, hi } = range(o);
  const image = document.createElement('canvas');
  image.width = o.x.length;
  image.height = o.y.length;
  const ctx = image.getContext('2d');
  if (!ctx) return undefined;
  const data = ctx.createImageData(o.x.length, o.y.length);
  for (let j = 0; j < o.y.length; j++) {
    const row = o.y.length - 1 - j; // image rows run top to bottom, y upwards
    for (let i = 0; i < o.x.length; i++) {
      const v = o.z[j][i];
      const at = (row * o.x.length + i) * 4;
      if (v === null || !Number.isFinite(v) || (o.log && !(v > 0))) continue;
      const [r, g, b] = viridis(((o.log ? Math.log10(v) : v) - lo) / (hi - lo));
      data.data[at] = r;
      data.data[at + 1] = g;
      data.data[at + 2] = b;
      data.data[at + 3] = 255;
    }
  }
  ctx.putImageData(data, 0, 0);
  const levels = contourLevels(lo, hi, o.levels);
  const zt = o.log ? o.z.map((row) => row.map((v) => (v !== null && v > 0 ? Math.log10(v) : null))) : o.z;
  const segments = levels.map((level) => contourSegments(o.x, o.y, zt, level));
  const p = { key: o.z, image, lo, hi, levels, segments };
  prepared.set(chart, p);
  return p;
}

export const heatmapPlugin: Plugin<ChartType, HeatmapOptions> = {
  id: 'heatmap',
  defaults: { x: [], y: [], z: [], log: false, levels: 10, title: '', color: '#444444', font: '12px sans-serif' },
  beforeDatasetsDraw(chart: Chart, _args, o) {
    const p = prepare(chart, o);
    if (!p) return;
    const { ctx, chartArea } = chart;
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    const dx = o.x.length > 1 ? (o.x[o.x.length - 1] - o.x[0]) / (o.x.length - 1) : 1;
    const dy = o.y.length > 1 ? (o.y[o.y.length - 1] - o.y[0]) / (o.y.length - 1) : 1;
    const left = xs.getPixelForValue(o.x[0] - dx / 2);
    const right = xs.getPixelForValue(o.x[o.x.length - 1] + dx / 2);
    const top = ys.getPixelForValue(o.y[o.y.length - 1] + dy / 2);
    const bottom = ys.getPixelForValue(o.y[0] - dy / 2);
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(p.image, left, top, right - left, bottom - top);
    // Contours: light lines over the dark half of the map, dark lines over the light half.
    ctx.lineWidth = 1;
    p.levels.forEach((level, li) => {
      const u = (level - p.lo) / (p.hi - p.lo);
      ctx.strokeStyle = u < 0.6 ? 'rgba(255, 255, 255, 0.75)' : 'rgba(0, 0, 0, 0.6)';
      ctx.beginPath();
      for (const [x1, y1, x2, y2] of p.segments[li]) {
        ctx.moveTo(xs.getPixelForValue(x1), ys.getPixelForValue(y1));
        ctx.lineTo(xs.getPixelForValue(x2), ys.getPixelForValue(y2));
      }
      ctx.stroke();
    });
    ctx.restore();
  },
  afterDraw(chart: Chart, _args, o) {
    const p = prepared.get(chart);
    if (!p) return;
    const { ctx, chartArea } = chart;
    const x0 = chartArea.right + BAR_GAP;
    const h = chartArea.height;
    ctx.save();
    const steps = 64;
    for (let s = 0; s < steps; s++) {
      const [r, g, b] = viridis(1 - (s + 0.5) / steps);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(x0, chartArea.top + (s * h) / steps, BAR_WIDTH, h / steps + 0.5);
    }
    ctx.strokeStyle = o.color;
    ctx.lineWidth = 0.5;
    ctx.strokeRect(x0, chartArea.top, BAR_WIDTH, h);
    ctx.fillStyle = o.color;
    ctx.font = o.font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const yAt = (u: number): number => chartArea.bottom - ((u - p.lo) / (p.hi - p.lo)) * h;
    const ticks: number[] = [];
    if (o.log) {
      for (let e = Math.ceil(p.lo - 1e-9); e <= Math.floor(p.hi + 1e-9); e++) ticks.push(e);
      if (ticks.length < 2) ticks.splice(0, ticks.length, p.lo, p.hi);
    } else {
      ticks.push(p.lo, (p.lo + p.hi) / 2, p.hi);
    }
    for (const u of ticks) {
      const y = yAt(u);
      ctx.beginPath();
      ctx.moveTo(x0 + BAR_WIDTH, y);
      ctx.lineTo(x0 + BAR_WIDTH + 3, y);
      ctx.stroke();
      const label = o.log && Number.isInteger(u) ? decadeLabel(10 ** u) : formatValue(o.log ? 10 ** u : u, 2);
      ctx.fillText(label, x0 + BAR_WIDTH + 5, y);
    }
    if (o.title) {
      ctx.translate(x0 + BAR_WIDTH / 2, chartArea.top - 8);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(o.title, 0, 0);
    }
    ctx.restore();
  },
};

/** Room to leave right of the chart area for the color bar and its labels. */
export const HEATMAP_PADDING_RIGHT = BAR_GAP + BAR_WIDTH + 52;
