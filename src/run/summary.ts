import type { Written } from '../contracts/checks';
import { isFiniteNumber, momentsOrNaN, orNaN, type EngineMessage, type MeasurementRecord, type Moments } from '../contracts/engineMessages';
import { edgeOfStability } from '../analysis/edgeOfStability';
import { layerShares } from '../analysis/layerShares';
import { deviationOf, quantityRule } from '../analysis/deviation';
import { meanFieldComparison } from '../analysis/meanField';
import { meanStderr, type MeanStderr } from '../analysis/overTrials';
import { widthGroups, widthSlope, widthValue } from '../analysis/widthGroups';
import { widthLimit } from '../analysis/widthLimit';
import type { RunInfo, RunSummary, StepSummary, SweepSummary } from '../contracts/runStore';

/**
 * summary.json from a run's records: per measurement step, the mean over the trials that reached it
 * and its standard error (over trials when there are several, which includes each trial's estimator
 * noise; the estimator's own standard error for a single trial), the spread over trials, the mean
 * path-wise prediction, the expected prediction and the deviation from it by the rule of deviation.ts
 * (in standard errors over trials, and relative to the quantity's scale over the run). Depends only on
 * the records, never on which worker produced them or when.
 */
export function summarizeRun(info: RunInfo, records: readonly EngineMessage[], elapsedMs: number): RunSummary {
  const measurements = records.filter((r): r is MeasurementRecord & { trial: number } => r.type === 'measurement');
  const byStep = new Map<number, (MeasurementRecord & { trial: number })[]>();
  for (const m of measurements) {
    const list = byStep.get(m.step) ?? [];
    list.push(m);
    byStep.set(m.step, list);
  }
  const steps: StepSummary[] = withDeviations(
    [...byStep.keys()].sort((a, b) => a - b).map((step) => stepSummary(step, (byStep.get(step) ?? []).sort((a, b) => a.trial - b.trial))),
  );
  const status = (t: string): number => new Set(records.filter((r) => r.type === t).map((r) => r.trial)).size;
  const trialMs = records.filter((r) => r.type === 'finished').map((r) => (r as { elapsed_ms: number }).elapsed_ms);
  const stability = edgeOfStability(measurements);
  const maxDeviation = steps.some((s) => s.deviation) ? maxAbs(steps.map((s) => s.deviation).filter((d): d is NonNullable<StepSummary['deviation']> => !!d)) : undefined;
  return {
    format: 'ntkexp-summary/1',
    run: info.id,
    experiment: info.experiment,
    status: info.status,
    backend: info.backend,
    trials: { finished: status('finished'), failed: status('failed'), cancelled: status('cancelled'), total: info.trials.length },
    steps,
    ...(maxDeviation ? { maxDeviation } : {}),
    ...(stability ? { stability } : {}),
    timings: {
      elapsed_ms: elapsedMs,
      trial_ms: { mean: trialMs.length ? trialMs.reduce((a, b) => a + b, 0) / trialMs.length : 0, max: trialMs.reduce((m, t) => Math.max(m, t), 0) },
    },
  };
}

function stepSummary(step: number, list: readonly MeasurementRecord[]): StepSummary {
  const n = list.length;
  // Mean ± standard error over the trials by the rule the panel uses (analysis/overTrials.ts): over
  // n ≥ 2 trials the spread over √n, for one trial its estimator's own standard error.
  // Records read back from series.jsonl carry JSON's null for the engine's NaN: NaN again here.
  const stats = overTrials(list.map((r) => momentsOrNaN(r.moments)), momentsOrNaN(list[0].moments_stderr));
  const theories = list.flatMap((r) => (r.theory ? [momentsOrNaN(r.theory)] : []));
  const expected = list.find((r) => r.expected)?.expected;
  const loss = meanStderr(list.map((r) => orNaN(r.loss)));
  return {
    step,
    t: list[0].t,
    trials: n,
    loss: { mean: loss.mean, stderr: loss.stderr },
    mean: pick(stats, (m) => m.mean),
    stderr: pick(stats, (m) => m.stderr),
    // The standard deviation over trials (n ≥ 2): how far one trial typically is from the mean.
    ...(n >= 2 ? { spread: pick(stats, (m) => m.stderr * Math.sqrt(n)) } : {}),
    ...(theories.length === n ? { theory: pick(overTrials(theories), (m) => m.mean) } : {}),
    ...(expected ? { expected } : {}),
    ...meanFieldSummary(list),
    ...sharpnessSummary(list),
    ...layersSummary(list),
  };
}

/** Per weight layer over the trials: the blocks' moments, the layer kernel's prediction, and the layer's share of Tr(I) and Tr(S). */
function layersSummary(list: readonly MeasurementRecord[]): Pick<StepSummary, 'layers'> {
  const withLayers = list.filter((r) => r.layers && r.layers.length > 0);
  if (withLayers.length === 0) return {};
  const count = Math.min(...withLayers.map((r) => r.layers!.length));
  const shares = (A: 'I' | 'S') => withLayers.map((r) => layerShares(r.layers!.slice(0, count).map((b) => orNaN(b.moments[A][0]))));
  const [shareI, shareS] = [shares('I'), shares('S')];
  const share = (all: number[][], l: number) => {
    const m = meanStderr(all.map((s) => s[l]).filter(isFiniteNumber));
    return { mean: m.mean, stderr: m.stderr };
  };
  return {
    layers: Array.from({ length: count }, (_, l) => {
      const blocks = withLayers.map((r) => momentsOrNaN(r.layers![l].moments));
      const stats = overTrials(blocks, withLayers.length === 1 ? momentsOrNaN(withLayers[0].layers![l].stderr) : undefined);
      const theory = withLayers.find((r) => r.layers![l].theory)?.layers![l].theory;
      return {
        layer: withLayers[0].layers![l].layer,
        parameters: withLayers[0].layers![l].parameters,
        mean: pick(stats, (m) => m.mean),
        stderr: pick(stats, (m) => m.stderr),
        ...(theory ? { theory: { I: theory.I.map(orNaN) } } : {}),
        share: { I: share(shareI, l), S: share(shareS, l) },
      };
    }),
  };
}

/** λmax(H) over the trials of one step, Adam's preconditioned λmax, and the limit's λmax(I). */
function sharpnessSummary(list: readonly MeasurementRecord[]): Pick<StepSummary, 'sharpness'> {
  const withIt = list.filter((r) => r.sharpness);
  if (withIt.length === 0) return {};
  const one = (pick: (r: MeasurementRecord) => number | null | undefined): MeanStderr => meanStderr(withIt.map((r) => pick(r)).filter(isFiniteNumber));
  const H = one((r) => r.sharpness!.H);
  const pre = one((r) => r.sharpness!.preconditioned);
  const limit = withIt.map((r) => r.sharpness!.limit_I).find(isFiniteNumber);
  return {
    sharpness: {
      mean: H.mean,
      stderr: H.stderr,
      ...(pre.n > 0 ? { preconditioned: { mean: pre.mean, stderr: pre.stderr } } : {}),
      ...(limit !== undefined ? { limit_I: limit } : {}),
    },
  };
}

/** The mean-field limits at initialization against the trials (records carrying `mean_field`). */
function meanFieldSummary(list: readonly MeasurementRecord[]): Pick<StepSummary, 'mean_field'> {
  const comparison = meanFieldComparison(list);
  return comparison ? { mean_field: comparison } : {};
}

type Deviations = { H: (number | null)[]; I: (number | null)[]; S: (number | null)[] };

/**
 * The deviation of each step's mean from the expectation (deviation.ts): relative to the quantity's
 * scale over the run, and, over several trials, in standard errors; null where the quantity vanishes
 * in the limit (its expectation is 0 at every step) or nothing is expected.
 */
function withDeviations(steps: StepSummary[]): StepSummary[] {
  const withExpected = steps.filter((s) => s.expected);
  if (withExpected.length === 0) return steps;
  const rule = (A: (typeof MATRICES)[number], k: number) => quantityRule(withExpected.map((s) => orNaN(s.expected![A][k])), withExpected.map((s) => orNaN(s.mean[A][k])));
  const rules = Object.fromEntries(MATRICES.map((A) => [A, (withExpected[0].mean[A] ?? []).map((_, k) => rule(A, k))])) as Record<(typeof MATRICES)[number], ReturnType<typeof rule>[]>;
  return steps.map((s) => {
    if (!s.expected) return s;
    const one = (A: (typeof MATRICES)[number], overTrials: boolean): (number | null)[] =>
      s.mean[A].map((m, k) => {
        const r = rules[A][k];
        if (!r) return null;
        const d = deviationOf({ measured: orNaN(m), predicted: orNaN(s.expected![A][k]), stderr: overTrials ? orNaN(s.stderr[A][k]) : undefined, scale: r.scale, vanishes: r.vanishes });
        return d.kind === 'stderr' || d.kind === 'relative' ? d.value : null;
      });
    const relative: Deviations = { H: one('H', false), I: one('I', false), S: one('S', false) };
    return { ...s, deviation: relative, ...(s.trials >= 2 ? { deviation_se: { H: one('H', true), I: one('I', true), S: one('S', true) } } : {}) };
  });
}

const MATRICES = ['H', 'I', 'S'] as const;

/** Each moment's mean ± standard error over the trials (`single`: one trial's own estimator errors). */
function overTrials(list: readonly Written<Moments>[], single?: Written<Moments>): Record<(typeof MATRICES)[number], MeanStderr[]> {
  const over = (A: (typeof MATRICES)[number]) => list[0][A].map((_, k) => meanStderr(list.map((m) => m[A][k]), single?.[A][k]));
  return { H: over('H'), I: over('I'), S: over('S') };
}

/** One figure of every moment's statistics, as Moments. */
function pick(stats: Record<(typeof MATRICES)[number], MeanStderr[]>, f: (m: MeanStderr) => number): Moments {
  return { H: stats.H.map(f), I: stats.I.map(f), S: stats.S.map(f) };
}

function maxAbs(list: readonly { H: (number | null)[]; I: (number | null)[]; S: (number | null)[] }[]): { H: (number | null)[]; I: (number | null)[]; S: (number | null)[] } {
  const out = { H: [] as (number | null)[], I: [] as (number | null)[], S: [] as (number | null)[] };
  for (const A of MATRICES) {
    const K = list.reduce((m, d) => Math.max(m, d[A].length), 0);
    for (let k = 0; k < K; k++) {
      const values = list.map((d) => d[A][k]).filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
      // One value per trial: a loop, not a spread, whatever the number of trials.
      out[A].push(values.length ? values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : null);
    }
  }
  return out;
}

/**
 * A sweep's comparison: per run, the mean over steps of |deviation| of Tr(H^k); when the sweep varies
 * `width`, the least-squares slope of log(deviation) against log(width) within each group of the other
 * varied settings (the theory suggests about −1/2).
 */
export function summarizeSweep(sweepId: string, runs: readonly { id: string; varied: Record<string, unknown>; summary: RunSummary }[]): SweepSummary {
  const rows = runs.map((r) => {
    const K = Math.max(0, ...r.summary.steps.map((s) => s.mean.H.length));
    const deviationH: (number | null)[] = [];
    for (let k = 0; k < K; k++) {
      const values = r.summary.steps.map((s) => s.deviation?.H[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      deviationH.push(values.length ? values.reduce((a, b) => a + Math.abs(b), 0) / values.length : null);
    }
    return { id: r.id, varied: r.varied, deviationH, status: r.summary.status };
  });
  let widthSlopes: SweepSummary['widthSlopes'];
  if (rows.some((r) => widthValue(r.varied.width) !== undefined)) {
    widthSlopes = widthGroups(rows, (r) => r.varied).map(({ group, members }) => {
      const widths = members.map((r) => widthValue(r.varied.width) ?? NaN);
      const K = Math.max(0, ...members.map((r) => r.deviationH.length));
      const slope = Array.from({ length: K }, (_, k) => widthSlope(members.map((r, i) => ({ width: widths[i], y: r.deviationH[k] })))?.slope ?? null);
      return { group, slope, widths };
    });
  }
  const limits = sweepLimits(runs);
  return { format: 'ntkexp-sweep-summary/1', sweep: sweepId, runs: rows, ...(widthSlopes ? { widthSlopes } : {}), ...(limits.length ? { limits } : {}) };
}

type SweepLimits = NonNullable<SweepSummary['limits']>[number];
type LimitEntry = SweepLimits['H'][number][number];

/**
 * Per group of runs that differ only in width (at least two widths): at each step every run of the
 * group measured, each moment's trial mean ± standard error against width, fitted by
 * analysis/widthLimit.ts, with the theory's expected value beside it.
 */
function sweepLimits(runs: readonly { varied: Record<string, unknown>; summary: RunSummary }[]): SweepLimits[] {
  const withWidth = runs.filter((r) => widthValue(r.varied.width) !== undefined);
  const out: SweepLimits[] = [];
  for (const { group, members } of widthGroups(withWidth, (r) => r.varied)) {
    const widths = members.map((r) => widthValue(r.varied.width)!);
    if (new Set(widths).size < 2) continue;
    const bySteps = members.map((r) => new Map(r.summary.steps.map((s) => [s.step, s])));
    const steps = [...bySteps[0].keys()].filter((step) => bySteps.every((m) => m.has(step))).sort((a, b) => a - b);
    if (steps.length === 0) continue;
    const at = (i: number, step: number): StepSummary => bySteps[i].get(step)!;
    const K = Math.min(...members.flatMap((r) => r.summary.steps.map((s) => s.mean.H.length)));
    const perMatrix = (A: (typeof MATRICES)[number]): LimitEntry[][] =>
      Array.from({ length: K }, (_, k) =>
        steps.map((step) => {
          const points = members.map((_, i) => ({ width: widths[i], mean: orNaN(at(i, step).mean[A][k]), stderr: orNaN(at(i, step).stderr[A][k]) }));
          const fit = widthLimit(points);
          const expected = members.map((_, i) => at(i, step).expected?.[A][k]).find((e) => typeof e === 'number' && Number.isFinite(e));
          return {
            fits: (fit?.fits ?? []).map((f) => ({ exponent: f.exponent, limit: f.limit, stderr: f.stderr, slope: f.slope, chi2: f.chi2, dof: f.dof, weighted: f.weighted })),
            better: fit?.better ?? null,
            expected: expected ?? null,
          };
        }),
      );
    out.push({ group, widths, steps, t: steps.map((step) => at(0, step).t), H: perMatrix('H'), I: perMatrix('I'), S: perMatrix('S') });
  }
  return out;
}
