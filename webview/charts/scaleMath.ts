/**
 * The arithmetic of the axes, without Chart.js or the DOM (unit-tested under Node): the symmetric-log
 * transform and its threshold, and which ticks of a log axis get labels.
 */

export function symlog(v: number, c: number): number {
  return Math.sign(v) * Math.log10(1 + Math.abs(v) / c);
}

export function symexp(u: number, c: number): number {
  return Math.sign(u) * c * (10 ** Math.abs(u) - 1);
}

/**
 * A threshold for values like these: the decade of the smallest non-zero magnitude, but at most
 * `decades` decades below the largest, so the logarithmic part shows the values that matter and
 * anything smaller reads as "about zero".
 */
export function linthreshFor(values: Iterable<number>, decades = 4): number {
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (!(a > 0) || !Number.isFinite(a)) continue;
    if (a < min) min = a;
    if (a > max) max = a;
  }
  if (!Number.isFinite(min)) return 1;
  return Number(`1e${Math.max(Math.floor(Math.log10(min)), Math.floor(Math.log10(max)) - decades)}`);
}

/**
 * Which ticks of a log axis get labels: the densest of these sets that fits in `room` labels, from
 * sparse to dense — every s-th decade, decades, {1, 3}·10^e, {1, 2, 5}·10^e, all of 1…9·10^e — and,
 * for an axis too short for two of those, a few round linear steps.
 */
export function chooseLogLabels(min: number, max: number, room: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const e0 = Math.floor(Math.log10(min)) - 1;
  const e1 = Math.ceil(Math.log10(max)) + 1;
  const inside = (v: number): boolean => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const withMantissas = (ms: number[], stride = 1): number[] => {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) if (e % stride === 0) for (const m of ms) if (inside(m * 10 ** e)) out.push(Number((m * 10 ** e).toPrecision(6)));
    return out;
  };
  const candidates: number[][] = [];
  for (let stride = 6; stride >= 2; stride--) candidates.push(withMantissas([1], stride));
  candidates.push(withMantissas([1]), withMantissas([1, 3]), withMantissas([1, 2, 5]), withMantissas([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  let best: number[] = [];
  for (const c of candidates) if (c.length <= room && c.length >= best.length) best = c;
  if (best.length >= 2) return best;
  const raw = (max - min) / Math.max(2, room - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => (max - min) / st <= room - 1) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max * (1 + 1e-9); v += step) out.push(Number(v.toPrecision(6)));
  return out;
}
