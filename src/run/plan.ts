import type { ExperimentConfig } from '../engine/config';
import type { Dataset } from '../engine/data/dataset';
import { type ResolvedExperiment } from '../format/index';
import { compileExperiment, resolvedActivation } from './compile';
import type { BackendName } from '../engine/backend';
import { environmentThreads } from '../engine/backend/threadCount';
import { dataOverflow } from '../engine/train/overflow';
import { ratesFor } from './costRates';
import { availableMemoryMb, estimateRun, type RunEstimate } from './estimate';
import { DEFAULT_MAX_HOURS, engineCount, freeDiskBytes, machineProblems, sizeProblems, threadsPerEngine, type LimitProblem } from './limits';
import { dataLoader, datasetFor } from './prepare';
import { runSeconds } from './wallTime';
import { dataShape, runSize, type RunSize } from './runSize';

/**
 * The first stage of a run: everything that can be wrong with the input shows here, before any folder
 * or process exists. Each experiment (each sweep point) is compiled once, its cost estimated from its
 * sizes (before its data is built, so a huge `samples` costs nothing), its data read once (a csv file
 * here, in the parent: the engines get the rows, never a path to read again), and the whole run
 * refused, with the phase and what to lower, when it cannot hold, fit or finish (limits.ts).
 */
export interface PlanRequest {
  /** Concrete experiments (sweep points expanded). */
  readonly experiments: readonly ResolvedExperiment[];
  readonly trials?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  /** Threads per engine for its products (default: the cores left to each engine). */
  readonly threads?: number;
  /** Run only the trials with index ≡ index (mod count). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Memory the engines may use, MB (default: the machine's free memory less a margin). */
  readonly availableMemoryMb?: number;
  /** The folder that receives the run folder, whose disk must hold the records (not checked when absent). */
  readonly outputDir?: string;
  /** Free bytes on that disk (default: measured with statfs). */
  readonly freeDiskBytes?: number;
  /** Refuse a run estimated to take longer than this, hours (default DEFAULT_MAX_HOURS, a week). */
  readonly maxHours?: number;
}

/** One experiment of the run as it will be executed. */
export interface PlannedExperiment {
  /** As written in the file, with the command line's overrides (what run.json records). */
  readonly resolved: ResolvedExperiment;
  /** What the engines receive: `resolved` with csv data replaced by its rows. */
  readonly task: ResolvedExperiment;
  readonly config: ExperimentConfig;
  readonly data: Dataset;
  /** The trial indices this run (or shard) executes. */
  readonly trials: readonly number[];
  readonly size: RunSize;
  readonly estimate: RunEstimate;
}

export interface RunPlan {
  readonly experiments: readonly PlannedExperiment[];
  readonly workers: number;
  /** Threads per engine: workers × threads ≤ cores. */
  readonly threads: number;
  /** The costliest experiment's estimate (the one memory must fit). */
  readonly estimate: RunEstimate;
  /** The whole run's estimated wall time, seconds. */
  readonly seconds: number;
}

/** A refusal before anything ran (bad input, or the run would not fit): exit code 2 in the CLI. */
export class RunRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefused';
  }
}

export function planRun(req: PlanRequest): RunPlan {
  if (req.experiments.length === 0) throw new RunRefused('no experiment to run');
  const loadData = dataLoader();
  const rates = ratesFor(req.backend);
  // Sizes from the settings alone: nothing is built (widths, data, networks) for a run that is refused.
  // The activation is compiled once, here: its quadrature degree goes into the estimate and the
  // compiled object into the experiment's config.
  const costed = req.experiments.map((e) => {
    const resolved = withOverrides(e, req);
    return refusing(() => {
      const task = loadData(resolved);
      const activation = resolvedActivation(task, String(task.network.activation));
      const size = runSize(task, dataShape(task), activation);
      return { resolved, task, activation, size, estimate: estimateRun(size, rates), trialsRun: trialCount(size.trials, req.shard) };
    });
  });
  // Sizes first: the machine's figures for a run that cannot be held would only repeat them.
  refuseIf(costed.flatMap((c) => sizeProblems(c.size, c.estimate, c.trialsRun)));
  const taskCount = costed.reduce((s, e) => s + e.trialsRun, 0);
  const workers = engineCount(req.workers, taskCount);
  // --threads, else NTKEXP_THREADS (the engines inherit the plan's count, so the variable is read here).
  const threads = threadsPerEngine(req.threads ?? refusing(() => environmentThreads()), workers);
  if (typeof threads !== 'number') refuseIf([threads]);
  const machine = {
    availableMemoryMb: req.availableMemoryMb ?? availableMemoryMb(),
    freeDiskBytes: req.freeDiskBytes ?? (req.outputDir ? freeDiskBytes(req.outputDir) : undefined),
    outputDir: req.outputDir,
    workers,
    maxSeconds: (req.maxHours ?? DEFAULT_MAX_HOURS) * 3600,
    backend: req.backend,
  };
  refuseIf(machineProblems(costed, machine));
  const experiments = costed.map(({ trialsRun: _, activation, ...c }): PlannedExperiment => {
    const config = refusing(() => compileExperiment(c.task, { activation }));
    return { ...c, config, trials: trialIndices(config.trials, req.shard), data: refusing(() => checkedData(config)) };
  });
  const estimate = experiments.map((e) => e.estimate).reduce((a, b) => (b.memoryMb > a.memoryMb ? b : a));
  return { experiments, workers, threads: threads as number, estimate, seconds: runSeconds(costed, workers, rates.engineStartSeconds) };
}

/** The data set, refused when its values would overflow the arithmetic (noise = 1e308, a target of 1e200). */
function checkedData(config: ExperimentConfig): Dataset {
  const data = datasetFor(config);
  const problem = dataOverflow(config, data);
  if (problem) throw new RunRefused(`data ${config.data.source}: ${problem}`);
  return data;
}

/** Every problem at once, one per line: the run is refused. */
function refuseIf(problems: readonly LimitProblem[]): void {
  if (problems.length === 0) return;
  const unique = [...new Set(problems.map((p) => p.message))];
  throw new RunRefused(unique.length === 1 ? unique[0] : `the run cannot start:\n  ${unique.join('\n  ')}`);
}

/** Errors of the input (a csv file, a data source, a compiled formula) are refusals in the user's terms; bugs stay bugs. */
function refusing<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RunRefused || isBug(error)) throw error;
    throw new RunRefused(error instanceof Error ? error.message : String(error));
  }
}

/** A programming error (not something the input did): exit 3 with a request for a report, not a refusal. */
function isBug(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError;
}

function withOverrides(exp: ResolvedExperiment, req: PlanRequest): ResolvedExperiment {
  if (req.trials === undefined && req.seed === undefined) return exp;
  const settings = { ...exp.settings };
  if (req.trials !== undefined) settings.trials = req.trials;
  if (req.seed !== undefined) settings.seed = req.seed;
  return { ...exp, settings };
}

/** How many trials a run (or shard) executes, without listing them (a refused count may be huge). */
function trialCount(total: number, shard: PlanRequest['shard']): number {
  if (!shard) return total;
  return total > shard.index ? Math.floor((total - 1 - shard.index) / shard.count) + 1 : 0;
}

/** The trial indices a run (or shard) executes: after the limits, so the list is small. */
function trialIndices(total: number, shard: PlanRequest['shard']): number[] {
  const out: number[] = [];
  for (let t = shard?.index ?? 0; t < total; t += shard?.count ?? 1) out.push(t);
  return out;
}
