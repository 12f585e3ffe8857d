/**
 * Export Charts… (the editor's command): every chart on the page as a PNG (drawn on the theme's
 * background, so it reads outside the editor) and a CSV of its datasets, one row per point:
 * `dataset,x,y`. Charts are found through the page's figures (`data-chart` ids), so the set follows
 * whatever the dashboard shows.
 */
import { flushDraws } from '../charts/drawQueue';
import { Chart } from '../charts/setup';

export interface ExportedChart {
  readonly name: string;
  readonly png: string;
  readonly csv: string;
}

export function exportCharts(root: ParentNode = document): ExportedChart[] {
  flushDraws(); // every canvas as its data stands, not as it was last drawn
  const out: ExportedChart[] = [];
  const used = new Set<string>();
  for (const figure of Array.from(root.querySelectorAll<HTMLElement>('figure[data-chart]'))) {
    const canvas = figure.querySelector('canvas');
    const chart = canvas ? Chart.getChart(canvas) : undefined;
    if (!canvas || !chart) continue;
    let name = (figure.dataset.chart ?? 'chart').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 70) || 'chart';
    for (let i = 2; used.has(name); i++) name = `${figure.dataset.chart}-${i}`.replace(/[^A-Za-z0-9_.-]/g, '_');
    used.add(name);
    out.push({ name, png: pngOf(canvas), csv: csvOf(chart) });
  }
  return out;
}

function pngOf(canvas: HTMLCanvasElement): string {
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d');
  if (!ctx) return canvas.toDataURL('image/png');
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#ffffff';
  ctx.fillRect(0, 0, copy.width, copy.height);
  ctx.drawImage(canvas, 0, 0);
  return copy.toDataURL('image/png');
}

function csvOf(chart: Chart): string {
  const rows = ['dataset,x,y'];
  for (const ds of chart.data.datasets) {
    const label = csvCell(String(ds.label ?? ''));
    for (const p of ds.data as unknown[]) {
      if (typeof p === 'object' && p !== null && 'x' in p && 'y' in p) {
        const { x, y } = p as { x: unknown; y: unknown };
        rows.push(`${label},${num(x)},${num(y)}`);
      } else if (typeof p === 'number') {
        rows.push(`${label},,${num(p)}`);
      }
    }
  }
  return rows.join('\n') + '\n';
}

function num(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
