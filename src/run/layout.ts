import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pkg from '../../package.json';
import tfjsPkg from '@tensorflow/tfjs-core/package.json';
import { measurementSteps } from '../engine/train/schedule';
import type { ResolvedExperiment } from '../format/index';
import type { RunEstimate } from './estimate';
import type { RunPlan } from './plan';
import type { TrialTask } from './protocol';
import { SWEEP_FILE, type RunInfo, type SweepInfo } from './runFiles';
import { RunWriter, writeJsonAtomic } from './store';

/**
 * The second stage of a run: its folders on disk. One run folder per experiment (inside the sweep's
 * folder for a sweep), each with run.json written before any engine starts, and the tasks (one per
 * trial) that the engines will execute.
 */
export interface LayoutRequest {
  /** The .ntkexp file (for the default output folder and the record of the source). */
  readonly file: string;
  readonly text: string;
  /** Set when the experiments are the points of one sweep: its experiment name. */
  readonly sweep?: string;
  /** Output folder (default: ntkexp-runs/<experiment>-<timestamp>/ beside the file). */
  readonly out?: string;
  readonly backend?: string;
  readonly saveParams?: boolean;
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface RunLayout {
  /** The sweep's folder, for a sweep. */
  readonly sweepDir?: string;
  /** One writer per run folder, by run id. */
  readonly writers: ReadonlyMap<string, RunWriter>;
  readonly tasks: readonly TrialTask[];
}

export function layoutRun(plan: RunPlan, req: LayoutRequest, onRunStarted?: (info: RunInfo, dir: string) => void): RunLayout {
  const sha256 = createHash('sha256').update(req.text).digest('hex');
  const source = { file: path.resolve(req.file), sha256 };
  const first = plan.experiments[0].resolved;
  const base = req.out ?? path.join(defaultRunsFolder(req.file), `${req.sweep ?? first.name}-${timestamp()}`);
  const sweepDir = req.sweep ? uniqueDir(base) : undefined;
  const writers = new Map<string, RunWriter>();
  const tasks: TrialTask[] = [];
  for (const planned of plan.experiments) {
    const { resolved: exp, config, data, estimate } = planned;
    const dir = sweepDir ? path.join(sweepDir, folderName(exp)) : uniqueDir(base);
    const id = path.basename(dir);
    const info: RunInfo = {
      format: 'ntkexp-run/1',
      id,
      experiment: exp.name,
      title: config.title,
      source,
      resolved: exp,
      ...(Object.keys(exp.varied).length ? { varied: exp.varied } : {}),
      backend: req.backend ?? 'auto',
      versions: { ntkexp: String(pkg.version), tfjs: String(tfjsPkg.version), node: process.version },
      started: new Date().toISOString(),
      status: 'running',
      trials: [...planned.trials],
      trialsTotal: config.trials,
      ...(req.shard ? { shard: req.shard } : {}),
      workers: plan.workers,
      steps: measurementSteps(config.train.steps, config.measure),
      kmax: config.measure.moments,
      parameters: estimate.parameters,
      samples: data.N,
      estimate: estimateRecord(estimate),
    };
    const writer = RunWriter.create(dir, info);
    writers.set(id, writer);
    onRunStarted?.(info, dir);
    for (const trial of planned.trials) tasks.push({ type: 'trial', run: id, experiment: planned.task, trial, saveParams: req.saveParams ?? false });
  }
  if (sweepDir) {
    const sweep: SweepInfo = {
      format: 'ntkexp-sweep/1',
      id: path.basename(sweepDir),
      experiment: req.sweep as string,
      source,
      started: new Date().toISOString(),
      status: 'running',
      runs: [...writers.values()].map((w) => ({ id: w.current.id, experiment: w.current.experiment, varied: w.current.varied ?? {} })),
    };
    writeJsonAtomic(path.join(sweepDir, SWEEP_FILE), sweep);
  }
  return { sweepDir, writers, tasks };
}

/** The estimate as run.json keeps it: three significant digits, every phase. */
function estimateRecord(estimate: RunEstimate): RunInfo['estimate'] {
  const round = (x: number): number => Number(x.toPrecision(3));
  const phases = Object.fromEntries(
    estimate.phases.map((p) => [p.phase, { seconds: round(p.seconds), ...(p.onceSeconds !== undefined ? { once_seconds: round(p.onceSeconds) } : {}), ...(p.bytes !== undefined ? { bytes: Math.round(p.bytes) } : {}) }]),
  );
  return { memory_mb: Math.round(estimate.memoryMb), seconds: round(estimate.trialSeconds), phases };
}

/** Where run folders go without --out: ntkexp-runs/ beside the .ntkexp file. */
export function defaultRunsFolder(file: string): string {
  return path.join(path.dirname(path.resolve(file)), 'ntkexp-runs');
}

/** 2026-11-28T10-41-05: sortable, and safe in file names everywhere. */
function timestamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/:/g, '-');
}

function uniqueDir(base: string): string {
  let dir = base;
  for (let i = 2; fs.existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

/** A sweep point's folder: its varied settings, e.g. `width=250,activation=smooth_relu`. */
function folderName(exp: ResolvedExperiment): string {
  const label = Object.entries(exp.varied)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`)
    .join(',');
  return (label || exp.name).replace(/[^A-Za-z0-9_.,=+-]/g, '_');
}
