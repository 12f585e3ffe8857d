/**
 * The life of one chart: created once on its canvas, then fed new data with `update(input)` (datasets
 * are reused by key; `chart.update('none')` redraws without animation, in a frame chosen by
 * drawQueue.ts), re-colored with `retheme(theme)`. Subclasses say how an input becomes datasets and
 * scales (`apply`) and describe the chart in words for screen readers (`describe`, set as the canvas's
 * aria-label).
 */
import type { ChartConfiguration, ChartOptions, ChartType, LegendItem, Plugin, TooltipItem } from 'chart.js';
import type { BandPoint } from '../model/types';
import { THEORY_DASH, type AnyDataset } from './datasets';
import { cancelDraw, requestDraw, type Drawable } from './drawQueue';
import { formatValue } from './format';
import { Chart } from './setup';
import type { Theme } from './theme';

let created = 0;

/** How many charts were constructed in this page (the tests check that updates do not recreate them). */
export function chartsCreated(): number {
  return created;
}


export abstract class ChartView<Input> implements Drawable {
  readonly chart: Chart;
  protected theme: Theme;
  /** When set, the legend ends with one entry for all theory lines (dashed), which toggles them together. */
  protected theoryLegend?: string;
  private last?: Input;
  private lastKey?: string;
  private updates = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    theme: Theme,
    type: 'line' | 'scatter',
    plugins: Plugin[] = [],
  ) {
    this.theme = theme;
    const config = { type, data: { datasets: [] }, options: this.baseOptions(), plugins } as unknown as ChartConfiguration;
    this.chart = new Chart(canvas, config);
    created++;
  }

  /** Number of updates since creation. */
  get updateCount(): number {
    return this.updates;
  }

  /**
   * Draw this input. With a `key` that names the input's data (run, data version, choices), an update
   * with the same key as the last one does nothing: a live run's progress messages do not redraw charts
   * whose data they do not touch.
   */
  update(input: Input, key?: string): void {
    if (key !== undefined && key === this.lastKey) return;
    this.lastKey = key;
    this.last = input;
    this.apply(input);
    this.canvas.setAttribute('aria-label', this.describe(input));
    this.updates++;
    requestDraw(this);
  }

  /** Lay out and draw the chart with its current data (the draw queue calls it). */
  draw(): void {
    this.chart.update('none');
  }

  retheme(theme: Theme): void {
    this.theme = theme;
    // Through chart.options (Chart.js's resolver writes to the configuration); never a copy of it,
    // which would carry resolved proxies back into the configuration.
    Object.assign(this.chart.options, this.themedOptions());
    if (this.last !== undefined) this.apply(this.last);
    requestDraw(this);
  }

  destroy(): void {
    cancelDraw(this);
    this.chart.destroy();
  }

  protected abstract apply(input: Input): void;
  protected abstract describe(input: Input): string;

  /** Replace the datasets, reusing the existing objects with the same key (keeps legend visibility). */
  protected sync(datasets: AnyDataset[]): void {
    const old = new Map<string, AnyDataset>();
    for (const d of this.chart.data.datasets as AnyDataset[]) if (d.key) old.set(d.key, d);
    this.chart.data.datasets = datasets.map((d) => {
      const prev = d.key ? old.get(d.key) : undefined;
      if (!prev) return d;
      for (const k of Object.keys(prev)) if (!(k in d)) delete (prev as unknown as Record<string, unknown>)[k];
      return Object.assign(prev, d);
    }) as Chart['data']['datasets'];
  }

  private legendItems(chart: Chart): LegendItem[] {
    const items = Chart.defaults.plugins.legend.labels.generateLabels(chart).filter(
      (item) => (chart.data.datasets[item.datasetIndex ?? -1] as AnyDataset | undefined)?.inLegend !== false,
    );
    if (this.theoryLegend) {
      const theory = (chart.data.datasets as AnyDataset[]).map((d, i) => (d.key?.startsWith('theory') ? i : -1)).filter((i) => i >= 0);
      if (theory.length > 0) {
        items.push({
          text: this.theoryLegend,
          fillStyle: 'transparent',
          strokeStyle: this.theme.fg,
          fontColor: this.theme.fg,
          lineWidth: 1.5,
          lineDash: THEORY_DASH,
          pointStyle: 'line',
          hidden: theory.every((i) => !chart.isDatasetVisible(i)),
          datasetIndex: -1,
        });
      }
    }
    return items;
  }

  private baseOptions(): ChartOptions {
    return {
      parsing: false,
      normalized: true,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      elements: { line: { tension: 0, borderJoinStyle: 'round' }, point: { hitRadius: 6 } },
      ...this.themedOptions(),
    } as ChartOptions;
  }

  private themedOptions(): ChartOptions {
    const t = this.theme;
    return {
      color: t.fg,
      borderColor: t.grid,
      font: { family: t.fontFamily, size: t.fontSize },
      plugins: {
        legend: {
          position: 'bottom',
          labels: {
            color: t.fg,
            usePointStyle: true,
            pointStyle: 'line',
            pointStyleWidth: 26,
            boxHeight: 8,
            padding: 12,
            font: { family: t.fontFamily, size: t.fontSize },
            generateLabels: (chart: Chart) => this.legendItems(chart),
            // Datasets in the order they were given (Chart.js sorts by draw order), the theory entry last.
            sort: (a: LegendItem, b: LegendItem) => legendRank(a) - legendRank(b),
          },
          onClick: (_e, item: LegendItem, legend) => {
            const chart = legend.chart;
            if (item.datasetIndex !== undefined && item.datasetIndex >= 0) {
              chart.setDatasetVisibility(item.datasetIndex, !chart.isDatasetVisible(item.datasetIndex));
            } else {
              const theory = (chart.data.datasets as AnyDataset[]).map((d, i) => (d.key?.startsWith('theory') ? i : -1)).filter((i) => i >= 0);
              const show = theory.some((i) => !chart.isDatasetVisible(i));
              for (const i of theory) chart.setDatasetVisibility(i, show);
            }
            chart.update('none');
          },
        },
        tooltip: {
          backgroundColor: t.dark ? 'rgba(30, 30, 30, 0.95)' : 'rgba(255, 255, 255, 0.97)',
          titleColor: t.fg,
          bodyColor: t.fg,
          borderColor: t.muted,
          borderWidth: 1,
          titleFont: { family: t.fontFamily },
          bodyFont: { family: t.fontFamily },
          callbacks: { label: bandLabel },
        },
      },
    } as ChartOptions;
  }
}

function legendRank(item: LegendItem): number {
  return item.datasetIndex === undefined || item.datasetIndex < 0 ? Number.MAX_SAFE_INTEGER : item.datasetIndex;
}

/** Tooltip line: "label: mean ± stderr (n trials)" for band points, "label: y" otherwise. */
export function bandLabel(item: TooltipItem<ChartType>): string {
  const p = item.raw as Partial<BandPoint>;
  const label = item.dataset.label ?? '';
  if (typeof p.hi === 'number' && typeof p.y === 'number') {
    const n = p.n ?? 1;
    return `${label}: ${formatValue(p.y)} ± ${formatValue(p.hi - p.y, 2)}  (${n} trial${n === 1 ? '' : 's'})`;
  }
  return `${label}: ${formatValue(Number(p.y))}`;
}
