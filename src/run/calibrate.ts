import { createHash } from 'node:crypto';
import type { BackendName } from '../engine/backend';
import type { EngineMessage, TrialTask } from '../contracts/engineMessages';
import type { ResolvedExperiment } from '../format/index';
import type { CostRates } from './costRates';
import { duration, estimateRun, type PhaseEstimate, type RunEstimate } from './estimate';
import { EnginePool, type EngineEntry } from './runner';
import { runSize, type RunSize } from './runSize';

/**
 * A short run of the experiment itself on this machine, to replace the cost model's nominal rates by
 * measured ones (`ntkexp run --plan`). Each engine the run would use takes one trial of the experiment
 * cut short: the same network, data, measurement settings and theory, CALIBRATION_STEPS training steps,
 * a measurement at the start and one at the end (the second is the one timed: the first also pays for
 * compiling the kernels and growing the heaps), and the loss surface (on a coarser grid when it is
 * long: its fixed part, the directions, is then scaled with its points). A long measurement (a wide
 * network's: 87 minutes at width 5000) is taken once, at the start, and the steps after it are timed
 * without one at the end. The engines run side by side, as the run's would, so their contention for
 * memory bandwidth is in the figures.
 *
 * What it gives is the same model (estimate.ts) with each phase scaled by measured ÷ modelled on the
 * short run: the model still says how a phase grows with steps, measurements and grid; the calibration
 * says how fast this machine does it.
 */
export const CALIBRATION_STEPS = 30;
/** A loss surface modelled above this many seconds is timed on a coarser grid (its points cost alike). */
const LONG_SURFACE_SECONDS = 120;
/** A measurement modelled above this many seconds is timed once only: its start-up cost is then noise. */
const ONE_MEASUREMENT_SECONDS = 120;

export interface Calibration {
  /** Engines run side by side, and threads each. */
  readonly engines: number;
  readonly threads: number;
  /** The product the engines computed on (the `started` message's summary). */
  readonly compute?: string;
  /** The short run's steps and measurements. */
  readonly steps: number;
  readonly measurements: number;
  /** Forking an engine to its backend being ready, and its first measurement's extra cost, seconds (the mean over engines). */
  readonly engineStartSeconds: number;
  /** An experiment's once-per-engine work: its data and the theory's kernels, seconds. */
  readonly prepareSeconds: number;
  /** One training step, one measurement (the last one taken), and the short run's theory and surface. */
  readonly stepSeconds: number;
  readonly measurementSeconds: number;
  readonly theorySeconds: number;
  readonly surfaceSeconds: number;
  /** Operator applications of the timed measurement (matrix-free path). */
  readonly applications?: number;
  /** Peak resident memory of an engine, MB. */
  readonly maxRssMb: number;
  /** The whole short run, fork to last trial, seconds. */
  readonly wallSeconds: number;
  /** shortRunFor's fingerprint of the short run timed. */
  readonly shortRun: string;
}

export class CalibrationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationFailed';
  }
}

/** The experiment cut short as described above, and whether its engines measure at the start only. */
export interface ShortRun {
  readonly experiment: ResolvedExperiment;
  /** The trial task's `measureOnce`: one measurement, at step 0, the steps after it timed alone. */
  readonly measureOnce: boolean;
}

export function calibrationRun(task: ResolvedExperiment, trials: number, modelled: { readonly measurement: number; readonly surface: number }): ShortRun {
  const steps = typeof task.train.steps === 'number' ? Math.min(task.train.steps, CALIBRATION_STEPS) : 0;
  const measure = { ...task.measure, points: 2, spacing: 'linear', every: null };
  const grid = Number(task.surface?.grid ?? 0);
  const coarser = modelled.surface > LONG_SURFACE_SECONDS ? Math.max(5, Math.floor(grid * Math.sqrt(LONG_SURFACE_SECONDS / modelled.surface))) : grid;
  const surface = task.surface ? { ...task.surface, grid: Math.min(grid, coarser) } : undefined;
  return {
    experiment: {
      ...task,
      settings: { ...task.settings, trials },
      train: { ...task.train, steps },
      measure,
      ...(surface ? { surface: surface as ResolvedExperiment['surface'] } : {}),
    },
    measureOnce: modelled.measurement > ONE_MEASUREMENT_SECONDS,
  };
}

export interface CalibrationRequest {
  readonly task: ResolvedExperiment;
  readonly estimate: RunEstimate;
  readonly engines: number;
  readonly threads: number;
  readonly backend?: BackendName;
  readonly entry?: EngineEntry;
}

/** The short run a request makes, and its fingerprint: what a saved calibration must match to be reused. */
export function shortRunFor(req: Omit<CalibrationRequest, 'entry'>): ShortRun & { readonly fingerprint: string } {
  const measurement = phaseOf(req.estimate, 'measurements').seconds / Math.max(1, req.estimate.measurements);
  const run = calibrationRun(req.task, req.engines, { measurement, surface: phaseOf(req.estimate, 'surface').seconds });
  // The settings that set the short run's cost: the experiment as resolved (not the file's text, so a
  // comment or a trial count changes nothing), how it measures, and the engines' shape.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ experiment: run.experiment, measureOnce: run.measureOnce, engines: req.engines, threads: req.threads, backend: req.backend ?? null }))
    .digest('hex');
  return { ...run, fingerprint };
}

/** Run the short experiment and time it. */
export async function calibrate(req: CalibrationRequest): Promise<{ calibration: Calibration; short: ResolvedExperiment }> {
  const { experiment: short, measureOnce, fingerprint } = shortRunFor(req);
  const tasks: TrialTask[] = Array.from({ length: req.engines }, (_, trial) => ({ type: 'trial', run: 'calibration', experiment: short, trial, saveParams: false, measureOnce }));
  const startedAt = new Map<number, number>();
  const firstMeasurement = new Map<number, number>();
  const taken = new Map<number, number>();
  const lastMeasurement = new Map<number, { ms: number; applications?: number }>();
  const finished: Extract<EngineMessage, { type: 'finished' }>[] = [];
  let compute: string | undefined;
  const t0 = performance.now();
  const pool = new EnginePool({
    workers: req.engines,
    threads: req.threads,
    backend: req.backend,
    entry: req.entry,
    onMessage: (m) => {
      if (m.type === 'started') {
        startedAt.set(m.trial, performance.now() - t0);
        compute ??= m.compute?.summary;
      } else if (m.type === 'measurement') {
        const a = m.applications;
        if (!firstMeasurement.has(m.trial)) firstMeasurement.set(m.trial, m.elapsed_ms);
        taken.set(m.trial, (taken.get(m.trial) ?? 0) + 1);
        lastMeasurement.set(m.trial, { ms: m.elapsed_ms, applications: a ? a.H + a.I + a.S : undefined });
      } else if (m.type === 'finished') finished.push(m);
    },
  });
  const outcomes = await pool.run(tasks);
  const wallSeconds = (performance.now() - t0) / 1000;
  const bad = outcomes.find((o) => o.status !== 'finished');
  if (bad) throw new CalibrationFailed(`the calibration's trial ${bad.task.trial} ${bad.status}${bad.message ? `: ${bad.message}` : ''}`);
  const timed = finished.filter((f) => f.timings);
  if (timed.length === 0) throw new CalibrationFailed('the engines reported no timings; this is a bug, please report it');
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const ms = (pick: (t: NonNullable<(typeof timed)[number]['timings']>) => number): number => mean(timed.map((f) => pick(f.timings!))) / 1000;
  const steps = Number(short.train.steps);
  const measurements = steps === 0 || measureOnce ? 1 : 2;
  // The figures below divide by these counts: the engines must have taken exactly them.
  for (const f of timed) {
    if ((taken.get(f.trial) ?? 0) !== measurements) throw new CalibrationFailed(`the short run's trial ${f.trial} took ${taken.get(f.trial) ?? 0} measurement(s) where ${measurements} were asked for; this is a bug, please report it`);
  }
  const prepareSeconds = ms((t) => t.prepare_ms);
  // An engine's start: the fork to its backend being ready, and what its first measurement cost more
  // than the last (compiling kernels, growing heaps), which a run's engines pay once each too.
  const warmup = (trial: number): number => (measurements === 2 ? Math.max(0, (firstMeasurement.get(trial) ?? 0) - (lastMeasurement.get(trial)?.ms ?? 0)) / 1000 : 0);
  const starts = timed.map((f) => (startedAt.get(f.trial) ?? 0) / 1000 - f.timings!.prepare_ms / 1000 + warmup(f.trial));
  const last = timed.map((f) => lastMeasurement.get(f.trial)).filter((m) => m !== undefined);
  const measurementSeconds = mean(last.map((m) => m.ms)) / 1000;
  // The training phase holds the short run's steps and the time between the measurements that no
  // phase claims (the loss of each step, the event loop's turns); with one measurement, at the start,
  // it is the steps after it.
  const trainingSeconds = ms((t) => t.training_ms);
  const applications = last[0]?.applications;
  return {
    short,
    calibration: {
      engines: req.engines,
      threads: req.threads,
      ...(compute ? { compute } : {}),
      steps,
      measurements,
      engineStartSeconds: Math.max(0, mean(starts)),
      prepareSeconds,
      stepSeconds: steps > 0 ? trainingSeconds / steps : 0,
      measurementSeconds,
      theorySeconds: ms((t) => t.theory_ms),
      surfaceSeconds: ms((t) => t.surface_ms),
      ...(applications !== undefined ? { applications } : {}),
      maxRssMb: Math.max(...timed.map((f) => f.max_rss_mb ?? 0)),
      wallSeconds,
      shortRun: fingerprint,
    },
  };
}

/** Measured ÷ modelled, per phase of the model. */
export type PhaseFactors = Readonly<Partial<Record<PhaseEstimate['phase'], number>>>;

/**
 * This machine's speed against the model's, phase by phase: what the short run measured over what
 * the model says of the short run. A phase the short run did not have (no surface, no theory) is 1.
 */
export function calibrationFactors(shortSize: RunSize, rates: CostRates, c: Calibration): PhaseFactors {
  const model = estimateRun(shortSize, rates);
  const scale = (name: PhaseEstimate['phase'], measured: number): number => {
    const modelled = phaseOf(model, name).seconds;
    return modelled > 0 && measured > 0 ? measured / modelled : 1;
  };
  const perMeasurementModel = phaseOf(model, 'measurements').seconds / Math.max(1, model.measurements);
  const measurements = perMeasurementModel > 0 && c.measurementSeconds > 0 ? c.measurementSeconds / perMeasurementModel : 1;
  return {
    // A short run of one long measurement has no steps: training is the network's passes, as most of a
    // measurement is, so it takes the measurement's factor.
    training: c.steps > 0 ? scale('training', c.stepSeconds * c.steps) : measurements,
    measurements,
    theory: scale('theory', c.theorySeconds),
    surface: scale('surface', c.surfaceSeconds),
  };
}

const phaseOf = (e: RunEstimate, name: PhaseEstimate['phase']): PhaseEstimate => e.phases.find((p) => p.phase === name)!;

/**
 * A run's estimate at this machine's measured speed: the model's phases scaled by the factors, the
 * once-per-engine work and the memory as measured (`c` of this experiment, or of the costliest point of
 * a sweep, whose factors then stand for every point).
 */
export function calibratedEstimate(full: RunEstimate, size: RunSize, factors: PhaseFactors, c: Calibration, measuredHere: boolean): RunEstimate {
  const phases = full.phases.map((p): PhaseEstimate => {
    const seconds = p.seconds * (factors[p.phase] ?? 1);
    const figure =
      p.phase === 'training' && size.steps > 0
        ? `${size.steps} steps × ${duration(seconds / size.steps)}${c.steps > 0 ? ` (measured over ${c.steps})` : ' (scaled as the measurement)'}`
        : p.phase === 'measurements' && size.measurements > 0
          ? `${size.measurements} measurements × ${duration(seconds / size.measurements)} (${measuredHere ? 'measured' : 'scaled'}${measuredHere && c.applications !== undefined ? `: ${c.applications} operator applications` : ''})`
          : p.figure;
    const once = p.phase === 'theory' && p.onceSeconds !== undefined ? { onceSeconds: measuredHere ? c.prepareSeconds : p.onceSeconds * (factors.theory ?? 1) } : {};
    return { ...p, seconds, figure, ...once };
  });
  const theory = phaseOf({ ...full, phases }, 'theory');
  return {
    ...full,
    phases,
    trialSeconds: phases.reduce((s, p) => s + p.seconds, 0),
    onceSeconds: theory.onceSeconds ?? (measuredHere ? c.prepareSeconds : full.onceSeconds),
    memoryMb: measuredHere && c.maxRssMb > 0 ? c.maxRssMb : full.memoryMb,
  };
}

/** The sizes of the short run, for the model's figures of it (its measurements as it took them). */
export function shortRunSize(short: ResolvedExperiment, size: RunSize, c: Pick<Calibration, 'measurements'>): RunSize {
  return { ...runSize(short), measurements: c.measurements, N: size.N, inputDim: size.inputDim, outputDim: size.outputDim, known: size.known, layers: size.layers, quadratureDegree: size.quadratureDegree };
}
