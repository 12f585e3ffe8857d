import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSweeps, resolve, type ResolvedExperiment } from '../../src/format/index';
import { CALIBRATION_STEPS, calibratedEstimate, calibrationFactors, calibrationRun, shortRunSize, type Calibration } from '../../src/run/calibrate';
import { TIME_MARGIN, planCluster, slurmDuration } from '../../src/run/clusterPlan';
import { NOMINAL_RATES } from '../../src/run/costRates';
import { estimateRun, type Phase, type RunEstimate } from '../../src/run/estimate';
import { runSize } from '../../src/run/runSize';
import { runSeconds } from '../../src/run/wallTime';
import { measurementSteps } from '../../src/engine/train/schedule';
import { compileExperiment } from '../../src/run/compile';

// The pieces of `ntkexp run --plan` that need no engine: the wall time of trials dealt to engines, the
// short run the calibration makes, the factors it gives the model, and a cluster's shards. The plan
// against a measured run is test/run/plan.alone.test.ts.

const wasm = NOMINAL_RATES.wasm;
const point = (trialsRun: number, trialSeconds: number, onceSeconds = 0) => ({ trialsRun, estimate: { trialSeconds, onceSeconds }, memoryMb: 1000 });

test('wall time: whole trials dealt to the free engine, each engine paying its start and each experiment once', () => {
  // 3 trials of 10 s on 2 engines: two trial times, not one and a half.
  assert.equal(runSeconds([point(3, 10)], 2), 20);
  assert.equal(runSeconds([point(4, 10)], 2), 20);
  assert.equal(runSeconds([point(1, 10)], 8), 10, 'engines beyond the trials do nothing');
  // Start and once-per-engine work: each engine pays both before its first trial.
  assert.equal(runSeconds([point(4, 10, 3)], 2, 1), 1 + 3 + 20);
  // A sweep: an engine pays a point's once the first time it takes that point's trial.
  // Engines A, B: A takes p0 t0 (0→2+10=12), B p0 t1 (12), A p1 t0 (12+5+10=27), B p1 t1 (27).
  assert.equal(runSeconds([point(2, 10, 2), point(2, 10, 5)], 2), 27);
  // Unequal trials: the pool balances as it goes. 20, 10, 10 on 2 engines: 20 | 10+10 → 20.
  assert.equal(runSeconds([point(1, 20), point(2, 10)], 2), 20);
  assert.equal(runSeconds([], 2), 0);
  // Against the closed form ⌈T/W⌉·t + once + start for one experiment.
  for (const [T, W] of [[1, 1], [7, 2], [16, 2], [250, 4], [9, 3]]) {
    assert.equal(runSeconds([point(T, 7, 2)], W, 0.5), 0.5 + 2 + Math.ceil(T / W) * 7, `${T} trials on ${W}`);
  }
});

function resolved(text: string): ResolvedExperiment {
  const r = resolve(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return expandSweeps(r.experiments[0])[0];
}

const base = (extra = '', measure = 'points = 12; spacing = log; probes = 8; top = 4; theory = true') => `experiment e {
  trials = 16
  data circle { samples = 16 }
  network { depth = 3; width = 64 }
  train { steps = 1000 }
  measure { ${measure} }
  ${extra}
}
`;

test('the short run: the same experiment with fewer steps, a measurement at each end, one trial per engine', () => {
  const exp = resolved(base('surface { grid = 21 }', 'every = 100; probes = 8; top = 4; theory = true'));
  const { experiment: short, measureOnce } = calibrationRun(exp, 2, { measurement: 1, surface: 10 });
  assert.equal(measureOnce, false, 'a short measurement is taken at both ends');
  const config = compileExperiment(short);
  assert.equal(config.trials, 2);
  assert.equal(config.train.steps, CALIBRATION_STEPS);
  assert.deepEqual(measurementSteps(config.train.steps, config.measure), [0, CALIBRATION_STEPS]);
  assert.equal(config.surface?.grid, 21, 'a surface of 10 s is timed whole');
  // Everything that sets the cost of a step or a measurement is the run's own.
  assert.deepEqual({ ...short.network }, { ...exp.network });
  assert.deepEqual({ ...short.data }, { ...exp.data });
  for (const key of ['probes', 'top', 'moments', 'theory', 'exact', 'orthogonality', 'density', 'layers'] as const) assert.deepEqual(short.measure[key], exp.measure[key], key);
  // A long measurement is taken once, at the start, and the same steps follow it unmeasured (the
  // engine's measureOnce, test/engine/trialTimings.test.ts); a long surface is timed on a coarser grid.
  const longRun = calibrationRun(exp, 1, { measurement: 600, surface: 1200 });
  assert.equal(longRun.measureOnce, true);
  const long = compileExperiment(longRun.experiment);
  assert.equal(long.train.steps, CALIBRATION_STEPS, 'the steps are timed too');
  assert.ok(long.surface!.grid < 21 && long.surface!.grid >= 5, `grid ${long.surface!.grid}`);
  // A run shorter than the calibration keeps its steps.
  const few = compileExperiment(calibrationRun(resolved(base().replace('steps = 1000', 'steps = 7')), 1, { measurement: 1, surface: 0 }).experiment);
  assert.equal(few.train.steps, 7);
});

const phase = (e: RunEstimate, name: Phase) => e.phases.find((p) => p.phase === name)!;

function calibration(over: Partial<Calibration> = {}): Calibration {
  return {
    engines: 2,
    threads: 1,
    steps: CALIBRATION_STEPS,
    measurements: 2,
    engineStartSeconds: 0.4,
    prepareSeconds: 1.5,
    stepSeconds: 0.01,
    measurementSeconds: 2,
    theorySeconds: 0.2,
    surfaceSeconds: 0,
    maxRssMb: 321,
    wallSeconds: 5,
    shortRun: '0'.repeat(64),
    ...over,
  };
}

test('the calibrated estimate is the model with each phase scaled by measured ÷ modelled on the short run', () => {
  const exp = resolved(base());
  const size = runSize(exp);
  const full = estimateRun(size, wasm);
  const { experiment: short } = calibrationRun(exp, 2, { measurement: 1, surface: 0 });
  const c = calibration();
  const shortSize = shortRunSize(short, size, c);
  const shortModel = estimateRun(shortSize, wasm);
  const f = calibrationFactors(shortSize, wasm, c);
  // Measured ÷ modelled, phase by phase, on the short run.
  assert.ok(Math.abs(f.training! - (c.stepSeconds * c.steps) / phase(shortModel, 'training').seconds) < 1e-12);
  assert.ok(Math.abs(f.measurements! - c.measurementSeconds / (phase(shortModel, 'measurements').seconds / shortModel.measurements)) < 1e-12);
  assert.ok(Math.abs(f.theory! - c.theorySeconds / phase(shortModel, 'theory').seconds) < 1e-12);
  assert.equal(f.surface, 1, 'no surface: the model stands');
  const e = calibratedEstimate(full, size, f, c, true);
  // So the full run's training is 1000 measured steps, its measurements 12 measured ones.
  assert.ok(Math.abs(phase(e, 'training').seconds - 1000 * c.stepSeconds) < 1e-9 * 1000, `${phase(e, 'training').seconds}`);
  assert.ok(Math.abs(phase(e, 'measurements').seconds - 12 * c.measurementSeconds) < 1e-9, `${phase(e, 'measurements').seconds}`);
  assert.equal(e.trialSeconds, e.phases.reduce((s, p) => s + p.seconds, 0));
  assert.equal(e.onceSeconds, c.prepareSeconds);
  assert.equal(e.memoryMb, c.maxRssMb, 'the measured peak, not the model');
  assert.match(phase(e, 'measurements').figure, /12 measurements × 2\.0 s \(measured/);
  // Another sweep point scaled by the same factors keeps its own memory estimate.
  const other = calibratedEstimate(full, size, f, c, false);
  assert.equal(other.memoryMb, full.memoryMb);
  // One long measurement at the start, then the steps: the short run's model has one measurement, the
  // steps keep their own factor, and the measurement's is per measurement still.
  const onceCal = calibration({ measurements: 1, measurementSeconds: 600 });
  const onceSize = shortRunSize(short, size, onceCal);
  assert.equal(onceSize.measurements, 1);
  assert.equal(onceSize.steps, CALIBRATION_STEPS);
  const onceModel = estimateRun(onceSize, wasm);
  const once = calibrationFactors(onceSize, wasm, onceCal);
  assert.ok(Math.abs(once.training! - (onceCal.stepSeconds * onceCal.steps) / phase(onceModel, 'training').seconds) < 1e-12);
  assert.ok(Math.abs(once.measurements! - 600 / (phase(onceModel, 'measurements').seconds / 1)) < 1e-12);
  assert.match(phase(calibratedEstimate(full, size, once, onceCal, true), 'training').figure, /measured over 30/);
  // A short run without steps (an experiment of none): training takes the measurement's factor.
  const none = calibrationFactors({ ...shortSize, steps: 0, measurements: 1 }, wasm, calibration({ steps: 0, measurements: 1, stepSeconds: 0 }));
  assert.equal(none.training, none.measurements);
});

test('a cluster plan: one shard per node, more while a task would outlast its limit; core-hours, memory, Slurm sizes', () => {
  const points = [point(250, 3600)]; // 250 trials of an hour
  const p = planCluster(points, { nodes: 25, coresPerNode: 4, maxTaskHours: 24 }, 1, 1);
  assert.equal(p.shards, 25);
  assert.equal(p.engines, 4);
  assert.equal(p.trialsPerShard, 10);
  // 10 trials on 4 engines: 3 trial times, plus the start.
  assert.equal(p.shardSeconds, 1 + 3 * 3600);
  assert.equal(p.waves, 1);
  assert.equal(p.wallSeconds, p.shardSeconds);
  assert.equal(p.coreHours, (25 * p.shardSeconds * 4) / 3600);
  assert.equal(p.slurmTime, slurmDuration(p.shardSeconds * TIME_MARGIN + 300));
  assert.equal(p.memoryPerTaskMb, 4 * 1000 + 400);
  assert.deepEqual(p.problems, []);
  // A 2-hour limit, against the shard's time with its margin (× 1.25 + 5 min): 25 shards of 10 trials
  // (3 h) and 50 of 5 (2 h) are too long; 75 of at most 4 trials take one trial time on 4 engines
  // (1 h, 1.33 h with the margin), in 3 waves per node.
  const q = planCluster(points, { nodes: 25, coresPerNode: 4, maxTaskHours: 2 }, 1, 1);
  assert.ok(q.shardSeconds * TIME_MARGIN + 300 <= 2 * 3600);
  assert.equal(q.shards, 75);
  assert.equal(q.shardSeconds, 1 + 3600);
  assert.equal(q.waves, 3);
  assert.equal(q.wallSeconds, q.waves * q.shardSeconds);
  // Memory: 3 engines of 1000 MB fit 3.5 GB less the task's parent; one does not fit 1 GB.
  assert.equal(planCluster(points, { nodes: 25, coresPerNode: 4, memoryPerNodeMb: 3500, maxTaskHours: 24 }, 1, 0).engines, 3);
  assert.match(planCluster(points, { nodes: 2, coresPerNode: 4, memoryPerNodeMb: 1000, maxTaskHours: 24 }, 1, 0).problems.join(), /more than the 1000 MB of a node/);
  // Threads: engines of 2 threads on 4 cores are 2 per task.
  assert.equal(planCluster(points, { nodes: 1, coresPerNode: 4, maxTaskHours: 1e6 }, 2, 0).engines, 2);
  // More nodes than trials: no empty shard.
  assert.equal(planCluster([point(3, 10)], { nodes: 10, coresPerNode: 2, maxTaskHours: 24 }, 1, 0).shards, 3);
  // A trial longer than the limit is said, with what to do.
  assert.match(planCluster([point(2, 30 * 3600)], { nodes: 2, coresPerNode: 1, maxTaskHours: 24 }, 1, 0).problems.join(), /more than the 24 h a task may run/);
  // A trial of 20 h fits 24 h, but not with the margin (25.1 h): said, so the --time asked is never above the limit.
  assert.match(planCluster([point(2, 20 * 3600)], { nodes: 2, coresPerNode: 1, maxTaskHours: 24 }, 1, 0).problems.join(), /\(25 h with the margin\), more than the 24 h/);
});

test("Slurm's time format, rounded up to the minute", () => {
  assert.equal(slurmDuration(1), '0-00:01:00');
  assert.equal(slurmDuration(60), '0-00:01:00');
  assert.equal(slurmDuration(61), '0-00:02:00');
  assert.equal(slurmDuration(3600 * 25 + 30), '1-01:01:00');
});
