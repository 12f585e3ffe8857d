/**
 * A read-only window into the page for the browser tests (and for a curious reader's console):
 * `globalThis.__ntkexp.describe()` lists every chart's datasets and axes as Chart.js holds them.
 */
import type { Scale } from 'chart.js';
import { chartsCreated } from '../charts/chartView';
import type { AnyDataset } from '../charts/datasets';
import { drawStats, flushDraws } from '../charts/drawQueue';
import { Chart } from '../charts/setup';
import type { Workspace } from '../model/workspace';
import type { Dashboard } from './dashboard';

export interface DatasetDescription {
  key?: string;
  label?: string;
  type?: string;
  points: number;
  dashed: boolean;
  band: boolean;
  visible: boolean;
  inLegend: boolean;
  first?: { x: number; y: number };
  last?: { x: number; y: number };
}

export interface ChartDescription {
  id: string;
  type: string;
  ariaLabel: string | null;
  width: number;
  height: number;
  updates: number;
  datasets: DatasetDescription[];
  scales: Record<string, { type: string; title: string; min: number; max: number; ticks: string[]; color: string }>;
  legend: string[];
  /** Chart.js's id of the chart object (the same as long as the chart is not recreated). */
  chartId: string | number;
  /** The heatmap plugin's grid, on the surface chart. */
  heatmap?: { nx: number; ny: number; log: boolean };
}

export interface TestHook {
  ready: boolean;
  Chart: typeof Chart;
  chartsCreated(): number;
  renders(): number;
  /** Every chart as Chart.js holds it, after drawing what was pending. */
  describe(): ChartDescription[];
  /** Charts waiting for a frame to be drawn, and draws so far. */
  draws(): { pending: number; drawn: number };
  stats: { received: number; rejected: number; rejections: string[] };
}

export function exposeTestHook(dashboard: Dashboard, ws: Workspace, stats: TestHook['stats']): TestHook {
  const hook: TestHook = {
    ready: false,
    Chart,
    chartsCreated,
    renders: () => dashboard.renderCount,
    describe: () => {
      flushDraws();
      return describeCharts(dashboard);
    },
    draws: drawStats,
    stats,
  };
  (globalThis as unknown as { __ntkexp: TestHook & { workspace: Workspace } }).__ntkexp = Object.assign(hook, { workspace: ws });
  return hook;
}

function describeCharts(dashboard: Dashboard): ChartDescription[] {
  return Object.entries(dashboard.views()).map(([id, view]) => {
    const chart = view.chart;
    const datasets = (chart.data.datasets as AnyDataset[]).map((d, i): DatasetDescription => {
      const data = d.data as { x: number; y: number }[];
      return {
        key: d.key,
        label: d.label,
        type: (d as { type?: string }).type,
        points: data.length,
        dashed: Array.isArray((d as { borderDash?: number[] }).borderDash) && (d as { borderDash: number[] }).borderDash.length > 0,
        band: d.band === true,
        visible: chart.isDatasetVisible(i),
        inLegend: d.inLegend !== false,
        ...(data.length > 0 ? { first: { x: data[0].x, y: data[0].y }, last: { x: data[data.length - 1].x, y: data[data.length - 1].y } } : {}),
      };
    });
    const scales = Object.fromEntries(
      Object.entries(chart.scales).map(([sid, s]: [string, Scale]) => [
        sid,
        {
          type: s.type,
          title: String((s.options as { title?: { text?: unknown } }).title?.text ?? ''),
          min: s.min,
          max: s.max,
          ticks: s.ticks.map((t) => (Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? ''))).filter((l) => l !== ''),
          color: String((s.options as { ticks?: { color?: unknown } }).ticks?.color ?? ''),
        },
      ]),
    );
    const legend = chart.options.plugins?.legend?.display === false ? [] : (chart.legend?.legendItems ?? []).map((l) => l.text);
    const heat = chart.options.plugins?.heatmap;
    return {
      id,
      chartId: chart.id,
      type: (chart.config as { type: string }).type,
      ariaLabel: view.canvas.getAttribute('aria-label'),
      width: chart.width,
      height: chart.height,
      updates: view.updateCount,
      datasets,
      scales,
      legend,
      ...(heat?.x && heat.y ? { heatmap: { nx: heat.x.length, ny: heat.y.length, log: heat.log === true } } : {}),
    };
  });
}
