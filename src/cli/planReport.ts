import type { PlanCalibration } from '../contracts/plan';
import type { Calibration } from '../run/calibrate';
import type { CostPlan } from '../run/costPlan';
import { TIME_MARGIN } from '../run/clusterPlan';
import { duration } from '../run/estimate';

/** `ntkexp run --plan` in words: the calibration's figures, a trial, this machine, and the cluster if one was named. */
export function planText(plan: CostPlan): string {
  const c = plan.calibration;
  const lines: string[] = [];
  for (const e of plan.experiments) {
    const phases = e.estimate.phases
      .filter((p) => p.phase !== 'records' && p.seconds > 0)
      .map((p) => `${p.phase} ${duration(p.seconds)}`)
      .join(', ');
    lines.push(`${e.name}: P = ${e.parameters}, ${e.trials} trial(s); a trial ${duration(e.estimate.trialSeconds)} (${phases}); about ${Math.round(e.estimate.memoryMb)} MB per engine`);
  }
  lines.push(
    '',
    `calibration (${plan.calibrated}, ${plan.reused ? 'read from --calibration: measured earlier' : 'measured on this machine'} in ${duration(c.wallSeconds)}): ${c.engines} engine${c.engines === 1 ? '' : 's'} × ${c.threads} thread${c.threads === 1 ? '' : 's'}${c.compute ? ` on ${c.compute}` : ''}`,
    `  engine start ${duration(c.engineStartSeconds)}, data and kernels ${duration(c.prepareSeconds)} once per engine` +
      (c.steps > 0 ? `, a training step ${duration(c.stepSeconds)} (over ${c.steps})` : '') +
      `, a measurement ${duration(c.measurementSeconds)}${c.applications !== undefined ? ` (${c.applications} operator applications)` : ''}` +
      `, peak memory ${Math.round(c.maxRssMb)} MB per engine`,
    `  the nominal model said ${duration(plan.nominal.trialSeconds)} per trial; measured: ${duration(plan.calibratedTrialSeconds)}`,
    '',
    `this machine: ${plan.local.engines} engine${plan.local.engines === 1 ? '' : 's'} × ${plan.local.threads} thread${plan.local.threads === 1 ? '' : 's'}, about ${duration(plan.local.wallSeconds)} in all`,
  );
  const k = plan.cluster;
  if (k) {
    const s = k.shape;
    lines.push(
      '',
      `cluster: ${s.nodes} node${s.nodes === 1 ? '' : 's'} × ${s.coresPerNode} cores${s.memoryPerNodeMb !== undefined ? ` (${Math.round(s.memoryPerNodeMb / 1024)} GB)` : ''}, tasks of at most ${s.maxTaskHours} h, a core as fast as this machine's`,
      `  ${k.shards} shard${k.shards === 1 ? '' : 's'} of up to ${k.trialsPerShard} trial(s), each ${k.engines} engine${k.engines === 1 ? '' : 's'} × ${k.threads} thread${k.threads === 1 ? '' : 's'}: a shard ${duration(k.shardSeconds)}, ${k.waves} wave${k.waves === 1 ? '' : 's'} per node`,
      `  wall time about ${duration(k.wallSeconds)}, ${k.coreHours < 10 ? k.coreHours.toPrecision(2) : Math.round(k.coreHours)} core-hours; memory ${Math.round(k.memoryMb)} MB per engine, ${Math.round(k.memoryPerTaskMb)} MB per task`,
      `  Slurm: --array=0-${k.shards - 1} --cpus-per-task=${k.cpusPerTask} --mem=${k.slurmMem} --time=${k.slurmTime} (the shard's time × ${TIME_MARGIN} + 5 min)`,
      ...k.problems.map((p) => `  problem: ${p}`),
    );
  }
  // A long calibration is worth keeping: the hint says how (docs/CLUSTER.md).
  if (!plan.reused && c.wallSeconds >= 60) lines.push('', 'to plan other cluster shapes without timing again: save this plan with --json and give it back with --calibration FILE');
  return lines.join('\n') + '\n';
}

/** `ntkexp run --plan --json`: one object, snake_case like the run store. */
export function planJson(plan: CostPlan): unknown {
  const c = plan.calibration;
  const k = plan.cluster;
  const main = k ?? undefined;
  return {
    type: 'plan',
    wall_seconds: main ? main.wallSeconds : plan.local.wallSeconds,
    core_hours: main ? main.coreHours : (plan.local.wallSeconds * plan.local.engines * plan.local.threads) / 3600,
    memory_mb: Math.round(plan.experiments.reduce((m, e) => Math.max(m, e.estimate.memoryMb), 0)),
    shards: main ? main.shards : 1,
    trial_seconds: plan.calibratedTrialSeconds,
    nominal_trial_seconds: plan.nominal.trialSeconds,
    local: { engines: plan.local.engines, threads: plan.local.threads, wall_seconds: plan.local.wallSeconds },
    experiments: plan.experiments.map((e) => ({
      name: e.name,
      parameters: e.parameters,
      trials: e.trials,
      trial_seconds: e.estimate.trialSeconds,
      once_seconds: e.estimate.onceSeconds,
      memory_mb: Math.round(e.estimate.memoryMb),
      phases: Object.fromEntries(e.estimate.phases.filter((p) => p.phase !== 'records').map((p) => [p.phase, p.seconds])),
    })),
    calibration: calibrationJson(plan.calibrated, c),
    ...(k
      ? {
          cluster: {
            nodes: k.shape.nodes,
            cores_per_node: k.shape.coresPerNode,
            memory_per_node_mb: k.shape.memoryPerNodeMb ?? null,
            max_task_hours: k.shape.maxTaskHours,
            engines_per_task: k.engines,
            threads_per_engine: k.threads,
            trials_per_shard: k.trialsPerShard,
            shard_seconds: k.shardSeconds,
            waves: k.waves,
            memory_per_task_mb: Math.round(k.memoryPerTaskMb),
            slurm: { array: `0-${k.shards - 1}`, cpus_per_task: k.cpusPerTask, mem: k.slurmMem, time: k.slurmTime },
            problems: k.problems,
          },
        }
      : {}),
  };
}

/** The calibration as `--plan --json` writes it, and as `--calibration FILE` reads it back (contracts/plan.ts). */
function calibrationJson(experiment: string, c: Calibration): PlanCalibration {
  return {
    experiment,
    short_run: c.shortRun,
    engines: c.engines,
    threads: c.threads,
    compute: c.compute ?? null,
    steps: c.steps,
    measurements: c.measurements,
    engine_start_seconds: c.engineStartSeconds,
    prepare_seconds: c.prepareSeconds,
    step_seconds: c.stepSeconds,
    measurement_seconds: c.measurementSeconds,
    theory_seconds: c.theorySeconds,
    surface_seconds: c.surfaceSeconds,
    applications: c.applications ?? null,
    max_rss_mb: c.maxRssMb,
    wall_seconds: c.wallSeconds,
  };
}

export function calibrationFromJson(j: PlanCalibration): Calibration {
  return {
    engines: j.engines,
    threads: j.threads,
    ...(j.compute !== null ? { compute: j.compute } : {}),
    steps: j.steps,
    measurements: j.measurements,
    engineStartSeconds: j.engine_start_seconds,
    prepareSeconds: j.prepare_seconds,
    stepSeconds: j.step_seconds,
    measurementSeconds: j.measurement_seconds,
    theorySeconds: j.theory_seconds,
    surfaceSeconds: j.surface_seconds,
    ...(j.applications !== null ? { applications: j.applications } : {}),
    maxRssMb: j.max_rss_mb,
    wallSeconds: j.wall_seconds,
    shortRun: j.short_run,
  };
}
