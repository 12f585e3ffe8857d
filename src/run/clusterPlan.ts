import { runSeconds, type TimedPoint } from './wallTime';

/**
 * How to cut a run into shards for a cluster (`ntkexp run --plan --nodes N --cores-per-node C`), from
 * the calibrated cost of a trial: one shard per array task, each task a node's cores running engines
 * of the calibration's thread count, as many shards as keep every node busy and each task under the
 * scheduler's time limit. The figures assume a node's core is as fast as this machine's (stated in the
 * output): the calibration cannot measure the cluster, only say what this machine does.
 */
export interface ClusterShape {
  readonly nodes: number;
  readonly coresPerNode: number;
  /** MB a task may use on a node; undefined: not limited (the plan says what to ask for). */
  readonly memoryPerNodeMb?: number;
  /** Longest a task may run, hours (a partition's MaxTime). */
  readonly maxTaskHours: number;
}

export interface PlannedPoint extends TimedPoint {
  /** Peak memory of one engine, MB. */
  readonly memoryMb: number;
}

export interface ClusterPlan {
  readonly shards: number;
  /** Engines per task, threads each, and the cores a task asks for (engines × threads). */
  readonly engines: number;
  readonly threads: number;
  readonly cpusPerTask: number;
  /** Trials of the largest shard (the sum over sweep points). */
  readonly trialsPerShard: number;
  /** Wall time of the largest shard, seconds: what each task's time limit must cover. */
  readonly shardSeconds: number;
  /** Shards per node one after the other (shards ÷ nodes, rounded up). */
  readonly waves: number;
  /** The whole array's wall time, seconds, once every task has a node. */
  readonly wallSeconds: number;
  /** Cores allocated × hours, over every task: what a cluster charges. */
  readonly coreHours: number;
  /** Peak memory of one engine and of one task (its engines and the parent), MB. */
  readonly memoryMb: number;
  readonly memoryPerTaskMb: number;
  /** Slurm's `--time` with the margin below, and `--mem`. */
  readonly slurmTime: string;
  readonly slurmMem: string;
  /** Why a shape cannot hold the run (an engine larger than a node's memory), for the person to act on. */
  readonly problems: readonly string[];
}

/** The time limit asked of Slurm: the model's shard time with a quarter more and five minutes (start, merge, a slow node). */
export const TIME_MARGIN = 1.25;
const TIME_SLACK_SECONDS = 300;
/** The parent process of a task (the CLI: the plan, the records it keeps for the summaries, the report). */
const PARENT_MB = 400;

export function planCluster(points: readonly PlannedPoint[], shape: ClusterShape, threads: number, engineStartSeconds: number): ClusterPlan {
  const problems: string[] = [];
  const memoryMb = Math.max(...points.map((p) => p.memoryMb));
  const maxTrials = Math.max(1, ...points.map((p) => p.trialsRun));
  const byCores = Math.max(1, Math.floor(shape.coresPerNode / threads));
  if (threads > shape.coresPerNode) problems.push(`an engine uses ${threads} threads, more than the ${shape.coresPerNode} cores of a node: plan with --threads ${shape.coresPerNode} or fewer`);
  let engines = byCores;
  if (shape.memoryPerNodeMb !== undefined) {
    const fit = Math.floor((shape.memoryPerNodeMb - PARENT_MB) / memoryMb);
    if (fit < 1) problems.push(`an engine needs about ${Math.round(memoryMb)} MB, more than the ${Math.round(shape.memoryPerNodeMb)} MB of a node (less the task's ${PARENT_MB} MB): lower width, top or probes, or use larger nodes`);
    engines = Math.max(1, Math.min(engines, fit));
  }
  const shardOf = (count: number) => points.map((p) => ({ ...p, trialsRun: Math.ceil(p.trialsRun / count) }));
  const timeOf = (count: number): { seconds: number; engines: number; trials: number } => {
    const shard = shardOf(count);
    const trials = shard.reduce((s, p) => s + p.trialsRun, 0);
    const e = Math.min(engines, trials);
    return { seconds: runSeconds(shard, e, engineStartSeconds), engines: e, trials };
  };
  // One shard per node, then a wave more at a time while a task's time limit, margin included, would
  // exceed what a task may run.
  const limit = (seconds: number): number => seconds * TIME_MARGIN + TIME_SLACK_SECONDS;
  const tooLong = (seconds: number): boolean => limit(seconds) > shape.maxTaskHours * 3600;
  let shards = Math.min(shape.nodes, maxTrials);
  let shard = timeOf(shards);
  while (tooLong(shard.seconds) && shards < maxTrials) {
    shards = Math.min(maxTrials, shards + shape.nodes);
    shard = timeOf(shards);
  }
  if (tooLong(shard.seconds)) {
    problems.push(
      `a shard of one trial per engine takes about ${Math.round(shard.seconds / 3600)} h (${Math.round(limit(shard.seconds) / 3600)} h with the margin), more than the ${shape.maxTaskHours} h a task may run: raise --max-task-hours, or lower steps, points or width`,
    );
  }
  const waves = Math.ceil(shards / shape.nodes);
  const cpusPerTask = shard.engines * threads;
  const memoryPerTaskMb = shard.engines * memoryMb + PARENT_MB;
  return {
    shards,
    engines: shard.engines,
    threads,
    cpusPerTask,
    trialsPerShard: shard.trials,
    shardSeconds: shard.seconds,
    waves,
    wallSeconds: waves * shard.seconds,
    coreHours: (shards * shard.seconds * cpusPerTask) / 3600,
    memoryMb,
    memoryPerTaskMb,
    slurmTime: slurmDuration(limit(shard.seconds)),
    slurmMem: `${Math.ceil((memoryPerTaskMb * 1.1) / 1024)}G`,
    problems,
  };
}

/** Slurm's D-HH:MM:SS, rounded up to the minute. */
export function slurmDuration(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d}-${two(h)}:${two(m)}:00`;
}
