/** Dataset styles shared by the charts: a mean with its band, the spread over trials, a faint per-trial line, a dashed theory line. */
import type { BandPoint, Point, TimeSeries } from '../model/types';
import type { ChartDataset, ChartType } from 'chart.js';
import { withAlpha } from './theme';

/** A dataset of any chart type, with the project's own fields (setup.ts: key, inLegend, band). */
export type AnyDataset = ChartDataset<ChartType, unknown[]>;

/** Points drawn only while a series is short enough to read them. */
export function pointRadius(n: number): number {
  return n > 60 ? 0 : n > 25 ? 1.5 : 2.5;
}

/** What every line of the charts has: its key (for incremental updates), legend label and points. */
function line(key: string, label: string, points: Point[] | BandPoint[], borderColor: string): Record<string, unknown> {
  return { type: 'line', key, label, data: points, borderColor };
}

export function meanLine(key: string, label: string, color: string, points: BandPoint[], extra: Partial<AnyDataset> = {}): AnyDataset {
  return {
    ...line(key, label, points, color),
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: pointRadius(points.length),
    pointHoverRadius: 4,
    pointStyle: 'circle',
    band: true,
    order: 1,
    ...extra,
  } as AnyDataset;
}

export function trialLine(key: string, label: string, color: string, points: Point[]): AnyDataset {
  return {
    ...line(key, label, points, withAlpha(color, 0.45)),
    backgroundColor: withAlpha(color, 0.45),
    borderWidth: 1,
    pointRadius: 0,
    pointHoverRadius: 2,
    inLegend: false,
    order: 3,
  } as AnyDataset;
}

/**
 * The spread over trials (mean ± one standard deviation): a faint fill with no line of its own, under
 * the mean's standard-error band, so a reader sees where one trial typically falls.
 */
export const SPREAD_ALPHA = 0.08;

export function spreadBand(key: string, label: string, color: string, points: BandPoint[]): AnyDataset {
  return {
    ...line(key, label, points, color),
    backgroundColor: withAlpha(color, SPREAD_ALPHA),
    borderWidth: 0,
    pointRadius: 0,
    pointHoverRadius: 0,
    band: true,
    bandAlpha: SPREAD_ALPHA,
    order: 4,
  } as AnyDataset;
}

export const THEORY_DASH = [6, 4];

export function theoryLine(key: string, label: string, color: string, points: Point[], extra: Partial<AnyDataset> = {}): AnyDataset {
  return {
    ...line(key, label, points, color),
    backgroundColor: 'transparent',
    borderWidth: 1.5,
    borderDash: THEORY_DASH,
    pointRadius: 0,
    pointHoverRadius: 3,
    pointStyle: 'line',
    order: 0,
    ...extra,
  } as AnyDataset;
}

/** Per-trial lines are drawn up to this many trials; beyond it the spread band alone shows them. */
export const MAX_TRIAL_LINES = 20;

/**
 * A measured series over trials: the spread band (±1 sd, from two trials), each trial faintly (up to
 * MAX_TRIAL_LINES), and the mean with its standard-error band, in this order under the theory.
 */
export function measuredDatasets(s: TimeSeries, name: string, color: string, meanLabel: string): AnyDataset[] {
  const out: AnyDataset[] = [];
  if (s.spread.length > 0) out.push(spreadBand('spread', `${name}, ±1 sd over trials`, color, s.spread));
  if (s.trials.length > 1 && s.trials.length <= MAX_TRIAL_LINES) {
    for (const tr of s.trials) out.push(trialLine(`trial:${tr.trial}`, `trial ${tr.trial}`, color, tr.points));
  }
  out.push(meanLine('mean', meanLabel, color, s.mean));
  return out;
}
