import type { Written } from '../contracts/checks';
import type { Moments as MomentsRead } from '../contracts/engineMessages';
import { deviationOf, formatDeviation, quantityRule } from '../analysis/deviation';

/**
 * The end-of-run table: for each matrix (H, I, S) and each measurement time, the measured moments
 * Tr(A^k) with their standard errors beside the theory's prediction and the deviation by the rule of
 * src/analysis/deviation.ts (in σ for a mean over trials, relative to the quantity's scale over the run for
 * one trial, width × value where the limit is 0). Over several trials a `spread` column gives the
 * standard deviation over trials as a share of the scale: what one trial may show.
 * Input rows are already aggregated (one per step), so the same printer serves one trial or many.
 * Their numbers are plain (NaN where undefined: momentsOrNaN turns a summary's nulls back into NaN).
 */
type Moments = Written<MomentsRead>;

export interface TableRow {
  readonly step: number;
  readonly t: number;
  readonly loss: number;
  readonly moments: Moments;
  readonly stderr: Moments;
  /** The standard deviation over trials (several trials only). */
  readonly spread?: Moments;
  /** The prediction to compare with (path-wise for one trial, expected for a mean over trials). */
  readonly theory?: Moments;
}

export interface TableOptions {
  readonly kmax: number;
  /** The prediction's column title; absent: no prediction and no deviation columns (a run the theory does not describe). */
  readonly theoryLabel?: string;
  /** The rows are means over trials: deviations in their standard errors. */
  readonly overTrials: boolean;
  /** The smallest hidden width: the order 1/width of the quantities that vanish in the limit. */
  readonly width?: number;
}

export function momentsTable(rows: readonly TableRow[], options: TableOptions): string {
  const out: string[] = [];
  const spread = options.overTrials && rows.some((r) => r.spread);
  for (const A of ['H', 'I', 'S'] as const) {
    const header = ['step', 't', 'loss'];
    const rules = Array.from({ length: options.kmax }, (_, k) => quantityRule(rows.map((r) => r.theory?.[A][k]), rows.map((r) => r.moments[A][k])));
    for (let k = 1; k <= options.kmax; k++) {
      header.push(`Tr(${A}${superscript(k)}) ± se`, ...(options.theoryLabel === undefined ? [] : [options.theoryLabel, 'dev']));
      if (spread) header.push('spread');
    }
    const body = rows.map((r) => {
      const cells = [String(r.step), fmt(r.t), fmt(r.loss)];
      for (let k = 0; k < options.kmax; k++) {
        const m = r.moments[A][k];
        const se = r.stderr[A][k];
        const th = r.theory?.[A][k];
        const rule = rules[k];
        const d = deviationOf({ measured: m, predicted: th, stderr: options.overTrials ? se : undefined, scale: rule.scale, vanishes: rule.vanishes, width: options.width });
        const predictedCell = th === undefined ? '—' : rule.vanishes ? (options.width ? `0 + O(1/${options.width})` : '0') : fmt(th);
        cells.push(se > 0 ? `${fmt(m)} ± ${fmt(se, 2)}` : fmt(m), ...(options.theoryLabel === undefined ? [] : [predictedCell, formatDeviation(d)]));
        if (spread) {
          const sd = r.spread?.[A][k];
          cells.push(sd === undefined ? '—' : rule.scale > 0 && !rule.vanishes ? `${(100 * (sd / rule.scale)).toFixed(1)}%` : fmt(sd, 2));
        }
      }
      return cells;
    });
    out.push(align([header, ...body]));
  }
  return out.join('\n\n') + '\n';
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
