/**
 * Comparisons across the runs of a sweep: one series per run in one chart, and, for a width sweep, the
 * relative deviation from theory against width with its fitted log-log slope (the theory predicts the
 * finite-width corrections to shrink like width^(−1/2) for a trial's moments).
 */
import type { RunModel } from './runModel';
import type { LineFit } from '../../src/analysis/fit';
import { groupLabel, widthGroups, widthSlope, widthValue } from '../../src/analysis/widthGroups';
import { preferredFit, widthLimit } from '../../src/analysis/widthLimit';
import { plotTime } from './time';
import type { BandPoint, Matrix, Point, TimeSeries } from './types';
import type { Workspace } from './workspace';

export interface RunSeries {
  runId: string;
  label: string;
  width?: number;
  series: TimeSeries;
}

export interface WidthDeviation {
  k: number;
  /** The other varied settings shared by these runs ('' when width is the only one), e.g. "activation = tanh". */
  group: string;
  /** x = width, y = mean relative deviation over the measurement times. */
  points: (Point & { runId: string })[];
  fit?: LineFit;
  /** The fitted line at the smallest and largest width. */
  fitLine: Point[];
}

/** The hidden width of a run: the varied setting of a width sweep, else the resolved network's width. */
export function widthOf(run: RunModel, ws?: Workspace): number | undefined {
  const fromVaried = widthValue(variedOf(run, ws).width);
  if (fromVaried !== undefined) return fromVaried;
  const resolved = run.info?.resolved as { network?: { width?: unknown } } | undefined;
  return widthValue(resolved?.network?.width);
}

/** A run's name in a legend: its varied settings (`width = 128`), else its experiment or id. */
export function runLabel(run: RunModel, ws?: Workspace): string {
  const varied = variedOf(run, ws);
  if (Object.keys(varied).length > 0) return groupLabel(varied);
  return run.info?.experiment ?? (run.id || 'run');
}

/** Runs that have measurements, ordered by width where every run has one. */
export function comparableRuns(ws: Workspace): RunModel[] {
  const runs = ws.runs().filter((r) => r.steps().length > 0);
  if (runs.every((r) => widthOf(r, ws) !== undefined)) runs.sort((a, b) => widthOf(a, ws)! - widthOf(b, ws)!);
  return runs;
}

export function seriesPerRun(ws: Workspace, A: Matrix, k: number): RunSeries[] {
  return comparableRuns(ws).map((r) => {
    const width = widthOf(r, ws);
    return { runId: r.id, label: runLabel(r, ws), ...(width !== undefined ? { width } : {}), series: r.moments(A, k) };
  });
}

/** The settings a run's sweep varied (from its run.json, else from the sweep's). */
function variedOf(run: RunModel, ws?: Workspace): Readonly<Record<string, unknown>> {
  return run.info?.varied ?? ws?.sweep?.info.runs.find((r) => r.id === run.id)?.varied ?? {};
}

/**
 * Mean deviation of Tr(A^k) from theory against width, per k and per group of runs that differ only
 * in width, with the log-log fit: the grouping and the fit of SweepSummary.widthSlopes
 * (src/analysis/widthGroups.ts). Empty unless some group
 * has at least two different widths.
 */
export function deviationAgainstWidth(ws: Workspace, A: Matrix, kmax: number): WidthDeviation[] {
  const runs = comparableRuns(ws).filter((r) => widthOf(r, ws) !== undefined);
  const out: WidthDeviation[] = [];
  for (const { label: group, members } of widthGroups(runs, (r) => variedOf(r, ws))) {
    if (new Set(members.map((r) => widthOf(r, ws))).size < 2) continue;
    for (let k = 1; k <= kmax; k++) {
      const points = members.flatMap((r) => {
        const y = r.deviation(A, k);
        return y !== undefined && y > 0 ? [{ x: widthOf(r, ws)!, y, runId: r.id }] : [];
      });
      const fit = widthSlope(points.map((p) => ({ width: p.x, y: p.y })));
      const xs = points.map((p) => p.x);
      const fitLine = fit ? [Math.min(...xs), Math.max(...xs)].map((x) => ({ x, y: 10 ** (fit.intercept + fit.slope * Math.log10(x)) })) : [];
      out.push({ k, group, points, ...(fit ? { fit } : {}), fitLine });
    }
  }
  return out;
}

/** A point of the sweep's own limit: m∞ ± its standard error at one time, and the fit behind it. */
export interface LimitPoint extends BandPoint {
  step: number;
  /** p of the fit shown (analysis/widthLimit.ts `preferredFit`). */
  exponent: number;
  /** The exponent with the smaller χ², null when the widths cannot tell (two widths). */
  better: number | null;
}

export interface WidthLimitSeries {
  /** The other varied settings of the group ('' when width is the only one). */
  group: string;
  widths: number[];
  /** m∞ at each step every run of the group measured; lo/hi = m∞ ∓ s.e. (NaN-free: unfit steps left out). */
  points: LimitPoint[];
  /** The theory's expectation at the same steps (where the runs carry it). */
  expected: Point[];
}

/**
 * The sweep's own infinite-width limit of Tr(A^k) through training, per group of runs that differ only
 * in width (at least two widths): at each common step, the runs' trial means ± standard errors fitted
 * against width by the rule of sweep-summary.json's `limits` (analysis/widthLimit.ts).
 */
export function limitAgainstTime(ws: Workspace, A: Matrix, k: number): WidthLimitSeries[] {
  const runs = comparableRuns(ws).filter((r) => widthOf(r, ws) !== undefined);
  const out: WidthLimitSeries[] = [];
  for (const { label: group, members } of widthGroups(runs, (r) => variedOf(r, ws))) {
    const widths = members.map((r) => widthOf(r, ws)!);
    if (new Set(widths).size < 2) continue;
    const byStep = members.map((r) => new Map(r.aggregates().map((a) => [a.step, a])));
    const steps = [...byStep[0].keys()].filter((step) => byStep.every((m) => m.has(step))).sort((a, b) => a - b);
    const axis = members[0].axis();
    const points: LimitPoint[] = [];
    const expected: Point[] = [];
    for (const step of steps) {
      const aggs = byStep.map((m) => m.get(step)!);
      const x = plotTime(aggs[0].t, axis);
      const fit = widthLimit(aggs.map((a, i) => ({ width: widths[i], mean: a.moments[A][k - 1]?.mean ?? NaN, stderr: a.moments[A][k - 1]?.stderr ?? NaN })));
      if (fit) {
        const f = preferredFit(fit);
        const se = Number.isFinite(f.stderr) ? f.stderr : 0;
        points.push({ x, y: f.limit, lo: f.limit - se, hi: f.limit + se, n: members.length, step, exponent: f.exponent, better: fit.better });
      }
      const e = aggs.map((a) => a.expected?.[A][k - 1]).find((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (e !== undefined) expected.push({ x, y: e });
    }
    if (points.length > 0) out.push({ group, widths, points, expected });
  }
  return out;
}
