/** Section 2: the top eigenvalues of H, I and S through training, and the spectral density of H at a chosen time. */
import type { ChartView } from '../../charts/chartView';
import { DensityChart } from '../../charts/densityChart';
import { EigenvaluesChart } from '../../charts/eigenvaluesChart';
import type { Theme } from '../../charts/theme';
import { SliderControl } from '../controls';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';
import { timeText } from './common';

export class SpectrumSection implements Section {
  readonly el: HTMLElement;
  private readonly slider: SliderControl;
  private readonly topFigure = new Figure('eigenvalues', 'Top eigenvalues of H, I and S');
  private readonly densityFigure: Figure;
  private top?: EigenvaluesChart;
  private density?: DensityChart;
  private ctx?: RenderContext;

  constructor() {
    this.slider = new SliderControl('measurement', (index) => this.ctx?.setState({ densityIndex: index }));
    this.densityFigure = new Figure('density', 'Spectral density of H', [this.slider.el]);
    const s = section('spectrum', 'Spectrum');
    s.grid.append(this.topFigure.el, this.densityFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const run = ctx.run;
    const hasTop = !!run?.has('top');
    const hasDensity = !!run?.has('density');
    show(this.el, hasTop || hasDensity);
    show(this.topFigure.el, hasTop);
    show(this.densityFigure.el, hasDensity);
    if (!run) return;
    if (hasTop) {
      (this.top ??= new EigenvaluesChart(this.topFigure.canvas, ctx.theme, 'line')).update({ run }, `${run.id}|${run.versionOf('measurement')}`);
      this.topFigure.setCaption('Mean over trials; the largest eigenvalue of each matrix bold with its ±1 standard-error band, the next ones thinner. Log–log axes; t = 0 drawn at η/2.');
    }
    if (hasDensity) {
      const index = run.clampIndex(ctx.state.densityIndex ?? run.lastIndexWith('density'));
      this.slider.set(run.steps().length, index, timeText(run, index));
      (this.density ??= new DensityChart(this.densityFigure.canvas, ctx.theme, 'line')).update({ run, index }, `${run.id}|${run.versionOf('measurement')}|${index}`);
      this.densityFigure.setCaption(
        `At ${timeText(run, index)}; one line per trial. Stochastic Lanczos quadrature (exact eigenvalues on the exact path); density on a log axis, bins with no eigenvalue are not drawn.`,
      );
    }
  }

  retheme(theme: Theme): void {
    this.top?.retheme(theme);
    this.density?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.top) out.eigenvalues = this.top as unknown as ChartView<never>;
    if (this.density) out.density = this.density as unknown as ChartView<never>;
    return out;
  }
}
