/**
 * Where the curvature lives: per weight layer ℓ, Tr(A_ℓℓ^k) of the diagonal block through training (one
 * color per layer, mean ± standard error over trials; for I the infinite-width prediction from the
 * layer kernel Θ_ℓ dashed in the same color), and each layer's share of Tr(I) and of Tr(S)
 * (analysis/layerShares.ts).
 */
import type { RunModel } from '../model/runModel';
import type { Matrix } from '../model/types';
import { linearScale, logScale, symlogScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { meanLine, theoryLine, type AnyDataset } from './datasets';
import { traceLabel } from './momentsChart';
import { linthreshFor } from './symlogScale';
import { categorical } from './theme';

export interface LayerMomentsInput {
  run: RunModel;
  matrix: Matrix;
  k: number;
}

const layerName = (layer: number, parameters: number): string => `layer ${layer + 1} (W${layer + 1}, b${layer + 1}: ${parameters} parameters)`;

export class LayerMomentsChart extends ChartView<LayerMomentsInput> {
  protected apply({ run, matrix, k }: LayerMomentsInput): void {
    const series = run.layerSeries(matrix, k);
    const datasets: AnyDataset[] = [];
    series.forEach((s, i) => {
      const color = categorical(this.theme, i);
      datasets.push(meanLine(`layer:${s.layer}`, layerName(s.layer, s.parameters), color, s.mean));
      if (s.theory.length > 0) datasets.push(theoryLine(`theory:${s.layer}`, `theory, layer ${s.layer + 1} (Θ_${s.layer + 1})`, color, s.theory));
    });
    this.sync(datasets);
    const values = series.flatMap((s) => [...s.mean.flatMap((p) => [p.y, p.lo, p.hi]), ...s.theory.map((p) => p.y)]);
    const signed = matrix === 'S' || values.some((v) => !(v > 0));
    const title = `${traceLabel(matrix, k).replace(matrix, `${matrix}_ℓℓ`)}${signed ? '   (symmetric log)' : ''}`;
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: signed ? symlogScale(title, this.theme, linthreshFor(values)) : logScale(title, this.theme) };
  }

  protected describe({ run, matrix, k }: LayerMomentsInput): string {
    const series = run.layerSeries(matrix, k);
    return `Line chart of ${traceLabel(matrix, k)} of each layer's diagonal block against training time t, ${series.length} layers with standard-error bands${series.some((s) => s.theory.length > 0) ? ', the layer kernels\' predictions dashed' : ''}.`;
  }
}

export interface LayerShareInput {
  run: RunModel;
  matrix: 'I' | 'S';
}

export class LayerShareChart extends ChartView<LayerShareInput> {
  protected apply({ run, matrix }: LayerShareInput): void {
    const series = run.layerSeries(matrix, 1);
    this.sync(series.map((s, i) => meanLine(`share:${s.layer}`, layerName(s.layer, s.parameters), categorical(this.theme, i), s.share)));
    const title = matrix === 'I' ? 'share of Tr(I): Tr(I_ℓℓ)/Tr(I)' : 'share of Tr(S): Tr(S_ℓℓ)/Σ|Tr(S_ℓ′ℓ′)|';
    this.chart.options.scales = { x: timeScale(run.axis(), this.theme), y: linearScale(title, this.theme, matrix === 'I' ? { min: 0, max: 1 } : { min: -1, max: 1 }) };
  }

  protected describe({ run, matrix }: LayerShareInput): string {
    return `Line chart of each layer's share of Tr(${matrix}) against training time t, ${run.layerSeries(matrix, 1).length} layers with standard-error bands.`;
  }
}
