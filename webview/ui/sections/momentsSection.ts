/**
 * Section 1: Tr(H^k), Tr(I^k), Tr(S^k) through training (the paper's Figure 1) as small multiples: a
 * row per k, a column per matrix, each chart on its own scale. The k chooser shows one row or all.
 */
import { optimizerOf, theoryAbsence } from '../../../src/contracts/optimizers';
import type { ChartView } from '../../charts/chartView';
import { MAX_TRIAL_LINES, THEORY_DASH } from '../../charts/datasets';
import { formatValue } from '../../charts/format';
import { MomentsChart, THEORY_NAMES, traceLabel } from '../../charts/momentsChart';
import type { Theme } from '../../charts/theme';
import { MATRICES, type Matrix } from '../../model/types';
import { SelectControl } from '../controls';
import { h, setText, show } from '../dom';
import { Figure, section } from '../figure';
import { legendKey } from '../legendKey';
import type { RenderContext, Section } from '../state';
import { plural } from './common';
import { formatDeviation, limitDeviation } from '../../../src/analysis/deviation';
import type { MeanFieldComparison } from '../../../src/contracts/runStore';

interface Cell {
  figure: Figure;
  chart?: MomentsChart;
}

export class MomentsSection implements Section {
  readonly el: HTMLElement;
  private readonly k: SelectControl;
  private readonly grid: HTMLElement;
  private readonly key = h('div', { class: 'ntk-key-row' });
  private readonly note = h('p', { class: 'ntk-note' });
  private readonly cells = new Map<string, Cell>();
  private keySignature = '';
  private ctx?: RenderContext;

  constructor() {
    this.k = new SelectControl('moment k', (value) => this.ctx?.setState({ k: value }));
    const s = section('moments', 'Moments of the Hessian H = I + S through training', [this.k.el]);
    s.grid.classList.add('ntk-grid-3');
    this.grid = s.grid;
    this.el = s.el;
    this.el.insertBefore(this.key, this.grid);
    this.el.append(this.note);
  }

  private cell(A: Matrix, k: number): Cell {
    const id = `${A}:${k}`;
    let c = this.cells.get(id);
    if (!c) {
      const who = { H: 'the Hessian', I: 'the Gauss–Newton part', S: 'the rest' }[A];
      c = { figure: new Figure(`moments-${A}-${k}`, `${traceLabel(A, k)}, ${who}`, [], { small: true }) };
      this.cells.set(id, c);
      // Keep the grid in row-major order: k, then H, I, S.
      const after = [...this.cells.entries()].filter(([key]) => order(key) < order(id)).sort((a, b) => order(b[0]) - order(a[0]))[0];
      if (after) after[1].figure.el.after(c.figure.el);
      else this.grid.prepend(c.figure.el);
    }
    return c;
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const run = ctx.run;
    const visible = !!run && run.steps().length > 0;
    show(this.el, visible);
    if (!run || !visible) return;
    const kmax = run.kmax();
    const chosen = ctx.state.k === 'all' ? 'all' : String(Math.min(kmax, Math.max(1, Number(ctx.state.k))));
    this.k.set([{ value: 'all', label: 'all k' }, ...Array.from({ length: kmax }, (_, i) => ({ value: String(i + 1), label: `k = ${i + 1}` }))], chosen);
    const ks = chosen === 'all' ? Array.from({ length: kmax }, (_, i) => i + 1) : [Number(chosen)];
    for (let k = 1; k <= kmax; k++) {
      for (const A of MATRICES) {
        const c = this.cell(A, k);
        const on = ks.includes(k);
        show(c.figure.el, on);
        if (!on) continue;
        (c.chart ??= new MomentsChart(c.figure.canvas, ctx.theme, 'line')).update({ run, matrix: A, k }, `${run.id}|${run.versionOf('measurement')}`);
      }
    }
    const kind = run.theoryKind();
    const n = run.trials().length;
    this.setKey(ctx.theme, n, kind);
    setText(
      this.note,
      `Solid: mean over ${plural(n, 'trial')} with a ±1 standard-error band${n > 1 ? ` (over trials; the fainter band: ±1 standard deviation over trials, where one trial typically falls${n <= MAX_TRIAL_LINES ? '; faint lines: each trial' : ''})` : ' (the estimator’s own error, rounding included)'}; dashed: ${kind === 'none' ? noTheoryText(run.info?.resolved) : THEORY_NAMES[kind]}. ` +
        `Log–log axes; Tr(Sᵏ) on a symmetric-log axis (logarithmic beyond the threshold, linear through 0), since Tr S and Tr S³ change sign and Tr Sᵏ → 0 for k ≥ 3 at infinite width. t = 0 is drawn at η/2 = ${formatValue(run.axis().zeroAt)}.` +
        meanFieldNote(run.meanField()),
    );
  }

  private setKey(theme: Theme, n: number, kind: string): void {
    const signature = JSON.stringify([theme.matrix, theme.theory, n, kind]);
    if (signature === this.keySignature) return;
    this.keySignature = signature;
    this.key.replaceChildren(
      legendKey([
        ...MATRICES.map((A) => ({ label: `${A}: mean ± s.e.`, color: theme.matrix[A], band: true })),
        ...(n > 1 ? [{ label: '±1 sd over trials (the spread)', color: theme.muted, band: true, width: 0, bandOpacity: 0.25 }] : []),
        ...(n > 1 && n <= MAX_TRIAL_LINES ? [{ label: 'each trial', color: theme.muted, width: 1, opacity: 0.6 }] : []),
        ...(kind !== 'none' ? [{ label: THEORY_NAMES[kind], color: theme.theory, dash: THEORY_DASH, width: 1.5 }] : []),
      ]),
    );
  }

  retheme(theme: Theme): void {
    for (const c of this.cells.values()) c.chart?.retheme(theme);
    this.keySignature = '';
    if (this.ctx) this.setKey(theme, this.ctx.run?.trials().length ?? 0, this.ctx.run?.theoryKind() ?? 'none');
  }

  views(): Record<string, ChartView<never>> {
    const out: Record<string, ChartView<never>> = {};
    for (const [id, c] of this.cells) if (c.chart) out[`moments-${id.replace(':', '-')}`] = c.chart as unknown as ChartView<never>;
    return out;
  }
}

/** Mean field: the one prediction (at initialization), with the same figures as the CLI and summary.json. */
function meanFieldNote(mf: MeanFieldComparison | undefined): string {
  if (!mf) return '';
  const a = mf.sqrt_w_trace_s;
  const b = mf.w_trace_s2;
  const sigma = (x: { mean: number | null; stderr: number | null }, limit: number | null): string => ` (${formatDeviation(limitDeviation(x, limit))})`;
  return (
    ` Mean field (width ${mf.width}): the theory predicts at initialization only. √w·Tr(S) = ${formatValue(a.mean)} ± ${formatValue(a.stderr)} against a limit N(${formatValue(a.limit_mean)}, sd ${formatValue(a.limit_std)})${sigma(a, a.limit_mean)}` +
    `${a.spread === null ? '' : `, spread over trials ${formatValue(a.spread)}`}; w·Tr(S²) = ${formatValue(b.mean)} ± ${formatValue(b.stderr)} against ∇CᵀΥ∇C = ${formatValue(b.limit)}${sigma(b, b.limit)}. Compare S, not H: Tr(I) is O(1/w).`
  );
}

function order(id: string): number {
  const [A, k] = id.split(':');
  return Number(k) * 3 + MATRICES.indexOf(A as Matrix);
}

/** Why a run has no theory line: its optimizer (contracts/optimizers.ts), or none asked for. */
function noTheoryText(resolved: unknown): string {
  const why = theoryAbsence(optimizerOf(resolved));
  return why ? `no theory line, since ${why}` : 'no theory in this run';
}
