/** Section 3: I and S are asymptotically orthogonal: Rayleigh quotients (Figure 2) and ‖IS‖_F/(‖I‖_F‖S‖_F). */
import type { ChartView } from '../../charts/chartView';
import { IS_LABEL, OrthogonalityChart } from '../../charts/orthogonalityChart';
import { RayleighChart } from '../../charts/rayleighChart';
import type { Theme } from '../../charts/theme';
import { SliderControl } from '../controls';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';
import { timeText } from './common';

export class OrthogonalitySection implements Section {
  readonly el: HTMLElement;
  private readonly slider: SliderControl;
  private readonly rayleighFigure: Figure;
  private readonly ratioFigure = new Figure('orthogonality', `${IS_LABEL} through training`);
  private rayleigh?: RayleighChart;
  private ratio?: OrthogonalityChart;
  private ctx?: RenderContext;

  constructor() {
    this.slider = new SliderControl('measurement', (index) => this.ctx?.setState({ rayleighIndex: index }));
    this.rayleighFigure = new Figure('rayleigh', 'Rayleigh quotients of the top eigenvectors', [this.slider.el]);
    const s = section('orthogonality', 'Orthogonality of I and S');
    s.grid.append(this.rayleighFigure.el, this.ratioFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const run = ctx.run;
    const visible = !!run?.has('orthogonality');
    show(this.el, visible);
    if (!run || !visible) return;
    const index = run.clampIndex(ctx.state.rayleighIndex ?? run.lastIndexWith('orthogonality'));
    this.slider.set(run.steps().length, index, timeText(run, index));
    (this.rayleigh ??= new RayleighChart(this.rayleighFigure.canvas, ctx.theme, 'scatter')).update({ run, index }, `${run.id}|${run.versionOf('measurement')}|${index}`);
    this.rayleighFigure.setCaption(
      `At ${timeText(run, index)}, all trials: (vᵀIv, vᵀSv) for the top eigenvectors v of I (circles) and of S (triangles). Orthogonal I and S put the first near the I axis and the second near the S axis. Symmetric-log axes.`,
    );
    (this.ratio ??= new OrthogonalityChart(this.ratioFigure.canvas, ctx.theme, 'line')).update({ run }, `${run.id}|${run.versionOf('measurement')}`);
    this.ratioFigure.setCaption('Mean over trials with a ±1 standard-error band (for one trial, the delta-method error of its probe estimate); 0 for orthogonal I and S. t = 0 drawn at η/2.');
  }

  retheme(theme: Theme): void {
    this.rayleigh?.retheme(theme);
    this.ratio?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.rayleigh) out.rayleigh = this.rayleigh as unknown as ChartView<never>;
    if (this.ratio) out.orthogonality = this.ratio as unknown as ChartView<never>;
    return out;
  }
}
