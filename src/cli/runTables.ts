import type { RunOutcome } from '../run/runExperiment';
import type { RunSummary } from '../run/runFiles';
import { momentsTable } from './momentsTable';

/**
 * What `ntkexp run` prints at the end. One run: the moments at every measurement time against theory
 * (the trial's own path-wise prediction for one trial; the expectation over initializations for the
 * mean of several). A sweep: one line per combination with its deviation from theory per k, and, for a
 * width sweep, the fitted log-log slope of that deviation against width.
 */
export function runTables(outcome: RunOutcome): string {
  const sweep = outcome.sweepSummary;
  if (!sweep) return outcome.runs.map((r) => runTable(r.info.experiment, r.summary)).join('\n');
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
  return lines.join('\n') + '\n';
}

function runTable(name: string, s: RunSummary): string {
  if (s.steps.length === 0) return `${name}: no measurements\n`;
  const several = s.steps[0].trials > 1;
  const rows = s.steps.map((st) => ({
    step: st.step,
    t: st.t,
    loss: st.loss.mean,
    moments: st.mean,
    stderr: st.stderr,
    theory: several ? st.expected : st.theory,
  }));
  const kmax = s.steps[0].mean.H.length;
  const head = several
    ? `${name}: mean ± standard error over ${s.steps[0].trials} trials, against the expectation over initializations`
    : `${name}: one trial (± the estimators' standard errors), against its path-wise prediction`;
  return `${head}\n\n${momentsTable(rows, { kmax, theoryLabel: several ? 'expected' : 'theory' })}`;
}

function align(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')).join('\n');
}

