/** Section 4: the loss surface on the plane of two directions (Figure 3), one trial at a time. */
import type { ChartView } from '../../charts/chartView';
import { formatValue } from '../../charts/format';
import { SurfaceChart } from '../../charts/surfaceChart';
import { SurfaceSliceChart } from '../../charts/surfaceSliceChart';
import type { Theme } from '../../charts/theme';
import { SelectControl } from '../controls';
import { show } from '../dom';
import { Figure, section } from '../figure';
import type { RenderContext, Section } from '../state';

const ORDINAL = (n: number): string => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

/** "I4" → "the 4th eigenvector of I"; "random" → "a random direction". */
export function directionName(d: string): string {
  const m = d.match(/^([HIS])(\d+)$/);
  return m ? `the ${ORDINAL(Number(m[2]))} eigenvector of ${m[1]}` : d === 'random' ? 'a random direction' : d;
}

export class SurfaceSection implements Section {
  readonly el: HTMLElement;
  private readonly trial: SelectControl;
  private readonly figure: Figure;
  private readonly sliceFigure = new Figure('surface-slices', 'Loss along each direction, and the curvature’s quadratic', [], { tall: true });
  private chart?: SurfaceChart;
  private slices?: SurfaceSliceChart;
  private ctx?: RenderContext;

  constructor() {
    this.trial = new SelectControl('trial', (value) => this.ctx?.setState({ surfaceTrial: Number(value) }));
    this.figure = new Figure('surface', 'Loss on the plane of two directions through the trained parameters', [this.trial.el], { tall: true });
    const s = section('surface', 'Loss surface');
    s.grid.append(this.figure.el, this.sliceFigure.el);
    this.el = s.el;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const surfaces = ctx.run?.surfaces() ?? [];
    show(this.el, surfaces.length > 0);
    if (surfaces.length === 0) return;
    const chosen = surfaces.find((s) => s.trial === ctx.state.surfaceTrial) ?? surfaces[0];
    this.trial.set(
      surfaces.map((s) => ({ value: String(s.trial), label: `trial ${s.trial}` })),
      String(chosen.trial),
    );
    show(this.trial.el, surfaces.length > 1);
    const key = `${ctx.run!.id}|${ctx.run!.versionOf('surface')}|${chosen.trial}`;
    (this.chart ??= new SurfaceChart(this.figure.canvas, ctx.theme)).update({ surface: chosen }, key);
    (this.slices ??= new SurfaceSliceChart(this.sliceFigure.canvas, ctx.theme, 'line')).update({ surface: chosen }, key);
    this.sliceFigure.setCaption(
      'The heatmap’s two axes through θ (solid) and the quadratic L(θ) + ½·dᵀHd·a² from the recorded curvature (dashed, without the gradient term, which is small after training).',
    );
    const [d1, d2] = chosen.directions;
    const centre = chosen.loss[chosen.y.indexOf(0)]?.[chosen.x.indexOf(0)];
    const c = chosen.curvature.map((v) => (v === null ? '—' : formatValue(v)));
    this.figure.setCaption(
      `Trial ${chosen.trial} after ${chosen.step} steps: L(θ + a·d₁ + b·d₂) with d₁ = ${d1} (${directionName(d1)}) and d₂ = ${d2} (${directionName(d2)}, orthogonalized), unit vectors, on a ${chosen.x.length} × ${chosen.y.length} grid. ` +
        `Curvature dᵀHd at θ: ${c[0]} along ${d1}, ${c[1]} along ${d2}.${typeof centre === 'number' ? ` Loss at θ: ${formatValue(centre)}.` : ''} Contours at evenly spaced levels of the color scale.`,
    );
  }

  retheme(theme: Theme): void {
    this.chart?.retheme(theme);
    this.slices?.retheme(theme);
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    if (this.chart) out.surface = this.chart as unknown as ChartView<never>;
    if (this.slices) out['surface-slices'] = this.slices as unknown as ChartView<never>;
    return out;
  }
}
