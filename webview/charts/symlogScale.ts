/**
 * A symmetric-logarithmic axis: y ↦ sign(y)·log10(1 + |y|/c). Logarithmic for |y| ≫ c, linear through
 * zero, so quantities that change sign over many decades (Tr S, Tr S³, vᵀSv) sit on one axis. The
 * threshold c is the `linthresh` option; ticks are 0 and ±10^e for 10^e ≥ c, thinned to fit.
 */
import { LinearScale, type LinearScaleOptions, type Tick } from 'chart.js';
import { decadeLabel } from './format';
import { linthreshFor, symexp, symlog } from './scaleMath';

export { linthreshFor, symexp, symlog };

export type SymlogScaleOptions = LinearScaleOptions & {
  /** Half-width c of the linear region around 0. */
  linthresh: number;
};

declare module 'chart.js' {
  interface CartesianScaleTypeRegistry {
    symlog: { options: SymlogScaleOptions };
  }
}

export class SymlogScale extends LinearScale<SymlogScaleOptions> {
  static override id = 'symlog';
  static override defaults = { linthresh: 1, ticks: { callback: (value: number | string) => decadeLabel(Number(value)) } };
  private lo = 0;
  private hi = 1;

  private get c(): number {
    const c = Number(this.options.linthresh);
    return c > 0 && Number.isFinite(c) ? c : 1;
  }

  override determineDataLimits(): void {
    super.determineDataLimits();
    const { minDefined, maxDefined } = this.getUserBounds();
    const c = this.c;
    let a = symlog(this.min, c);
    let b = symlog(this.max, c);
    if (a === b) {
      a -= 0.5;
      b += 0.5;
    }
    // A little air in the transformed space, as a log axis gets from its decades.
    const pad = (b - a) * 0.04;
    if (!minDefined) this.min = symexp(a - pad, c);
    if (!maxDefined) this.max = symexp(b + pad, c);
  }

  override buildTicks(): Tick[] {
    const c = this.c;
    const { min, max } = this;
    const values: number[] = [];
    if (min <= 0 && max >= 0) values.push(0);
    // Decades from 10c: the tick at c itself would crowd the 0 (they are 0.3 decades apart).
    const first = Math.ceil(Math.log10(c) - 1e-9) + 1;
    for (const sign of [-1, 1]) {
      const edge = sign < 0 ? -min : max;
      if (!(edge >= c)) continue;
      for (let e = first; e <= Math.floor(Math.log10(edge) + 1e-9); e++) values.push(sign * 10 ** e);
    }
    values.sort((x, y) => x - y);
    // Thin to about one tick per 28 px, keeping 0 and thinning the decades evenly on each side.
    const room = Math.max(3, Math.floor((this.isHorizontal() ? this.width : this.height) / 28) || 11);
    let stride = 1;
    while (values.length / stride > room) stride++;
    const kept = values.filter((v) => v === 0 || Math.round(Math.log10(Math.abs(v)) - first) % stride === 0);
    Object.assign(this, { start: min, end: max });
    return kept.map((value) => ({ value }));
  }

  override configure(): void {
    super.configure();
    this.lo = symlog(this.min, this.c);
    this.hi = symlog(this.max, this.c);
  }

  override getPixelForValue(value: number): number {
    if (value === null || value === undefined || Number.isNaN(value)) return NaN;
    return this.getPixelForDecimal((symlog(value, this.c) - this.lo) / (this.hi - this.lo || 1));
  }

  override getValueForPixel(pixel: number): number {
    return symexp(this.lo + this.getDecimalForPixel(pixel) * (this.hi - this.lo), this.c);
  }
}
