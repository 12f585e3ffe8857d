/**
 * Numbers on axes and in tooltips, written the way a paper writes them: 10⁻³ rather than 1e-3,
 * −2.4×10⁻⁵ rather than -0.000024.
 */
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

export function superscript(n: number | string): string {
  return String(n)
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
}

const MINUS = '−';

/** 10^e as a label: 0.01, 0.1, 1, 10, 100, 1000, then 10⁴, 10⁻³ … */
export function powerOfTen(e: number): string {
  if (e >= -2 && e <= 3) return String(Number((10 ** e).toPrecision(1)));
  return `10${superscript(e)}`;
}

/** A value that is ±10^e (within rounding), as a label; '' otherwise. */
export function decadeLabel(v: number): string {
  if (v === 0) return '0';
  const e = Math.round(Math.log10(Math.abs(v)));
  if (Math.abs(Math.abs(v) / 10 ** e - 1) > 1e-6) return '';
  return (v < 0 ? MINUS : '') + powerOfTen(e);
}

/** Three significant digits; scientific as m×10ⁿ outside [10⁻³, 10⁴). */
export function formatValue(v: number | null, digits = 3): string {
  // null: a figure that was NaN where it was written (summary.json).
  if (v === null) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const sign = v < 0 ? MINUS : '';
  if (a >= 1e-3 && a < 1e4) return sign + String(Number(a.toPrecision(digits)));
  const e = Math.floor(Math.log10(a));
  let m = Number((a / 10 ** e).toPrecision(digits));
  let ee = e;
  if (m >= 10) {
    m /= 10;
    ee += 1;
  }
  return `${sign}${m}×10${superscript(ee)}`;
}
