/**
 * The spectral density of H at one measurement (stochastic Lanczos quadrature, or the exact
 * eigenvalues on the exact path): one line per trial, density on a logarithmic axis (bins with zero
 * density are not drawn).
 */
import type { RunModel } from '../model/runModel';
import { linearScale, logScale, type Cartesian } from './axes';
import { ChartView } from './chartView';
import type { AnyDataset } from './datasets';
import { formatValue } from './format';
import { categorical } from './theme';

export interface DensityInput {
  run: RunModel;
  index: number;
}

export class DensityChart extends ChartView<DensityInput> {
  protected apply({ run, index }: DensityInput): void {
    const series = run.density(index);
    const datasets: AnyDataset[] = series.map((s, i) => ({
      type: 'line',
      key: `density:${s.trial}`,
      label: `trial ${s.trial}`,
      data: s.points.filter((p) => p.y > 0),
      borderColor: categorical(this.theme, i),
      backgroundColor: categorical(this.theme, i),
      borderWidth: 1.5,
      pointRadius: s.points.length > 60 ? 0 : 1.5,
      stepped: false,
    }));
    this.sync(datasets);
    // Quadrature densities have Gaussian tails down to 10⁻¹⁶: show six decades below the peak.
    const peak = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y)));
    const floor = peak > 0 ? 10 ** (Math.floor(Math.log10(peak)) - 5) : undefined;
    this.chart.options.scales = {
      x: linearScale('eigenvalue λ of H', this.theme),
      y: { ...logScale('density ρ(λ), eigenvalues per unit λ', this.theme), ...(floor ? { min: floor } : {}) } as Cartesian,
    };
  }

  protected describe({ run, index }: DensityInput): string {
    const at = run.timeAt(run.clampIndex(index));
    return `Line chart of the spectral density of H at t = ${at ? formatValue(at.t) : '?'}, one line per trial, logarithmic density axis.`;
  }
}
