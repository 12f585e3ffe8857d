/** Section 5: the empirical NTK's spectrum against its infinite-width limit, and the loss curve. */
import type { ChartView } from '../../charts/chartView';
import { LossChart } from '../../charts/lossChart';
import { NtkChart } from '../../charts/ntkChart';
import type { Theme } from '../../charts/theme';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';

export class NtkLossSection implements Section {
  readonly el: HTMLElement;
  private readonly ntkFigure = new Figure('ntk', 'Eigenvalues of the empirical NTK against the limit');
  private readonly lossFigure = new Figure('loss', 'Training loss');
  private ntk?: NtkChart;
  private loss?: LossChart;

  constructor() {
    const s = section('ntk', 'Neural tangent kernel and loss');
    s.grid.append(this.ntkFigure.el, this.lossFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    const run = ctx.run;
    const hasNtk = !!run?.has('ntk');
    const visible = !!run && run.steps().length > 0;
    show(this.el, visible);
    show(this.ntkFigure.el, hasNtk);
    if (!run || !visible) return;
    if (hasNtk) {
      (this.ntk ??= new NtkChart(this.ntkFigure.canvas, ctx.theme, 'line')).update({ run }, `${run.id}|${run.versionOf('measurement')}`);
      this.ntkFigure.setCaption('Eigenvalues of the Gram matrix Θ̂ (N·n_L × N·n_L) by rank, at initialization and at the last measurement (mean ± standard error over trials), and those of the infinite-width kernel Θ ⊗ Id (dashed). Log–log axes.');
    }
    (this.loss ??= new LossChart(this.lossFigure.canvas, ctx.theme, 'line')).update({ run }, `${run.id}|${run.versionOf('measurement', 'progress', 'theory')}`);
    this.lossFigure.setCaption('Loss at the measurements (mean ± standard error; faint: each trial, denser while a run streams progress) and the theory’s loss dashed. Log–log axes; t = 0 drawn at η/2.');
  }

  retheme(theme: Theme): void {
    this.ntk?.retheme(theme);
    this.loss?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.ntk) out.ntk = this.ntk as unknown as ChartView<never>;
    if (this.loss) out.loss = this.loss as unknown as ChartView<never>;
    return out;
  }
}
