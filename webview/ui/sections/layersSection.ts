/** Where the curvature lives (`measure { layers = true }`): each layer's blocks against its prediction, and each layer's share of Tr(I) and Tr(S). */
import type { ChartView } from '../../charts/chartView';
import { LayerMomentsChart, LayerShareChart } from '../../charts/layerCharts';
import { traceLabel } from '../../charts/momentsChart';
import type { Theme } from '../../charts/theme';
import { MATRICES, type Matrix } from '../../model/types';
import { SelectControl } from '../controls';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';

export class LayersSection implements Section {
  readonly el: HTMLElement;
  private readonly matrix: SelectControl;
  private readonly k: SelectControl;
  private readonly momentsFigure = new Figure('layer-moments', 'Each layer’s block against its prediction');
  private readonly shareIFigure = new Figure('layer-share-I', 'Each layer’s share of Tr(I)');
  private readonly shareSFigure = new Figure('layer-share-S', 'Each layer’s share of Tr(S)');
  private moments?: LayerMomentsChart;
  private shareI?: LayerShareChart;
  private shareS?: LayerShareChart;
  private ctx?: RenderContext;

  constructor() {
    this.matrix = new SelectControl('matrix', (value) => this.ctx?.setState({ layerMatrix: value as Matrix }));
    this.k = new SelectControl('k', (value) => this.ctx?.setState({ layerK: Number(value) }));
    const s = section('layers', 'Per layer: where the curvature lives', [this.matrix.el, this.k.el]);
    s.grid.append(this.momentsFigure.el, this.shareIFigure.el, this.shareSFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const run = ctx.run;
    const visible = !!run && run.has('layers');
    show(this.el, visible);
    if (!run || !visible) return;
    const kmax = run.kmax();
    const A = ctx.state.layerMatrix;
    const k = Math.min(kmax, ctx.state.layerK);
    this.matrix.set(
      MATRICES.map((m) => ({ value: m, label: m })),
      A,
    );
    this.k.set(
      Array.from({ length: kmax }, (_, i) => ({ value: String(i + 1), label: `k = ${i + 1}` })),
      String(k),
    );
    const key = `${run.id}|${run.versionOf('measurement')}`;
    (this.moments ??= new LayerMomentsChart(this.momentsFigure.canvas, ctx.theme, 'line')).update({ run, matrix: A, k }, `${key}|${A}|${k}`);
    this.momentsFigure.setCaption(
      `${traceLabel(A, k)} of each weight layer’s diagonal block ${A}_ℓℓ (its W and b), mean ± standard error over trials: Tr(I_ℓℓ^k) exactly from the layer’s own NTK Gram Θ̂_ℓ, Tr(S_ℓℓ) from the layer’s part of G, the rest by Lanczos and deflated probes on the block. Dashed (I): the infinite-width Tr(I_ℓℓ^k) from the layer kernel Θ_ℓ, where Σ_ℓ Θ_ℓ = Θ.`,
    );
    (this.shareI ??= new LayerShareChart(this.shareIFigure.canvas, ctx.theme, 'line')).update({ run, matrix: 'I' }, key);
    this.shareIFigure.setCaption('Tr(I_ℓℓ)/Tr(I) per layer (the blocks’ traces add up to the whole), mean ± standard error over trials.');
    (this.shareS ??= new LayerShareChart(this.shareSFigure.canvas, ctx.theme, 'line')).update({ run, matrix: 'S' }, key);
    this.shareSFigure.setCaption('Tr(S_ℓℓ)/Σ_ℓ′|Tr(S_ℓ′ℓ′)| per layer: the blocks’ traces have either sign, so each share is taken of the sum of their sizes (in [−1, 1]); the output layer’s is 0, its parameters entering f linearly.');
  }

  retheme(theme: Theme): void {
    this.moments?.retheme(theme);
    this.shareI?.retheme(theme);
    this.shareS?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.moments) out['layer-moments'] = this.moments as unknown as ChartView<never>;
    if (this.shareI) out['layer-share-I'] = this.shareI as unknown as ChartView<never>;
    if (this.shareS) out['layer-share-S'] = this.shareS as unknown as ChartView<never>;
    return out;
  }
}
