import * as os from 'node:os';
import { calibrate, calibratedEstimate, calibrationFactors, shortRunFor, shortRunSize, type Calibration } from './calibrate';
import { planCluster, type ClusterPlan, type ClusterShape } from './clusterPlan';
import { ratesFor } from './costRates';
import { availableMemoryMb, type RunEstimate } from './estimate';
import { planRun, type PlanRequest, type PlannedExperiment } from './plan';
import type { EngineEntry } from './runner';
import { runSeconds } from './wallTime';

/**
 * `ntkexp run --plan`: what a run will cost, measured rather than guessed. The run is planned as it
 * would start (the same checks, the same model), one short calibration run of its costliest
 * experiment times this machine (calibrate.ts), and the model, scaled by what was measured, gives the
 * time of a trial, the wall time here, and a cluster's shards and core-hours (clusterPlan.ts).
 */
export interface CostPlanRequest extends PlanRequest {
  /** The cluster to plan for; undefined: this machine, one shard. */
  readonly cluster?: ClusterShape;
  /** Seconds this process spent before the plan (Node and the CLI starting): a run pays them too. */
  readonly startupSeconds?: number;
  readonly entry?: EngineEntry;
  /** A calibration made before (`--calibration FILE`): used instead of timing again, if it is of the same short run. */
  readonly reuse?: Calibration;
}

/** A saved calibration that is not of the short run this plan would time. */
export class CalibrationMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationMismatch';
  }
}

export interface CostPlan {
  readonly experiments: readonly { readonly name: string; readonly parameters: number; readonly trials: number; readonly estimate: RunEstimate }[];
  /** The nominal model's figures, for comparison. */
  readonly nominal: { readonly trialSeconds: number; readonly wallSeconds: number };
  readonly calibration: Calibration;
  /** The calibration was read (`reuse`), not timed by this plan. */
  readonly reused: boolean;
  /** Which experiment was calibrated (the costliest), and its trial at the measured speed. */
  readonly calibrated: string;
  readonly calibratedTrialSeconds: number;
  /** This machine: engines, threads, and the planned wall time of the whole run, seconds. */
  readonly local: { readonly engines: number; readonly threads: number; readonly wallSeconds: number };
  readonly cluster?: ClusterPlan & { readonly shape: ClusterShape };
}

export async function costPlan(req: CostPlanRequest): Promise<CostPlan> {
  const planning = performance.now();
  // A plan is for runs too long for here: no ceiling on the time. The engines the calibration runs side
  // by side are the run's (--workers), else as many as this machine's cores and memory hold.
  const first = planRun({ ...req, maxHours: Number.MAX_VALUE, ...(req.workers === undefined ? { workers: 1 } : {}) });
  const engines =
    req.workers ??
    Math.max(1, Math.min(os.availableParallelism(), Math.floor((req.availableMemoryMb ?? availableMemoryMb()) / first.estimate.memoryMb), first.experiments.reduce((s, e) => s + e.trials.length, 0)));
  const plan = engines === (req.workers ?? 1) ? first : planRun({ ...req, maxHours: Number.MAX_VALUE, workers: engines });
  const planSeconds = (performance.now() - planning) / 1000;
  const rates = ratesFor(req.backend);
  const costliest = plan.experiments.reduce((a, b) => (b.estimate.trialSeconds > a.estimate.trialSeconds ? b : a));
  // As many side by side as the run will have, all on the costliest experiment.
  const request = { task: costliest.task, estimate: costliest.estimate, engines: plan.workers, threads: plan.threads, backend: req.backend, entry: req.entry };
  const { calibration, short } = req.reuse ? reused(req.reuse, request) : await calibrate(request);
  const factors = calibrationFactors(shortRunSize(short, costliest.size, calibration), rates, calibration);
  const scaled = (e: PlannedExperiment): RunEstimate => calibratedEstimate(e.estimate, e.size, factors, calibration, e === costliest);
  const experiments = plan.experiments.map((e) => ({ name: e.resolved.name, parameters: e.estimate.parameters, trials: e.trials.length, estimate: scaled(e) }));
  const calibratedTrialSeconds = experiments[plan.experiments.indexOf(costliest)].estimate.trialSeconds;
  const points = experiments.map((e) => ({ trialsRun: e.trials, estimate: e.estimate, memoryMb: e.estimate.memoryMb }));
  const overhead = (req.startupSeconds ?? 0) + planSeconds;
  const local = { engines: plan.workers, threads: plan.threads, wallSeconds: overhead + runSeconds(points, plan.workers, calibration.engineStartSeconds) };
  const nominalPoints = plan.experiments.map((e) => ({ trialsRun: e.trials.length, estimate: e.estimate }));
  return {
    experiments,
    nominal: { trialSeconds: costliest.estimate.trialSeconds, wallSeconds: overhead + runSeconds(nominalPoints, plan.workers, rates.engineStartSeconds) },
    calibration,
    reused: req.reuse !== undefined,
    calibrated: costliest.resolved.name,
    calibratedTrialSeconds,
    local,
    ...(req.cluster ? { cluster: { ...planCluster(points, req.cluster, plan.threads, calibration.engineStartSeconds), shape: req.cluster } } : {}),
  };
}

/** A saved calibration, if it timed the very short run this plan would (shortRunFor's fingerprint). */
function reused(c: Calibration, request: Parameters<typeof shortRunFor>[0]): { calibration: Calibration; short: ReturnType<typeof shortRunFor>['experiment'] } {
  const run = shortRunFor(request);
  if (c.shortRun !== run.fingerprint) {
    const shape = c.engines !== request.engines || c.threads !== request.threads ? ` (it ran ${c.engines} engine(s) × ${c.threads} thread(s), this plan ${request.engines} × ${request.threads}: give the same --workers and --threads)` : '';
    throw new CalibrationMismatch(`the calibration is of another short run than this plan's: another experiment, other settings or another engine shape${shape}; plan without --calibration to time this one`);
  }
  return { calibration: c, short: run.experiment };
}
