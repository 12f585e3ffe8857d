import type { RunOutcome } from '../run/runExperiment';
import type { RunSummary, SweepSummary } from '../contracts/runStore';
import { momentsOrNaN, orNaN } from '../contracts/engineMessages';
import { formatDeviation, hiddenWidth, limitDeviation } from '../analysis/deviation';
import { fmt, momentsTable, type TableRow } from './momentsTable';
import { optimizerOf, theoryAbsence } from '../contracts/optimizers';
import { stabilityNotices } from '../analysis/edgeOfStability';

/**
 * What `ntkexp run` prints at the end. One run: the moments at every measurement time against theory
 * (the trial's own path-wise prediction for one trial; the expectation over initializations for the
 * mean of several). A sweep: one line per combination with its deviation from theory per k, and, for a
 * width sweep, the fitted log-log slope of that deviation against width.
 */
export function runTables(outcome: RunOutcome): string {
  const sweep = outcome.sweepSummary;
  if (!sweep) return outcome.runs.map((r) => runTable(r.info.experiment, r.summary, hiddenWidth(r.info.resolved), theoryAbsence(optimizerOf(r.info.resolved)))).join('\n');
  const K = Math.max(...sweep.runs.map((r) => r.deviationH.length));
  const percent = (d: number | null): string => (d === null ? '—' : `${(100 * d).toFixed(1)}%`);
  const header = ['run', 'status', ...Array.from({ length: K }, (_, k) => `dev Tr(H^${k + 1})`)];
  const rows = sweep.runs.map((r) => [r.id, r.status, ...Array.from({ length: K }, (_, k) => percent(r.deviationH[k] ?? null))]);
  const lines = ['mean |deviation| of Tr(H^k) from the expected moments, over the measurement times', '', align([header, ...rows]), ''];
  for (const s of sweep.widthSlopes ?? []) {
    const group = Object.entries(s.group)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    lines.push(`log-log slope of the deviation against width${group ? ` (${group})` : ''}: ${s.slope.map((x, k) => `k=${k + 1}: ${x === null ? '—' : x.toFixed(2)}`).join(', ')} (the theory suggests about −0.5)`);
  }
  for (const g of sweep.limits ?? []) lines.push('', ...limitLines(g));
  const meanField = outcome.runs.flatMap((r) => {
    const mf = r.summary.steps.find((st) => st.mean_field)?.mean_field;
    return mf ? [`${r.info.id}:\n${meanFieldLines(mf).join('\n')}`] : [];
  });
  if (meanField.length > 0) lines.push('', 'mean-field limits at initialization, per run (the only prediction of this parametrization):', ...meanField);
  return lines.join('\n') + '\n';
}

/**
 * A width sweep's own limit at its first and last common measurement: m∞ ± s.e. of the preferred fit
 * (analysis/widthLimit.ts), its exponent, the theory's expectation and their distance in standard errors.
 */
function limitLines(g: NonNullable<SweepSummary['limits']>[number]): string[] {
  const group = Object.entries(g.group)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const columns = [...new Set([0, g.steps.length - 1])];
  const header = ['quantity', ...columns.flatMap((j) => [`m∞ at t=${fmt(g.t[j], 3)}`, 'fit', 'expected', 'dev'])];
  const rows: string[][] = [];
  for (const A of ['H', 'I', 'S'] as const) {
    g[A].forEach((perStep, k) => {
      rows.push([
        `Tr(${A}^${k + 1})`,
        ...columns.flatMap((j) => {
          const e = perStep[j];
          const f = e.fits.find((x) => x.exponent === e.better) ?? e.fits[0];
          if (!f || f.limit === null) return ['—', '', '', ''];
          const se = f.stderr;
          const value = se === null ? fmt(f.limit) : `${fmt(f.limit)} ± ${fmt(se, 2)}`;
          const fit = `n^-${f.exponent === 0.5 ? '1/2' : String(f.exponent)}${e.better === null ? '?' : ''}`;
          const dev = e.expected !== null && se !== null && se > 0 ? `${((f.limit - e.expected) / se).toFixed(1)} se` : '—';
          return [value, fit, e.expected === null ? '—' : fmt(e.expected), dev];
        }),
      ]);
    });
  }
  return [
    `the sweep's own infinite-width limit${group ? ` (${group})` : ''}, widths ${g.widths.join(', ')}: each trial mean fitted as m∞ + c·n^-p (p = 1/2 and 1; the better fit shown, '?' where two widths cannot tell them apart), ± its standard error`,
    '',
    align([header, ...rows]),
  ];
}

function runTable(name: string, s: RunSummary, width: number | undefined, noTheory?: string): string {
  if (s.steps.length === 0) return `${name}: no measurements\n`;
  const several = s.steps[0].trials > 1;
  const rows = s.steps.map((st) => ({
    step: st.step,
    t: st.t,
    loss: orNaN(st.loss.mean),
    moments: momentsOrNaN(st.mean),
    stderr: momentsOrNaN(st.stderr),
    spread: st.spread && momentsOrNaN(st.spread),
    theory: several ? st.expected && momentsOrNaN(st.expected) : st.theory && momentsOrNaN(st.theory),
  }));
  const kmax = s.steps[0].mean.H.length;
  const meanField = s.steps.find((st) => st.mean_field)?.mean_field;
  if (meanField) return meanFieldTable(name, s, meanField, rows, kmax);
  const vanishing = width ? `; Tr(S^k), k ≥ 3, vanish at infinite width: shown as w·x, width × value, of order 1 when the theory's 1/width holds` : '';
  const head = several
    ? `${name}: mean ± standard error over ${s.steps[0].trials} trials, against the expectation over initializations; dev in standard errors of the mean, spread = standard deviation over trials (what one trial may show) as a share of the quantity's scale${vanishing}`
    : `${name}: one trial (± the estimators' standard errors, rounding included), against its path-wise prediction; dev relative to the quantity's largest predicted value over the run${vanishing}`;
  if (noTheory) {
    const plain = several
      ? `${name}: mean ± standard error over ${s.steps[0].trials} trials, spread = standard deviation over trials as a share of the quantity's scale`
      : `${name}: one trial (± the estimators' standard errors, rounding included)`;
    return `${plain}\nno theory columns: ${noTheory}\n\n${momentsTable(rows, { kmax, overTrials: several, width })}${notices(s)}`;
  }
  return `${head}\n\n${momentsTable(rows, { kmax, theoryLabel: several ? 'expected' : 'theory', overTrials: several, width })}${notices(s)}`;
}

/**
 * A mean-field run: its one prediction (at initialization, on its own scale) against the trials, then
 * the measurements through training without theory columns (there is no prediction there).
 */
function meanFieldTable(name: string, s: RunSummary, mf: NonNullable<RunSummary['steps'][number]['mean_field']>, rows: TableRow[], kmax: number): string {
  const n = s.steps[0].trials;
  const lines = [
    `${name}: mean-field parametrization, width ${mf.width}, ${n} trial${n === 1 ? '' : 's'}. The theory predicts at initialization only (paper §3.3):`,
    ...meanFieldLines(mf),
    '',
    momentsTable(rows.map((r) => ({ ...r, theory: undefined })), { kmax, theoryLabel: 'theory', overTrials: n > 1 }),
  ];
  return lines.join('\n');
}

/** The mean-field limits against the trials, one line per limit, with the rule of deviation.ts. */
function meanFieldLines(mf: NonNullable<RunSummary['steps'][number]['mean_field']>): string[] {
  const a = mf.sqrt_w_trace_s;
  const b = mf.w_trace_s2;
  const z = (x: { mean: number | null; stderr: number | null }, limit: number | null): string => formatDeviation(limitDeviation(x, limit));
  const f = (x: number | null, digits?: number): string => fmt(orNaN(x), digits);
  return [
    `  √w·Tr(S) = ${f(a.mean)} ± ${f(a.stderr, 2)}  (limit: mean ${f(a.limit_mean)}, sd ${f(a.limit_std)}; dev ${z(a, a.limit_mean)}); spread over trials ${a.spread === null ? '—' : f(a.spread)} against the limit's sd ${f(a.limit_std)}`,
    `  w·Tr(S²) = ${f(b.mean)} ± ${f(b.stderr, 2)}  (limit ∇CᵀΥ∇C = ${f(b.limit)}; dev ${z(b, b.limit)})`,
    "  Compare S, not H: Tr(I) is O(1/w) against Tr(S)'s O(1/√w), so √w·Tr(H) keeps an O(1/√w) mean from I. No prediction through training.",
  ];
}

function align(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')).join('\n');
}


/** The edge-of-stability and catapult notices of a run (analysis/edgeOfStability.ts), after its table. */
function notices(s: RunSummary): string {
  const lines = stabilityNotices(s.stability);
  return `${layerTable(s)}${lines.length > 0 ? `\n${lines.map((l) => `notice: ${l}`).join('\n')}\n` : ''}`;
}

/**
 * With `measure.layers`: per weight layer at the first and last measurement, Tr(I_ℓℓ) against the layer
 * kernel's prediction, Tr(S_ℓℓ), Tr(H_ℓℓ²), and the layer's share of Tr(I) and Tr(S) (analysis/layerShares.ts).
 */
function layerTable(s: RunSummary): string {
  const steps = s.steps.filter((st) => st.layers && st.layers.length > 0);
  if (steps.length === 0) return '';
  const pm = (m: number | null, e: number | null): string => (m === null ? '—' : e !== null && e > 0 ? `${fmt(m)} ± ${fmt(e, 2)}` : fmt(m));
  const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
  const rows: string[][] = [['step', 'layer', 'parameters', 'Tr(I_ℓℓ)', 'theory', 'share of Tr(I)', 'Tr(S_ℓℓ)', 'share of Tr(S)', 'Tr(H_ℓℓ²)']];
  for (const st of [...new Set([steps[0], steps[steps.length - 1]])]) {
    for (const b of st.layers!) {
      rows.push([
        String(st.step),
        String(b.layer + 1),
        String(b.parameters),
        pm(b.mean.I[0], b.stderr.I[0]),
        b.theory ? (b.theory.I[0] === null ? '—' : fmt(b.theory.I[0])) : '—',
        pct(b.share.I.mean),
        pm(b.mean.S[0], b.stderr.S[0]),
        pct(b.share.S.mean),
        pm(b.mean.H[1] ?? null, b.stderr.H[1] ?? null),
      ]);
    }
  }
  return `\nper layer (the diagonal blocks of each weight layer's W and b; share of Tr(S) relative to Σ|Tr(S_ℓℓ)|):\n\n${align(rows)}\n`;
}
