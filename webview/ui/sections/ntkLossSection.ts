/** Section 5: the empirical NTK's spectrum against its infinite-width limit, the loss curve, and the sharpness against the edge of stability. */
import type { ChartView } from '../../charts/chartView';
import { LossChart } from '../../charts/lossChart';
import { NtkChart } from '../../charts/ntkChart';
import { SharpnessChart } from '../../charts/sharpnessChart';
import { stabilityNotices } from '../../../src/analysis/edgeOfStability';
import type { Theme } from '../../charts/theme';
import { setText, show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';

export class NtkLossSection implements Section {
  readonly el: HTMLElement;
  private readonly ntkFigure = new Figure('ntk', 'Eigenvalues of the empirical NTK against the limit');
  private readonly lossFigure = new Figure('loss', 'Training loss');
  private readonly sharpnessFigure = new Figure('sharpness', 'Sharpness and the edge of stability');
  private ntk?: NtkChart;
  private loss?: LossChart;
  private sharpness?: SharpnessChart;
  /** The edge-of-stability and catapult notices, above the charts. */
  private readonly notice: HTMLElement;

  constructor() {
    const s = section('ntk', 'Neural tangent kernel, loss and sharpness');
    this.notice = document.createElement('p');
    this.notice.className = 'ntk-notice';
    this.notice.setAttribute('role', 'status');
    s.grid.before(this.notice);
    s.grid.append(this.ntkFigure.el, this.lossFigure.el, this.sharpnessFigure.el);
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
    const sharp = run.sharpness();
    show(this.sharpnessFigure.el, sharp.H.length > 0);
    const notices = stabilityNotices(sharp.edge);
    show(this.notice, notices.length > 0);
    setText(this.notice, notices.map((n) => `⚠ ${n[0].toUpperCase()}${n.slice(1)}.`).join(' '));
    if (sharp.H.length === 0) return;
    (this.sharpness ??= new SharpnessChart(this.sharpnessFigure.canvas, ctx.theme, 'line')).update({ run }, `${run.id}|${run.versionOf('measurement')}`);
    this.sharpnessFigure.setCaption(
      'λmax(H) at the measurements (mean ± standard error over trials; Lanczos on the full training set, or the dense H), the optimizer’s stability threshold dashed (gradient descent drives λmax(H) towards 2/η: the edge of stability), and, under MSE and gradient descent, the infinite-width λmax(I) = λmax(Θ)/N dotted. For Adam, the preconditioned sharpness λmax(P⁻¹H) with P = diag(√v̂ + ε) is the one its threshold bounds.',
    );
  }

  retheme(theme: Theme): void {
    this.ntk?.retheme(theme);
    this.loss?.retheme(theme);
    this.sharpness?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.ntk) out.ntk = this.ntk as unknown as ChartView<never>;
    if (this.loss) out.loss = this.loss as unknown as ChartView<never>;
    if (this.sharpness) out.sharpness = this.sharpness as unknown as ChartView<never>;
    return out;
  }
}
