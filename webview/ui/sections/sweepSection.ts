/** Section 6, for sweeps and comparisons: each run in one chart, and the deviation from theory against width. */
import type { ChartView } from '../../charts/chartView';
import { traceLabel } from '../../charts/momentsChart';
import { SweepDeviationChart } from '../../charts/sweepDeviationChart';
import { SweepLimitChart } from '../../charts/sweepLimitChart';
import { SweepSeriesChart } from '../../charts/sweepSeriesChart';
import type { Theme } from '../../charts/theme';
import { comparableRuns, deviationAgainstWidth, limitAgainstTime, seriesPerRun } from '../../model/sweep';
import { timeAxis } from '../../model/time';
import { MATRICES, type Matrix } from '../../model/types';
import { SelectControl } from '../controls';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';

export class SweepSection implements Section {
  readonly el: HTMLElement;
  private readonly matrix: SelectControl;
  private readonly k: SelectControl;
  private readonly seriesFigure: Figure;
  private readonly deviationFigure = new Figure('sweep-deviation', 'Relative deviation from theory against width');
  private readonly limitFigure = new Figure('sweep-limit', "The sweep's own infinite-width limit");
  private series?: SweepSeriesChart;
  private deviation?: SweepDeviationChart;
  private limit?: SweepLimitChart;
  private ctx?: RenderContext;

  constructor() {
    this.matrix = new SelectControl('matrix', (value) => this.ctx?.setState({ sweepMatrix: value as Matrix }));
    this.k = new SelectControl('k', (value) => this.ctx?.setState({ sweepK: Number(value) }));
    this.seriesFigure = new Figure('sweep-series', 'Each run of the sweep');
    const s = section('sweep', 'Sweep: runs compared', [this.matrix.el, this.k.el]);
    s.grid.append(this.seriesFigure.el, this.deviationFigure.el, this.limitFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const runs = comparableRuns(ctx.ws);
    show(this.el, runs.length >= 2);
    if (runs.length < 2) return;
    const kmax = Math.max(...runs.map((r) => r.kmax()));
    const A = ctx.state.sweepMatrix;
    const k = Math.min(kmax, ctx.state.sweepK);
    this.matrix.set(
      MATRICES.map((m) => ({ value: m, label: m })),
      A,
    );
    this.k.set(
      Array.from({ length: kmax }, (_, i) => ({ value: String(i + 1), label: `k = ${i + 1}` })),
      String(k),
    );
    const perRun = seriesPerRun(ctx.ws, A, k);
    const axis = timeAxis(runs.flatMap((r) => r.steps().map((_, i) => r.timeAt(i)!)));
    const key = `${runs.map((r) => `${r.id}:${r.versionOf('measurement')}`).join(',')}|${A}|${k}`;
    (this.series ??= new SweepSeriesChart(this.seriesFigure.canvas, ctx.theme, 'line')).update({ runs: perRun, matrix: A, k, axis }, key);
    this.seriesFigure.setCaption(`${traceLabel(A, k)} for each run, mean over its trials with a ±1 standard-error band; dashed: the theory (the expectation does not depend on the width). t = 0 drawn at η/2.`);
    const deviations = deviationAgainstWidth(ctx.ws, A, kmax);
    const widths = deviations.length > 0;
    show(this.deviationFigure.el, widths);
    if (widths) {
      (this.deviation ??= new SweepDeviationChart(this.deviationFigure.canvas, ctx.theme, 'line')).update({ deviations, matrix: A }, key);
      this.deviationFigure.setCaption(
        `For each width and k: the mean over measurement times of |mean − E| / max|E|, E the expected ${traceLabel(A, 'k')} and max|E| its scale over the run (so a prediction that crosses zero does not blow up the ratio; the rule of summary.json); dashed: least-squares fits in log–log (slopes in the legend); dotted: slope −1/2 for reference. Quantities whose expectation is 0 throughout (Tr S³, Tr S⁴) are not drawn.`,
      );
    }
    const limits = limitAgainstTime(ctx.ws, A, k);
    show(this.limitFigure.el, limits.length > 0);
    if (limits.length > 0) {
      (this.limit ??= new SweepLimitChart(this.limitFigure.canvas, ctx.theme, 'line')).update({ limits, matrix: A, k, axis }, key);
      this.limitFigure.setCaption(
        `At each time, the runs' means of ${traceLabel(A, k)} fitted against width as m∞ + c·n^−p, p = 1/2 and p = 1, weighted by their standard errors; drawn: m∞ of the better fit (smaller χ²) with its ±1 standard-error band (scaled up by χ²/dof where the scatter exceeds the error bars), which needs no infinite-width computation; dashed: the theory's expectation. The rule of sweep-summary.json's limits.`,
      );
    }
  }

  retheme(theme: Theme): void {
    this.series?.retheme(theme);
    this.deviation?.retheme(theme);
    this.limit?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.series) out['sweep-series'] = this.series as unknown as ChartView<never>;
    if (this.deviation) out['sweep-deviation'] = this.deviation as unknown as ChartView<never>;
    if (this.limit) out['sweep-limit'] = this.limit as unknown as ChartView<never>;
    return out;
  }
}
