import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exactPathProblem } from '../engine/measure/exact';
import { MAX_SWEEP_POINTS, type ResolvedExperiment } from '../format/index';
import { DIRECTION_PATTERN } from '../format/schema';
import { MAX_MOMENTS } from '../contracts/engineMessages';
import { MAX_RECORD_BYTES } from '../contracts/runStore';
import { bytesText } from './units';
import { duration, settingNames, settingRef, type Phase, type RunEstimate, type SettingRef } from './estimate';
import type { RunSize } from './runSize';
import { runSeconds } from './wallTime';

/**
 * What a run may not exceed, and the problems a run has against those limits: sizes the process cannot
 * hold (checked from the settings alone), then the machine (memory, the disk that receives the
 * records, a ceiling on the time). `planRun` refuses a run with any of them before a folder or a
 * process exists; `ntkexp check` and the editor show the same problems as warnings (diagnose.ts).
 * Each problem names its phase, the figure, the limit and what to lower.
 */
export const LIMITS = {
  /** Trials one run executes: each is an engine task, a line of every table and a series in every chart. */
  trials: 10_000,
  /** Trials over every sweep point of one run. */
  tasks: 100_000,
  /** Measurements of one trial: each is a record of series.jsonl and a point of every chart. */
  measurements: 100_000,
  /** Points per side of the loss surface: 1001² ≈ 10⁶ losses make one record of about 22 MB. */
  surfaceGrid: 1001,
  /** Weight layers: each keeps its own tensors in every pass. */
  depth: 10_000,
  /** Tr(A^k) for k ≤ 64: the run store's records hold no more, and higher powers overflow double precision. */
  moments: MAX_MOMENTS,
  /** One line of series.jsonl (one record), bytes: readers and the panel take it whole. */
  recordBytes: MAX_RECORD_BYTES,
  /** The wasm backend keeps every tensor in one WebAssembly heap of at most 4 GB. */
  wasmHeapMb: 4096,
} as const;

/** The default ceiling on a run's estimated time: a week. `ntkexp run --max-hours` raises it. */
export const DEFAULT_MAX_HOURS = 168;

export interface LimitProblem {
  readonly phase: Phase | 'size';
  /** The settings to lower, best first. */
  readonly settings: readonly SettingRef[];
  readonly message: string;
}

/** What the machine offers a run. */
export interface Machine {
  /** MB the engines and the parent may use. */
  readonly availableMemoryMb: number;
  /** Free bytes on the disk that receives the run folder; undefined: unknown, not checked. */
  readonly freeDiskBytes?: number;
  /** The folder the free space was measured for, for the message. */
  readonly outputDir?: string;
  readonly workers: number;
  /** Ceiling on the run's estimated wall time, seconds. */
  readonly maxSeconds: number;
  /** The backend the engines use (`auto` is costed and checked as wasm). */
  readonly backend?: string;
}

/** One experiment (sweep point) of a run as the limits see it. */
export interface PlannedCost {
  readonly size: RunSize;
  readonly estimate: RunEstimate;
  /** Trials this run executes (a shard runs some of them). */
  readonly trialsRun: number;
}

const ref = settingRef;

/** A sweep with more combinations than a run takes: known before expanding it. */
export function sweepProblem(exp: ResolvedExperiment): LimitProblem | undefined {
  if (exp.sweep.length === 0) return undefined;
  const points = exp.sweep.reduce((n, s) => n * s.values.length, 1);
  if (points <= MAX_SWEEP_POINTS) return undefined;
  const lists = exp.sweep.map((s) => `${s.key}: ${s.values.length}`).join(' × ');
  return {
    phase: 'size',
    settings: exp.sweep.map((s) => ref('sweep', s.key)),
    message: `sweep: ${points} combinations (${lists}), more than ${MAX_SWEEP_POINTS} in one run: sweep fewer values, or split the sweep into several experiments`,
  };
}

/** Sizes of one experiment the process cannot hold, from its settings (no machine involved). */
export function sizeProblems(size: RunSize, estimate: RunEstimate, trialsRun = size.trials): LimitProblem[] {
  const out: LimitProblem[] = [];
  if (trialsRun > LIMITS.trials) {
    out.push({ phase: 'size', settings: [ref('experiment', 'trials')], message: `trials: ${trialsRun} trials in one run, more than ${LIMITS.trials}: lower trials, or split them over runs with --shard I/N` });
  }
  if (size.measurements > LIMITS.measurements) {
    const how = size.measurements === size.steps + 1 ? `every step of ${size.steps}` : `${size.steps} steps`;
    out.push({
      phase: 'measurements',
      settings: [ref('measure', 'every'), ref('measure', 'points'), ref('train', 'steps')],
      message: `measurements: ${size.measurements} per trial (${how}), more than ${LIMITS.measurements}: measure less often (raise every, or lower points) or lower steps`,
    });
  }
  if (size.surface && size.surface.grid > LIMITS.surfaceGrid) {
    out.push({
      phase: 'surface',
      settings: [ref('surface', 'grid')],
      message: `surface: grid = ${size.surface.grid} is ${size.surface.grid ** 2} loss evaluations, more than ${LIMITS.surfaceGrid ** 2} (grid ${LIMITS.surfaceGrid}): lower grid`,
    });
  }
  // A surface direction needs that many eigenvectors: H and S have P, I at most N·nL (the rank of Θ̂).
  // Only with the data's true shape: a lower bound (a csv file not read yet) would refuse wrongly.
  for (const d of size.known ? (size.surface?.directions ?? []) : []) {
    const m = DIRECTION_PATTERN.exec(d);
    const most = m ? (m[1] === 'I' ? size.N * size.outputDim : estimate.parameters) : Infinity;
    if (m && Number(m[2]) > most) {
      const why = m[1] === 'I' ? `I has at most N·nL = ${most} nonzero eigenvalues` : `${m[1]} has P = ${most} eigenvalues`;
      out.push({ phase: 'surface', settings: [ref('surface', 'directions')], message: `surface: direction ${d} is eigenvector ${m[2]} of ${m[1]}, but ${why}: choose ${m[1]}1…${m[1]}${most}, or random` });
    }
  }
  if (size.depth > LIMITS.depth) {
    out.push({ phase: 'size', settings: [ref('network', 'depth')], message: `network: depth = ${size.depth} layers, more than ${LIMITS.depth}: lower depth` });
  }
  if (size.moments > LIMITS.moments) {
    out.push({
      phase: 'measurements',
      settings: [ref('measure', 'moments')],
      message: `measurements: moments = ${size.moments}, more than ${LIMITS.moments} (the run store keeps Tr(A^k) for k ≤ ${LIMITS.moments}, and higher powers overflow double precision): lower moments`,
    });
  }
  const exact = exactPathProblem(estimate.parameters, size.exact);
  if (exact) out.push({ phase: 'measurements', settings: [ref('measure', 'exact'), ref('network', 'width')], message: `measurements: ${exact}` });
  const record = estimate.largestRecord;
  // A record too large because of a size already refused above (the grid, the schedule) is not said twice.
  const said = (r: SettingRef): boolean => out.some((p) => p.settings.some((s) => s.key === r.key));
  if (record.bytes > LIMITS.recordBytes && !record.lower.some(said)) {
    out.push({
      phase: 'records',
      settings: record.lower,
      message: `records: ${record.what} would be one line of ${bytesText(record.bytes)} in series.jsonl, more than ${bytesText(LIMITS.recordBytes)}: lower ${settingNames(record.lower)}`,
    });
  }
  return out;
}

/** The whole run against the machine: trials in all, memory, the wasm heap, the disk and the time. */
export function machineProblems(points: readonly PlannedCost[], machine: Machine): LimitProblem[] {
  if (points.length === 0) return [];
  const out: LimitProblem[] = [];
  const tasks = points.reduce((s, p) => s + p.trialsRun, 0);
  if (points.length > 1 && tasks > LIMITS.tasks) {
    out.push({ phase: 'size', settings: [ref('experiment', 'trials')], message: `trials: ${tasks} trials over ${points.length} sweep points, more than ${LIMITS.tasks} in one run: lower trials or sweep fewer values` });
  }
  const workers = Math.max(1, machine.workers);
  const costliest = points.reduce((a, b) => (b.estimate.memoryMb > a.estimate.memoryMb ? b : a));
  const memory = memoryProblem(costliest.estimate, points, workers, machine.availableMemoryMb);
  if (memory) out.push(memory);
  const heavy = points.reduce((a, b) => (b.estimate.tensorMb > a.estimate.tensorMb ? b : a));
  if ((machine.backend ?? 'auto') !== 'tensorflow' && machine.backend !== 'cpu' && heavy.estimate.tensorMb > LIMITS.wasmHeapMb) {
    out.push({
      phase: 'memory',
      settings: [ref('network', 'width'), ref('data', 'samples')],
      message: `memory: the tensors of one engine need about ${Math.round(heavy.estimate.tensorMb)} MB (P = ${heavy.estimate.parameters}, N = ${heavy.size.N}), but the wasm backend holds at most ${LIMITS.wasmHeapMb} MB: lower width or samples, or use --backend tensorflow`,
    });
  }
  const bytes = recordsBytes(points);
  if (machine.freeDiskBytes !== undefined && bytes > machine.freeDiskBytes) {
    const where = machine.outputDir ? ` holding ${machine.outputDir}` : '';
    out.push({
      phase: 'records',
      settings: [ref('measure', 'every'), ref('measure', 'points'), ref('surface', 'grid'), ref('experiment', 'trials')],
      message: `records: the run would write about ${bytesText(bytes)} (${recordsFigure(points)}), but the disk${where} has ${bytesText(machine.freeDiskBytes)} free: measure less often (every, points), lower grid or trials, or write elsewhere with --out`,
    });
  }
  const time = timeProblem(points, workers, machine.maxSeconds);
  if (time) out.push(time);
  return out;
}

/**
 * `ntkexp theory` computes the kernels and predictions in its own process and prints the N × N
 * kernels: its limits are the theory phase's time, the kernels' memory and the depth and schedule
 * sizes of sizeProblems.
 */
export function theoryProblems(size: RunSize, estimate: RunEstimate, machine: Pick<Machine, 'availableMemoryMb' | 'maxSeconds'>): LimitProblem[] {
  const out = sizeProblems(size, estimate).filter((p) => p.settings.some((s) => s.key === 'depth' || s.key === 'every' || s.key === 'moments'));
  const theory = estimate.phases.find((p) => p.phase === 'theory');
  const seconds = (theory?.onceSeconds ?? 0) + (theory?.seconds ?? 0);
  // The kernels (about 20 N × N in float64) and six of them printed, about 22 bytes a number, held as text.
  const mb = (20 * 8 * size.N ** 2 + 6 * 22 * 2 * size.N ** 2) / 1e6 + 250;
  const samples = [ref('data', 'samples')];
  if (mb > machine.availableMemoryMb) {
    out.push({ phase: 'memory', settings: samples, message: `memory: the theory of N = ${size.N} points needs about ${Math.round(mb)} MB (the kernels and their N × N tables) but about ${Math.round(machine.availableMemoryMb)} MB are free: lower samples` });
  }
  if (seconds > machine.maxSeconds) {
    out.push({ phase: 'theory', settings: samples, message: `time: the theory would take about ${duration(seconds)} (${theory?.figure}), more than the limit of ${duration(machine.maxSeconds)}: lower samples` });
  }
  return out;
}

/** Engine processes a run starts: the workers asked for (default one per core), never more than its trials. */
export function engineCount(requested: number | undefined, tasks: number): number {
  return Math.max(1, Math.min(requested ?? os.availableParallelism(), tasks));
}

/**
 * Threads each engine's products may use (the threaded wasm build, or the native BLAS), so that engines ×
 * threads stay within the cores: the cores left to each engine by default (trials in separate processes
 * scale better than threads, whose element-wise work stays on one thread, so processes come first), or
 * the number asked for, refused when it would oversubscribe the cores.
 */
export function threadsPerEngine(requested: number | undefined, workers: number, cores = os.availableParallelism()): number | LimitProblem {
  if (requested === undefined) return Math.max(1, Math.floor(cores / workers));
  if (requested * workers <= cores) return requested;
  return {
    phase: 'size',
    settings: [],
    message: `threads: ${workers} engine${workers === 1 ? '' : 's'} × ${requested} threads would need ${requested * workers} cores, but this machine has ${cores}: lower --threads (at most ${Math.max(1, Math.floor(cores / workers))} with ${workers} engine${workers === 1 ? '' : 's'}) or --workers`,
  };
}

/**
 * Bytes the run folder(s) will hold: every trial's records, twice (report.html inlines them beside its
 * chart bundle of about 350 KB), and each run.json with its schedule and summary.json.
 */
export function recordsBytes(points: readonly PlannedCost[]): number {
  return points.reduce((s, p) => s + 2 * p.trialsRun * p.estimate.recordBytes + 400e3 + 16 * p.estimate.measurements, 0);
}

function memoryProblem(estimate: RunEstimate, points: readonly PlannedCost[], workers: number, availableMb: number): LimitProblem | undefined {
  // The parent keeps every record of the run for the summaries: about three times their JSON size.
  const parentMb = (3 * points.reduce((s, p) => s + p.trialsRun * p.estimate.recordBytes, 0)) / 1e6;
  const needed = estimate.memoryMb * workers + parentMb;
  if (needed <= availableMb) return undefined;
  const parts = [...estimate.breakdown, { what: 'records kept by the parent for the summaries', mb: parentMb, lower: [ref('measure', 'every'), ref('measure', 'points'), ref('experiment', 'trials')] }]
    .filter((b) => b.mb >= 1)
    .sort((a, b) => b.mb - a.mb);
  const largest = parts
    .slice(0, 3)
    .map((b) => `${b.what}: ${Math.round(b.mb)} MB (${b.lower.length ? `lower ${settingNames(b.lower)}` : 'per engine: fewer workers'})`)
    .join('; ');
  const fewer = workers > 1 ? ` Fewer workers (--workers 1) need ${Math.round(estimate.memoryMb + parentMb)} MB.` : '';
  return {
    phase: 'memory',
    settings: parts.find((b) => b.lower.length > 0)?.lower ?? [ref('network', 'width')],
    message: `memory: this run needs about ${Math.round(needed)} MB (${workers} engine process${workers > 1 ? 'es' : ''} of ${Math.round(estimate.memoryMb)} MB, P = ${estimate.parameters}) but about ${Math.round(availableMb)} MB are free. Largest parts: ${largest}.${fewer}`,
  };
}

function timeProblem(points: readonly PlannedCost[], workers: number, maxSeconds: number): LimitProblem | undefined {
  const total = runSeconds(points, workers);
  if (total <= maxSeconds) return undefined;
  // The phase that costs most over the whole run, with its figure for the costliest experiment.
  const byPhase = new Map<Phase, { seconds: number; figure: string; lower: readonly SettingRef[]; worst: number }>();
  for (const p of points) {
    for (const ph of p.estimate.phases) {
      const seconds = p.trialsRun * ph.seconds + Math.min(workers, p.trialsRun) * (ph.onceSeconds ?? 0);
      const entry = byPhase.get(ph.phase) ?? { seconds: 0, figure: ph.figure, lower: ph.lower, worst: 0 };
      entry.seconds += seconds;
      if (seconds >= entry.worst) Object.assign(entry, { figure: ph.figure, lower: ph.lower, worst: seconds });
      byPhase.set(ph.phase, entry);
    }
  }
  const [phase, top] = [...byPhase.entries()].reduce((a, b) => (b[1].seconds > a[1].seconds ? b : a));
  const trials = points.reduce((s, p) => s + p.trialsRun, 0);
  const spread = `${trials} trial${trials === 1 ? '' : 's'}${points.length > 1 ? ` over ${points.length} sweep points` : ''} on ${workers} engine${workers === 1 ? '' : 's'}`;
  return {
    phase,
    settings: top.lower,
    message: `time: the run would take about ${duration(total)} (${spread}), more than the limit of ${duration(maxSeconds)}; most of it is ${phase}: ${top.figure}, ${duration(top.seconds)} in all. Lower ${settingNames(top.lower)}, or raise the limit with \`ntkexp run --max-hours\``,
  };
}

function recordsFigure(points: readonly PlannedCost[]): string {
  const p = points.reduce((a, b) => (b.trialsRun * b.estimate.recordBytes > a.trialsRun * a.estimate.recordBytes ? b : a));
  const each = `${p.trialsRun} trial${p.trialsRun === 1 ? '' : 's'} × ${bytesText(p.estimate.recordBytes)}`;
  return points.length > 1 ? `${points.length} sweep points, the largest ${each}` : each;
}

/** Free bytes on the disk holding `dir` (or its nearest existing parent); undefined when it cannot be told. */
export function freeDiskBytes(dir: string): number | undefined {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const s = fs.statfsSync(at);
      return s.bavail * s.bsize;
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return undefined;
      at = parent;
    }
  }
}
