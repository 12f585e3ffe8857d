/** Dataset styles shared by the charts: a mean with its band, a faint per-trial line, a dashed theory line. */
import type { BandPoint, Point } from '../model/types';
import type { AnyDataset } from './chartView';
import { withAlpha } from './theme';

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
