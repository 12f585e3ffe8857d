/**
 * The data of one run, as the charts want it. `ingest(message)` takes the engine's messages one at a
 * time (live, or replayed from series.jsonl) and keeps them by measurement step and trial; the
 * per-step aggregates over trials (mean ± standard error) are recomputed only for the steps that
 * received a record since the last read, and the shaped series are cached until the next ingest.
 * Ingesting the same records in any order, one by one or all at once, gives the same series.
 */
import { edgeOfStability, type EdgeOfStability } from '../../src/analysis/edgeOfStability';
import { isFiniteNumber, type TheoryLinesRecord as TheoryLines } from '../../src/contracts/engineMessages';
import { deviationOf, quantityRule } from '../../src/analysis/deviation';
import { meanFieldComparison } from '../../src/analysis/meanField';
import type { MeanFieldComparison } from '../../src/contracts/runStore';
import { aggregate, type StepAggregate, type StepEntry } from './aggregate';
import type { MeanStderr } from '../../src/analysis/overTrials';
import { decimateLog } from './decimate';
import { plotTime, timeAxis, type TimeAxis } from './time';
import {
  MATRICES,
  type BandPoint,
  type EngineMessage,
  type LogMessage,
  type Matrix,
  type MeasurementRecord,
  type Point,
  type RunInfo,
  type RunSummary,
  type SurfaceRecord,
  type TheoryKind,
  type TheorySeries,
  type TimeSeries,
  type TrialPoint,
  type TrialSeries,
} from './types';

export type TrialStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface TrialState {
  status: TrialStatus;
  /** Last step reported, of `steps`. */
  step: number;
  steps?: number;
  loss?: number;
  /** Why it failed or was cancelled. */
  message?: string;
}

/** Progress losses kept per trial for the loss curve before thinning. */
const MAX_PROGRESS = 20_000;
const MAX_LOGS = 1_000;


export type { StepAggregate };

function band(m: MeanStderr, x: number): BandPoint {
  return { x, y: m.mean, lo: m.mean - m.stderr, hi: m.mean + m.stderr, n: m.n };
}

/** Mean ± the standard deviation over n ≥ 2 trials (analysis/overTrials.ts: the standard error is it over √n). */
function spreadBand(m: MeanStderr, x: number): BandPoint {
  const sd = m.stderr * Math.sqrt(m.n);
  return { x, y: m.mean, lo: m.mean - sd, hi: m.mean + sd, n: m.n };
}

/** What the sharpness chart draws (RunModel.sharpness). */
export interface SharpnessSeries {
  H: BandPoint[];
  preconditioned: BandPoint[];
  /** The infinite-width λmax(I) (MSE under gradient descent). */
  limit: Point[];
  edge?: EdgeOfStability;
}

export class RunModel {
  info?: RunInfo;
  summary?: RunSummary;
  private readonly entries = new Map<number, StepEntry>();
  /** Measurement steps, ascending. */
  private order: number[] = [];
  private readonly surfacesByTrial = new Map<number, SurfaceRecord>();
  private readonly theoryByTrial = new Map<number, TheoryLines>();
  private readonly progressByTrial = new Map<number, { step: number; loss: number }[]>();
  private readonly states = new Map<number, TrialState>();
  private readonly logList: LogMessage[] = [];
  private readonly trialSet = new Set<number>();
  private changes = 0;
  /** Per kind of message, the version at its last change (see `versionOf`). */
  private readonly partVersions = new Map<string, number>();
  private readonly cache = new Map<string, { version: number; value: unknown }>();

  constructor(readonly id: string) {}

  /** Increases with every message that changed the data. */
  get version(): number {
    return this.changes;
  }

  /** Take one (already validated) message. Returns whether anything changed. */
  ingest(m: EngineMessage): boolean {
    switch (m.type) {
      case 'measurement':
        this.addMeasurement(m);
        break;
      case 'surface': {
        const old = this.surfacesByTrial.get(m.trial);
        if (old && old.step > m.step) return false;
        this.surfacesByTrial.set(m.trial, m);
        break;
      }
      case 'theory':
        this.theoryByTrial.set(m.trial, m.lines);
        break;
      case 'progress': {
        const trace = this.progressByTrial.get(m.trial) ?? [];
        if (isFiniteNumber(m.loss) && (trace.length === 0 || trace[trace.length - 1].step < m.step)) {
          trace.push({ step: m.step, loss: m.loss });
          if (trace.length > MAX_PROGRESS) trace.splice(0, trace.length - MAX_PROGRESS);
        }
        this.progressByTrial.set(m.trial, trace);
        this.setState(m.trial, { status: 'running', step: m.step, steps: m.steps, ...(isFiniteNumber(m.loss) ? { loss: m.loss } : {}) });
        break;
      }
      case 'started':
        this.setState(m.trial, { status: 'running', step: 0 });
        break;
      case 'finished':
        this.setState(m.trial, { status: 'finished', step: m.steps, steps: m.steps, ...(isFiniteNumber(m.loss) ? { loss: m.loss } : {}) });
        break;
      case 'failed':
        this.setState(m.trial, { status: 'failed', step: m.step ?? this.states.get(m.trial)?.step ?? 0, message: m.message });
        break;
      case 'cancelled':
        // No step: the engine was stopped from outside; the last step its progress showed stands.
        this.setState(m.trial, { status: 'cancelled', step: m.step ?? this.states.get(m.trial)?.step ?? 0, message: 'cancelled' });
        break;
      case 'log':
        if (this.logList.length >= MAX_LOGS) return false;
        this.logList.push(m);
        break;
      case 'params':
        return false;
    }
    this.trialSet.add(m.trial);
    this.changes++;
    this.partVersions.set(m.type, this.changes);
    return true;
  }

  /**
   * The version at which messages of these types last changed the data (0: never). A chart that draws
   * only measurements need not redraw for a progress message.
   */
  versionOf(...types: EngineMessage['type'][]): number {
    return Math.max(0, ...types.map((t) => this.partVersions.get(t) ?? 0));
  }

  private setState(trial: number, s: TrialState): void {
    this.states.set(trial, { ...this.states.get(trial), ...s });
  }

  private addMeasurement(r: MeasurementRecord): void {
    let e = this.entries.get(r.step);
    if (!e) {
      e = { step: r.step, t: r.t, byTrial: new Map() };
      this.entries.set(r.step, e);
      // Insert keeping the order (records mostly arrive in step order: search from the end).
      let i = this.order.length;
      while (i > 0 && this.order[i - 1] > r.step) i--;
      this.order.splice(i, 0, r.step);
    }
    e.byTrial.set(r.trial, r);
    e.aggregate = undefined;
  }

  private cached<T>(key: string, make: () => T): T {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.changes) return hit.value as T;
    const value = make();
    this.cache.set(key, { version: this.changes, value });
    return value;
  }

  // ——— what the run holds ———

  /** Trial indices seen, ascending. */
  trials(): number[] {
    return [...this.trialSet].sort((a, b) => a - b);
  }

  /** Measurement steps, ascending. */
  steps(): readonly number[] {
    return this.order;
  }

  timeAt(index: number): { step: number; t: number } | undefined {
    const e = this.entries.get(this.order[index]);
    return e ? { step: e.step, t: e.t } : undefined;
  }

  measurementCount(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.byTrial.size;
    return n;
  }

  /** Highest moment k present. */
  kmax(): number {
    let k = this.info?.kmax ?? 0;
    for (const e of this.entries.values()) for (const r of e.byTrial.values()) k = Math.max(k, r.moments.H.length);
    return k;
  }

  axis(): TimeAxis {
    return this.cached('axis', () => timeAxis(this.order.map((s) => this.entries.get(s)!)));
  }

  trialStates(): ReadonlyMap<number, TrialState> {
    return this.states;
  }

  logs(): readonly LogMessage[] {
    return this.logList;
  }

  theoryLines(): ReadonlyMap<number, TheoryLines> {
    return this.theoryByTrial;
  }

  surfaces(): SurfaceRecord[] {
    return [...this.surfacesByTrial.values()].sort((a, b) => a.trial - b.trial);
  }

  has(part: 'density' | 'orthogonality' | 'ntk' | 'top' | 'layers'): boolean {
    for (const e of this.entries.values()) for (const r of e.byTrial.values()) if (r[part]) return true;
    return false;
  }

  // ——— per-step aggregates over trials ———

  /** The aggregates of every step (recomputing only steps that changed). */
  aggregates(): StepAggregate[] {
    return this.order.map((s) => {
      const e = this.entries.get(s)!;
      return (e.aggregate ??= aggregate(e));
    });
  }

  // ——— shaped series (x = the plotted time, see time.ts) ———

  /** Tr(A^k) through training: trial mean ± standard error, each trial, and the theory. */
  moments(A: Matrix, k: number): TimeSeries {
    return this.cached(`moments:${A}:${k}`, () => {
      const axis = this.axis();
      const aggs = this.aggregates();
      const mean: BandPoint[] = [];
      const spread: BandPoint[] = [];
      for (const a of aggs) {
        const m = a.moments[A][k - 1];
        if (!m || m.n === 0) continue;
        mean.push(band(m, plotTime(a.t, axis)));
        if (m.n >= 2) spread.push(spreadBand(m, plotTime(a.t, axis)));
      }
      const trials = this.perTrial((r) => r.moments[A][k - 1]);
      return { mean, spread, trials, theory: this.theoryLine(aggs, A, k) };
    });
  }

  /** Which theory line a chart draws: the expectation over several trials, else the path-wise one. */
  /** A mean-field run's limits at initialization against its trials (as summary.json), or undefined. */
  meanField(): MeanFieldComparison | undefined {
    return this.cached('meanField', () => {
      const start = this.entries.get(0);
      return start ? meanFieldComparison([...start.byTrial.values()]) : undefined;
    });
  }

  theoryKind(): TheoryKind {
    const aggs = this.aggregates();
    const several = this.trialsMeasured() > 1;
    if (several && aggs.some((a) => a.expected)) return 'expected';
    if (aggs.some((a) => MATRICES.some((A) => a.theory[A].some(Number.isFinite)))) return several ? 'path-wise mean' : 'path-wise';
    if (aggs.some((a) => a.expected)) return 'expected';
    return 'none';
  }

  private theoryLine(aggs: StepAggregate[], A: Matrix, k: number): TheorySeries {
    const kind = this.theoryKind();
    const axis = this.axis();
    const points: Point[] = [];
    if (kind !== 'none') {
      for (const a of aggs) {
        const y = kind === 'expected' ? a.expected?.[A][k - 1] : a.theory[A][k - 1];
        if (isFiniteNumber(y)) points.push({ x: plotTime(a.t, axis), y });
      }
    }
    return { kind, points };
  }

  private trialsMeasured(): number {
    const s = new Set<number>();
    for (const e of this.entries.values()) for (const t of e.byTrial.keys()) s.add(t);
    return s.size;
  }

  private perTrial(pick: (r: MeasurementRecord) => number | null | undefined): TrialSeries[] {
    const axis = this.axis();
    const out = new Map<number, Point[]>();
    for (const s of this.order) {
      for (const [trial, r] of this.entries.get(s)!.byTrial) {
        const y = pick(r);
        if (!isFiniteNumber(y)) continue;
        let pts = out.get(trial);
        if (!pts) out.set(trial, (pts = []));
        pts.push({ x: plotTime(r.t, axis), y });
      }
    }
    return [...out].sort((a, b) => a[0] - b[0]).map(([trial, points]) => ({ trial, points }));
  }

  /** The top eigenvalues of A through training: one mean ± stderr series per rank (rank 1 first). */
  top(A: Matrix): BandPoint[][] {
    return this.cached(`top:${A}`, () => {
      const axis = this.axis();
      const ranks: BandPoint[][] = [];
      for (const a of this.aggregates()) {
        a.top[A].forEach((m, i) => {
          if (m.n > 0) (ranks[i] ??= []).push(band(m, plotTime(a.t, axis)));
        });
      }
      return ranks;
    });
  }

  /**
   * The sharpness through training: λmax(H) (and Adam's preconditioned λmax) mean ± standard error, the
   * infinite-width λmax(I) where the theory gives it, and the edge of stability of the run's records
   * (analysis/edgeOfStability.ts: the threshold, which trials reached it, the catapult check).
   */
  sharpness(): SharpnessSeries {
    return this.cached('sharpness', () => {
      const axis = this.axis();
      const H: BandPoint[] = [];
      const preconditioned: BandPoint[] = [];
      const limit: Point[] = [];
      for (const a of this.aggregates()) {
        const x = plotTime(a.t, axis);
        if (!a.sharpness) continue;
        if (a.sharpness.H.n > 0) H.push(band(a.sharpness.H, x));
        if (a.sharpness.preconditioned) preconditioned.push(band(a.sharpness.preconditioned, x));
        if (a.sharpness.limitI !== undefined) limit.push({ x, y: a.sharpness.limitI });
      }
      const records = [...this.entries.values()].flatMap((e) => [...e.byTrial.values()]);
      return { H, preconditioned, limit, edge: edgeOfStability(records) };
    });
  }

  /**
   * Per weight layer, Tr(A_ℓℓ^k) through training (mean ± standard error over trials) and, for I, the
   * infinite-width prediction from Θ_ℓ; `share` instead gives each layer's share of Tr(A), A = I or S.
   */
  layerSeries(A: Matrix, k: number): { layer: number; parameters: number; mean: BandPoint[]; theory: Point[]; share: BandPoint[] }[] {
    return this.cached(`layers:${A}:${k}`, () => {
      const axis = this.axis();
      const out: { layer: number; parameters: number; mean: BandPoint[]; theory: Point[]; share: BandPoint[] }[] = [];
      for (const a of this.aggregates()) {
        const x = plotTime(a.t, axis);
        (a.layers ?? []).forEach((b, l) => {
          const s = (out[l] ??= { layer: b.layer, parameters: b.parameters, mean: [], theory: [], share: [] });
          const m = b.moments[A][k - 1];
          if (m && m.n > 0) s.mean.push(band(m, x));
          const th = A === 'I' ? b.theoryI?.[k - 1] : undefined;
          if (th !== undefined && Number.isFinite(th)) s.theory.push({ x, y: th });
          if (A === 'I' || A === 'S') {
            const sh = b.share[A];
            if (sh.n > 0) s.share.push(band(sh, x));
          }
        });
      }
      return out;
    });
  }

  /** ‖IS‖_F/(‖I‖_F‖S‖_F) through training, mean ± standard error. */
  orthogonality(): BandPoint[] {
    return this.cached('orthogonality', () => {
      const axis = this.axis();
      return this.aggregates().flatMap((a) => (a.orthogonality && a.orthogonality.n > 0 ? [band(a.orthogonality, plotTime(a.t, axis))] : []));
    });
  }

  /** The loss through training: measurements (mean ± stderr), each trial (denser from progress messages), theory. */
  loss(): TimeSeries {
    return this.cached('loss', () => {
      const axis = this.axis();
      const aggs = this.aggregates();
      const mean = aggs.filter((a) => a.loss.n > 0).map((a) => band(a.loss, plotTime(a.t, axis)));
      const spread = aggs.filter((a) => a.loss.n >= 2).map((a) => spreadBand(a.loss, plotTime(a.t, axis)));
      const measured = new Map(this.perTrial((r) => r.loss).map((s) => [s.trial, s.points]));
      const eta = axis.eta;
      for (const [trial, trace] of this.progressByTrial) {
        const merged = new Map<number, number>();
        for (const p of measured.get(trial) ?? []) merged.set(p.x, p.y);
        for (const p of trace) merged.set(plotTime(p.step * eta, axis), p.loss);
        measured.set(trial, decimateLog([...merged].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y })), 250));
      }
      const trials = [...measured].sort((a, b) => a[0] - b[0]).map(([trial, points]) => ({ trial, points }));
      return { mean, spread, trials, theory: this.lossTheory(axis) };
    });
  }

  private lossTheory(axis: TimeAxis): TheorySeries {
    const lines = [...this.theoryByTrial.values()];
    if (lines.length === 0) return { kind: 'none', points: [] };
    const several = this.trialsMeasured() > 1;
    const expected = lines.find((l) => l.expected)?.expected;
    if (several && expected) return { kind: 'expected', points: linePoints(lines[0].times, expected.loss, axis) };
    const withPath = lines.filter((l) => l.pathwise);
    if (withPath.length === 0) return expected ? { kind: 'expected', points: linePoints(lines[0].times, expected.loss, axis) } : { kind: 'none', points: [] };
    const times = withPath[0].times;
    const mean = times.map((_, s) => {
      const v = withPath.map((l) => l.pathwise!.loss[s]).filter(isFiniteNumber);
      return v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN;
    });
    return { kind: several ? 'path-wise mean' : 'path-wise', points: linePoints(times, mean, axis) };
  }

  /** The step index nearest to `index`, clamped to the measurements (for sliders). */
  clampIndex(index: number): number {
    return Math.max(0, Math.min(this.order.length - 1, Math.round(index)));
  }

  private recordsAt(index: number): MeasurementRecord[] {
    const e = this.entries.get(this.order[this.clampIndex(index)]);
    return e ? [...e.byTrial.values()].sort((a, b) => a.trial - b.trial) : [];
  }

  /** The last measurement index at which some record has this part (density, …), or -1. */
  lastIndexWith(part: 'density' | 'orthogonality' | 'ntk'): number {
    for (let i = this.order.length - 1; i >= 0; i--) {
      for (const r of this.entries.get(this.order[i])!.byTrial.values()) if (r[part]) return i;
    }
    return -1;
  }

  /** Spectral density of H at one measurement, per trial (λ, density). */
  density(index: number): TrialSeries[] {
    return this.cached(`density:${this.clampIndex(index)}`, () =>
      this.recordsAt(index).flatMap((r) => {
        if (!r.density) return [];
        const { x, y } = r.density.H;
        const points: Point[] = [];
        for (let i = 0; i < x.length; i++) {
          const yi = y[i];
          if (isFiniteNumber(yi)) points.push({ x: x[i], y: yi });
        }
        return [{ trial: r.trial, points }];
      }),
    );
  }

  /** Rayleigh quotients (vᵀIv, vᵀSv) of the top eigenvectors of I and of S at one measurement, all trials. */
  rayleigh(index: number): { I: TrialPoint[]; S: TrialPoint[] } {
    return this.cached(`rayleigh:${this.clampIndex(index)}`, () => {
      const out = { I: [] as TrialPoint[], S: [] as TrialPoint[] };
      for (const r of this.recordsAt(index)) {
        for (const which of ['I', 'S'] as const) {
          for (const [x, y] of r.orthogonality?.rayleigh[which] ?? []) if (isFiniteNumber(x) && isFiniteNumber(y)) out[which].push({ x, y, trial: r.trial });
        }
      }
      return out;
    });
  }

  /** Eigenvalues of the empirical NTK Gram at one measurement against rank (mean ± stderr over trials), and the limit's. */
  ntk(index: number): { empirical: BandPoint[]; limit: Point[] } {
    return this.cached(`ntk:${this.clampIndex(index)}`, () => {
      const e = this.entries.get(this.order[this.clampIndex(index)]);
      const a = e ? (e.aggregate ??= aggregate(e)) : undefined;
      return {
        empirical: (a?.ntk ?? []).flatMap((m, i) => (m.n > 0 ? [band(m, i + 1)] : [])),
        limit: (a?.limit ?? []).flatMap((y, i) => (isFiniteNumber(y) ? [{ x: i + 1, y }] : [])),
      };
    });
  }

  /**
   * Mean over the measurement steps of |deviation| of Tr(A^k) from the expectation over
   * initializations, on the rule summary.json uses (src/analysis/deviation.ts): relative to the quantity's
   * scale over the run, so a prediction that crosses zero does not blow up a ratio; undefined where the
   * quantity vanishes in the limit (its expectation is 0 throughout) or nothing is expected. Without an
   * expectation (older runs) the path-wise mean is the reference. The quantity of a width sweep's
   * deviation plot, the same figure as runFiles.ts SweepSummary.deviationH.
   */
  deviation(A: Matrix, k: number): number | undefined {
    return this.cached(`deviation:${A}:${k}`, () => {
      const compared = this.aggregates().flatMap((a) => {
        const m = a.moments[A][k - 1];
        const ref = a.expected?.[A][k - 1] ?? a.theory[A][k - 1];
        return m && m.n > 0 && isFiniteNumber(ref) ? [{ measured: m.mean, predicted: ref }] : [];
      });
      const rule = quantityRule(
        compared.map((c) => c.predicted),
        compared.map((c) => c.measured),
      );
      const gaps = compared.flatMap((c) => {
        const d = deviationOf({ ...c, ...rule });
        return d.kind === 'relative' ? [Math.abs(d.value)] : [];
      });
      return gaps.length > 0 ? gaps.reduce((a, b) => a + b, 0) / gaps.length : undefined;
    });
  }
}

function linePoints(times: readonly number[], values: readonly (number | null)[], axis: TimeAxis): Point[] {
  const out: Point[] = [];
  times.forEach((t, i) => {
    const y = values[i];
    if (isFiniteNumber(y)) out.push({ x: plotTime(t, axis), y });
  });
  return out;
}
