/**
 * Tr(A^k) against t for one matrix A ∈ {H, I, S} and one k (a cell of the paper's Figure 1): the trial
 * mean with its ±1 standard-error band, the spread over trials (±1 standard deviation, fainter), each
 * trial faintly (up to 20 trials), and the theory dashed
 * (path-wise for one trial, the expectation over initializations for several). Both axes logarithmic;
 * the y axis is symmetric-log for S, whose odd moments change sign (and vanish in the limit for
 * k ≥ 3), and for any series that reaches zero or below.
 */
import type { RunModel } from '../model/runModel';
import type { Matrix } from '../model/types';
import { logScale, symlogScale, timeScale } from './axes';
import { ChartView } from './chartView';
import { measuredDatasets, theoryLine, type AnyDataset } from './datasets';
import { superscript } from './format';
import { linthreshFor } from './symlogScale';

export interface MomentsInput {
  run: RunModel;
  matrix: Matrix;
  k: number;
}

export function traceLabel(A: Matrix | string, k: number | string): string {
  return k === 1 ? `Tr(${A})` : `Tr(${A}${superscript(k)})`;
}

export const THEORY_NAMES: Record<string, string> = {
  'path-wise': 'theory, path-wise',
  'path-wise mean': 'theory, path-wise (mean over trials)',
  expected: 'theory, expected over initializations',
  none: 'theory',
};

/** Whether Tr(A^k) needs the symmetric-log axis: S always, anything else when a value is ≤ 0. */
export function signedAxis(matrix: Matrix, values: readonly number[]): boolean {
  return matrix === 'S' || values.some((v) => !(v > 0));
}

export class MomentsChart extends ChartView<MomentsInput> {
  protected apply({ run, matrix, k }: MomentsInput): void {
    const s = run.moments(matrix, k);
    const color = this.theme.matrix[matrix];
    const name = traceLabel(matrix, k);
    const datasets: AnyDataset[] = measuredDatasets(s, name, color, s.trials.length > 1 ? `${name}, mean ± s.e.` : `${name} ± s.e.`);
    if (s.theory.points.length > 0) datasets.push(theoryLine('theory', THEORY_NAMES[s.theory.kind], this.theme.theory, s.theory.points));
    this.sync(datasets);
    const values = [...s.mean.flatMap((p) => [p.y, p.lo, p.hi]), ...s.spread.flatMap((p) => [p.lo, p.hi]), ...s.theory.points.map((p) => p.y)];
    const signed = signedAxis(matrix, values);
    const o = this.chart.options;
    o.scales = {
      x: timeScale(run.axis(), this.theme),
      y: signed ? symlogScale(`${name}   (symmetric log)`, this.theme, linthreshFor(values)) : logScale(name, this.theme),
    };
    o.plugins!.legend!.display = false;
  }

  protected describe({ run, matrix, k }: MomentsInput): string {
    const s = run.moments(matrix, k);
    const n = s.trials.length;
    const scale = signedAxis(matrix, s.mean.map((p) => p.y)) ? 'logarithmic t and symmetric-log y axes' : 'logarithmic axes';
    return `Line chart of ${traceLabel(matrix, k)} against training time t, ${scale}; mean over ${n} trial${n === 1 ? '' : 's'} with a ±1 standard-error band${s.spread.length > 0 ? ' and a fainter ±1 standard-deviation band (the spread over trials)' : ''}${s.theory.points.length > 0 ? `; ${THEORY_NAMES[s.theory.kind]} dashed` : ''}.`;
  }
}
