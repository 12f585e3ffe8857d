import type { Moments } from '../engine/records';

/**
 * The end-of-run table: for each matrix (H, I, S) and each measurement time, the measured moments
 * Tr(A^k) with their standard errors beside the theory's prediction and the relative deviation.
 * Input rows are already aggregated (one per step), so the same printer serves one trial or many.
 */
export interface TableRow {
  readonly step: number;
  readonly t: number;
  readonly loss: number;
  readonly moments: Moments;
  readonly stderr: Moments;
  /** The prediction to compare with (path-wise for one trial, expected for a mean over trials). */
  readonly theory?: Moments;
}

export function momentsTable(rows: readonly TableRow[], options: { kmax: number; theoryLabel: string }): string {
  const out: string[] = [];
  for (const A of ['H', 'I', 'S'] as const) {
    const header = ['step', 't', 'loss'];
    for (let k = 1; k <= options.kmax; k++) header.push(`Tr(${A}${superscript(k)}) ± se`, options.theoryLabel, 'dev');
    const body = rows.map((r) => {
      const cells = [String(r.step), fmt(r.t), fmt(r.loss)];
      for (let k = 0; k < options.kmax; k++) {
        const m = r.moments[A][k];
        const se = r.stderr[A][k];
        const th = r.theory?.[A][k];
        cells.push(se > 0 ? `${fmt(m)} ± ${fmt(se, 2)}` : fmt(m), th === undefined ? '—' : fmt(th), th === undefined ? '—' : deviation(m, se, th));
      }
      return cells;
    });
    out.push(align([header, ...body]));
  }
  return out.join('\n\n') + '\n';
}

/** Relative deviation, or the deviation in standard errors when the prediction is (near) zero. */
function deviation(measured: number, se: number, predicted: number): string {
  if (Math.abs(predicted) > 1e-12 * Math.max(1, Math.abs(measured))) {
    const rel = (measured - predicted) / Math.abs(predicted);
    return `${rel >= 0 ? '+' : ''}${(100 * rel).toFixed(1)}%`;
  }
  return se > 0 ? `${((measured - predicted) / se).toFixed(1)}σ` : '—';
}

export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return x.toPrecision(digits);
  return x.toExponential(digits - 1);
}

function superscript(k: number): string {
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return k === 1 ? '' : String(k).replace(/\d/g, (d) => sup[Number(d)]);
}

function align(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => [...r[j]].length)));
  return rows.map((r) => r.map((c, j) => (j < 3 ? c.padStart(widths[j]) : c.padStart(widths[j]))).join('  ')).join('\n');
}
