import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
// Named imports: the bundles keep the version strings only, not the package.json files (tfjs-core's is
// the only piece of TensorFlow.js the extension host's bundle would otherwise hold).
import { version as ntkexpVersion } from '../../package.json';
import { version as tfjsVersion } from '@tensorflow/tfjs-core/package.json';
import { measurementSteps } from '../engine/train/schedule';
import type { ResolvedExperiment } from '../format/index';
import type { RunEstimate } from './estimate';
import type { RunPlan } from './plan';
import type { TrialTask } from '../contracts/engineMessages';
import { RUN_FILE, SERIES_FILE, SWEEP_FILE } from './runFiles';
import type { RunInfo, SweepInfo } from '../contracts/runStore';
import { RunWriter } from './store';
import { makeFolder, removeQuietly, SpaceReserve, writeJsonAtomic, WriteFailed } from './storeWrites';

/**
 * The second stage of a run: its folders on disk. One run folder per experiment (inside the sweep's
 * folder for a sweep), each with run.json written before any engine starts, a space reserve in the
 * output folder (storeWrites.ts), and the tasks (one per trial) that the engines will execute. When a
 * folder or file cannot be written, nothing is left behind: what this stage made is removed and the
 * `WriteFailed` goes to the caller (nothing could start).
 */
export interface LayoutRequest {
  /** The .ntkexp file (for the default output folder and the record of the source). */
  readonly file: string;
  readonly text: string;
  /** Set when the experiments are the points of one sweep: its experiment name. */
  readonly sweep?: string;
  /** Output folder, already checked (outFolder.ts) (default: ntkexp-runs/<experiment>-<timestamp>/ beside the file). */
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
  /** Space held on the output's disk until the run has recorded how it ended. */
  readonly reserve: SpaceReserve;
}

export function layoutRun(plan: RunPlan, req: LayoutRequest): RunLayout {
  const made: string[] = [];
  try {
    return layoutFolders(plan, req, made);
  } catch (error) {
    if (error instanceof WriteFailed) for (const p of made.reverse()) removeQuietly(p);
    throw error;
  }
}

/** Lay out the folders, listing in `made` everything created (to be removed if a later write fails). */
function layoutFolders(plan: RunPlan, req: LayoutRequest, made: string[]): RunLayout {
  const sha256 = createHash('sha256').update(req.text).digest('hex');
  const source = { file: path.resolve(req.file), sha256 };
  const first = plan.experiments[0].resolved;
  const base = req.out ?? path.join(defaultRunsFolder(req.file), fitName(`${req.sweep ?? first.name}-${timestamp()}`));
  const folder = (dir: string): string => {
    const created = makeFolder(dir);
    if (created) made.push(created);
    return dir;
  };
  const sweepDir = req.sweep ? folder(req.out ?? uniqueDir(base)) : undefined;
  const top = sweepDir ?? folder(req.out ?? uniqueDir(base));
  const reserve = SpaceReserve.hold(top);
  made.push(reserve.file);
  const writers = new Map<string, RunWriter>();
  const tasks: TrialTask[] = [];
  for (const planned of plan.experiments) {
    const { resolved: exp, config, data, estimate } = planned;
    const dir = sweepDir ? folder(path.join(sweepDir, folderName(exp))) : top;
    made.push(path.join(dir, SERIES_FILE), path.join(dir, RUN_FILE));
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
      versions: { ntkexp: ntkexpVersion, tfjs: tfjsVersion, node: process.version },
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
      estimate: estimateRecord(estimate, plan.seconds),
    };
    writers.set(id, RunWriter.create(dir, info));
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
    made.push(path.join(sweepDir, SWEEP_FILE));
    writeJsonAtomic(path.join(sweepDir, SWEEP_FILE), sweep);
  }
  return { sweepDir, writers, tasks, reserve };
}

/** The estimate as run.json keeps it: three significant digits, every phase. */
function estimateRecord(estimate: RunEstimate, runSeconds: number): RunInfo['estimate'] {
  const round = (x: number): number => Number(x.toPrecision(3));
  const phases = Object.fromEntries(
    estimate.phases.map((p) => [p.phase, { seconds: round(p.seconds), ...(p.onceSeconds !== undefined ? { once_seconds: round(p.onceSeconds) } : {}), ...(p.bytes !== undefined ? { bytes: Math.round(p.bytes) } : {}) }]),
  );
  return { memory_mb: Math.round(estimate.memoryMb), seconds: round(estimate.trialSeconds), run_seconds: round(runSeconds), phases };
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
  return fitName((label || exp.name).replace(/[^A-Za-z0-9_.,=+-]/g, '_'));
}

/**
 * File systems take names of at most 255 bytes. A folder name made from the file (an experiment's name,
 * a sweep point's settings) longer than MAX_NAME_BYTES is cut, and a hash of the whole name keeps
 * different long names apart; room is left for the `-2` of a second run in the same second.
 */
const MAX_NAME_BYTES = 200;

export function fitName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  let cut = name.slice(0, MAX_NAME_BYTES - hash.length - 1);
  while (Buffer.byteLength(cut, 'utf8') > MAX_NAME_BYTES - hash.length - 1) cut = cut.slice(0, -1);
  return `${cut}~${hash}`;
}
