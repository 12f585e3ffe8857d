import * as os from 'node:os';
import type { ExperimentConfig } from '../engine/config';
import type { Dataset } from '../engine/data/dataset';
import { compileExperiment, type ResolvedExperiment } from '../format/index';
import type { BackendName } from '../engine/backend';
import { estimateRun, checkFits, type RunEstimate } from './estimate';
import { dataLoader, datasetFor } from './prepare';

/**
 * The first stage of a run: everything that can be wrong with the input shows here, before any folder
 * or process exists. Each experiment (each sweep point) is compiled once, its data read once (a csv
 * file here, in the parent: the engines get the rows, never a path to read again), its cost estimated,
 * and the whole run refused with what to lower when it cannot fit.
 */
export interface PlanRequest {
  /** Concrete experiments (sweep points expanded). */
  readonly experiments: readonly ResolvedExperiment[];
  readonly trials?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  /** Run only the trials with index ≡ index (mod count). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Memory the engines may use, MB (default: the machine's free memory less a margin). */
  readonly availableMemoryMb?: number;
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
  readonly estimate: RunEstimate;
}

export interface RunPlan {
  readonly experiments: readonly PlannedExperiment[];
  readonly workers: number;
  /** The costliest experiment's estimate (the one memory must fit). */
  readonly estimate: RunEstimate;
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
  const experiments = req.experiments.map((e) => {
    const resolved = withOverrides(e, req);
    try {
      const task = loadData(resolved);
      const config = compileExperiment(task);
      const data = datasetFor(config);
      const trials = trialIndices(config.trials, req.shard);
      return { resolved, task, config, data, trials, estimate: estimateRun(config, data.N, data.inputDim, data.outputDim, req.backend ?? 'wasm') };
    } catch (error) {
      throw new RunRefused(error instanceof Error ? error.message : String(error));
    }
  });
  const estimate = experiments.map((e) => e.estimate).reduce((a, b) => (b.memoryMb > a.memoryMb ? b : a));
  const taskCount = experiments.reduce((s, e) => s + e.trials.length, 0);
  const workers = Math.max(1, Math.min(req.workers ?? os.availableParallelism(), taskCount));
  const refusal = checkFits(estimate, workers, req.availableMemoryMb);
  if (refusal) throw new RunRefused(refusal);
  return { experiments, workers, estimate };
}

function withOverrides(exp: ResolvedExperiment, req: PlanRequest): ResolvedExperiment {
  if (req.trials === undefined && req.seed === undefined) return exp;
  const settings = { ...exp.settings };
  if (req.trials !== undefined) settings.trials = req.trials;
  if (req.seed !== undefined) settings.seed = req.seed;
  return { ...exp, settings };
}

function trialIndices(total: number, shard: PlanRequest['shard']): number[] {
  const all = Array.from({ length: total }, (_, t) => t);
  return shard ? all.filter((t) => t % shard.count === shard.index) : all;
}
