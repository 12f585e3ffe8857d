/**
 * A width sweep's comparison: runs grouped by their other varied settings (a sweep over width and
 * activation fits each activation on its own), and in each group the log–log slope of a quantity
 * against the width. One rule for sweep-summary.json (`widthSlopes`) and the panel's deviation chart.
 */
import { logLogFit, type LineFit } from './fit';

/** The width a setting value names: a number, or the largest of a list of hidden widths. */
export function widthValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return Math.max(...(v as number[]));
  return undefined;
}

/** The varied settings other than the width, which define a run's group. */
export function otherSettings(varied: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(varied).filter(([key]) => key !== 'width' && key !== 'widths'));
}

/** A group's name in a legend: `activation = tanh, depth = 3` ('' when width is the only varied setting). */
export function groupLabel(group: Readonly<Record<string, unknown>>): string {
  return Object.entries(group)
    .map(([key, v]) => `${key} = ${Array.isArray(v) ? v.join('–') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

export interface WidthGroup<T> {
  readonly group: Record<string, unknown>;
  readonly label: string;
  readonly members: T[];
}

/** Runs grouped by their other varied settings, in the order the groups first appear. */
export function widthGroups<T>(runs: readonly T[], variedOf: (run: T) => Readonly<Record<string, unknown>>): WidthGroup<T>[] {
  const groups = new Map<string, WidthGroup<T>>();
  for (const run of runs) {
    const group = otherSettings(variedOf(run));
    const key = JSON.stringify(group);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group, label: groupLabel(group), members: [] }));
    g.members.push(run);
  }
  return [...groups.values()];
}

/** The log–log fit of y against the width over the points with both positive (undefined below two widths). */
export function widthSlope(points: readonly { width: number; y: number | null | undefined }[]): LineFit | undefined {
  const usable = points.filter((p): p is { width: number; y: number } => typeof p.y === 'number' && p.y > 0 && p.width > 0);
  if (new Set(usable.map((p) => p.width)).size < 2) return undefined;
  return logLogFit(usable.map((p) => ({ x: p.width, y: p.y })));
}
