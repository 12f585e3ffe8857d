import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pkg from '../../package.json';
import tfjsPkg from '@tensorflow/tfjs-core/package.json';
import type { BackendName } from '../engine/backend';
import type { ExperimentConfig } from '../engine/config';
import type { Dataset } from '../engine/data/dataset';
import { measurementSteps } from '../engine/train/schedule';
import type { ResolvedExperiment } from '../format/index';
import { estimateRun, checkFits, type RunEstimate } from './estimate';
import { paramsFileName } from './params';
import { compileResolved, datasetFor } from './prepare';
import type { EngineMessage, TrialTask } from './protocol';
import { EnginePool, type EngineEntry, type TaskOutcome } from './runner';
import { SWEEP_FILE, SWEEP_SUMMARY_FILE, type RunInfo, type RunStatus, type RunSummary, type SweepInfo, type SweepSummary } from './runFiles';
import { RunWriter, writeJsonAtomic } from './store';
import { summarizeRun, summarizeSweep } from './summary';

/**
 * Runs concrete experiments (one, or every point of a sweep) in a shared pool of engine processes and
 * keeps everything in run folders as it arrives: run.json, series.jsonl, then summary.json and the
 * report. Used by `ntkexp run` and by the editor. The parent only routes and writes; it never trains.
 */
export interface RunRequest {
  /** The .ntkexp file (for the default output folder and the record of the source). */
  readonly file: string;
  readonly text: string;
  /** Concrete experiments (sweep points expanded). */
  readonly experiments: readonly ResolvedExperiment[];
  /** Set when the experiments are the points of one sweep: its experiment name. */
  readonly sweep?: string;
  /** Output folder (default: ntkexp-runs/<experiment>-<timestamp>/ beside the file). */
  readonly out?: string;
  readonly trials?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  readonly saveParams?: boolean;
  /** Run only the trials with index ≡ index (mod count). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly entry?: EngineEntry;
  /** Memory the engines may use, MB (default: the machine's free memory less a margin). */
  readonly availableMemoryMb?: number;
}

export interface RunEvents {
  /** Every message of every run, after it has been written. */
  onMessage?(message: EngineMessage): void;
  onRunStarted?(info: RunInfo, dir: string): void;
  onRunEnded?(info: RunInfo, summary: RunSummary): void;
  onStderr?(line: string): void;
  /** Called after the summaries are written, to build report.html (the report needs the built bundle). */
  writeReport?(dir: string): void;
}

export interface RunOutcome {
  readonly status: RunStatus;
  /** The run folder, or the sweep folder. */
  readonly dir: string;
  readonly runs: readonly { readonly dir: string; readonly info: RunInfo; readonly summary: RunSummary }[];
  readonly estimate: RunEstimate;
  readonly workers: number;
  /** For a sweep: the comparison of its runs (also written to sweep-summary.json). */
  readonly sweepSummary?: SweepSummary;
}

/** A refusal before anything ran (bad input, or the run would not fit): exit code 2 in the CLI. */
export class RunRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefused';
  }
}

export class ExperimentRun {
  private pool: EnginePool | undefined;
  private cancelled = false;

  constructor(
    private readonly request: RunRequest,
    private readonly events: RunEvents = {},
  ) {}

  cancel(): void {
    this.cancelled = true;
    this.pool?.cancel();
  }

  /** Process ids of the running engines (for a test that kills one, or a status display). */
  get enginePids(): number[] {
    return this.pool?.pids ?? [];
  }

  async start(): Promise<RunOutcome> {
    const req = this.request;
    if (req.experiments.length === 0) throw new RunRefused('no experiment to run');
    const experiments = req.experiments.map((e) => withOverrides(e, req));
    let first: ExperimentConfig;
    let data: Dataset;
    try {
      // Everything that can be wrong with the input shows here, before any folder or process exists.
      for (const e of experiments.slice(1)) compileResolved(e);
      first = compileResolved(experiments[0]);
      data = datasetFor(first);
    } catch (e) {
      throw new RunRefused(e instanceof Error ? e.message : String(e));
    }
    const estimate = estimateRun(first, data.N, data.inputDim, data.outputDim, req.backend ?? 'wasm');
    const trialsFor = (total: number): number[] =>
      Array.from({ length: total }, (_, t) => t).filter((t) => !req.shard || t % req.shard.count === req.shard.index);
    const taskCount = experiments.reduce((s, e) => s + trialsFor(Number(e.settings.trials)).length, 0);
    const workers = Math.max(1, Math.min(req.workers ?? os.availableParallelism(), taskCount));
    const refusal = checkFits(estimate, workers, req.availableMemoryMb);
    if (refusal) throw new RunRefused(refusal);

    const sha256 = createHash('sha256').update(req.text).digest('hex');
    const source = { file: path.resolve(req.file), sha256 };
    const stamp = timestamp();
    const base = req.out ?? path.join(path.dirname(path.resolve(req.file)), 'ntkexp-runs', `${req.sweep ?? experiments[0].name}-${stamp}`);
    const sweepDir = req.sweep ? uniqueDir(base) : undefined;
    const writers = new Map<string, RunWriter>();
    const tasks: TrialTask[] = [];
    const started = Date.now();
    for (const exp of experiments) {
      const config = compileResolved(exp);
      const trials = trialsFor(config.trials);
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
        trials,
        trialsTotal: config.trials,
        ...(req.shard ? { shard: req.shard } : {}),
        workers,
        steps: measurementSteps(config.train.steps, config.measure),
        kmax: config.measure.moments,
        parameters: estimate.parameters,
        samples: data.N,
        estimate: { memory_mb: Math.round(estimate.memoryMb), seconds: Math.round(estimate.trialSeconds) },
      };
      const writer = RunWriter.create(dir, info);
      writers.set(id, writer);
      this.events.onRunStarted?.(info, dir);
      for (const trial of trials) tasks.push({ type: 'trial', run: id, experiment: exp, trial, saveParams: req.saveParams ?? false });
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

    const records = new Map<string, EngineMessage[]>([...writers.keys()].map((id) => [id, []]));
    this.pool = new EnginePool({
      workers,
      backend: req.backend,
      entry: req.entry,
      onStderr: this.events.onStderr,
      onMessage: (message) => {
        const writer = message.run ? writers.get(message.run) : undefined;
        if (!writer) return;
        if (message.type === 'started' && writer.current.backend !== message.backend) writer.update({ backend: message.backend });
        if (message.type === 'params') {
          const several = writer.current.trialsTotal > 1;
          writeJsonAtomic(path.join(writer.dir, paramsFileName(message.which, message.trial, several)), message.content);
        } else if (message.type !== 'progress' && message.type !== 'started') {
          writer.append(message);
          records.get(writer.current.id)?.push(message);
        }
        this.events.onMessage?.(message);
      },
    });
    if (this.cancelled) this.pool.cancel();
    const outcomes = await this.pool.run(tasks);

    const runs: { dir: string; info: RunInfo; summary: RunSummary }[] = [];
    for (const writer of writers.values()) {
      const mine = outcomes.filter((o) => o.task.run === writer.current.id);
      const status = runStatus(mine);
      const failure = mine.find((o) => o.status === 'failed');
      writer.update({
        status,
        ended: new Date().toISOString(),
        ...(failure ? { error: failure.message } : status === 'cancelled' ? { error: 'cancelled' } : {}),
        ...(failure?.stderr ? { stderr: failure.stderr } : {}),
      });
      const summary = summarizeRun(writer.current, records.get(writer.current.id) ?? [], Date.now() - started);
      writer.writeSummary(summary);
      this.events.writeReport?.(writer.dir);
      this.events.onRunEnded?.(writer.current, summary);
      runs.push({ dir: writer.dir, info: writer.current, summary });
    }
    const status = overallStatus(runs.map((r) => r.info.status));
    let sweepSummary: SweepSummary | undefined;
    if (sweepDir) {
      const sweepFile = path.join(sweepDir, SWEEP_FILE);
      const sweep = JSON.parse(fs.readFileSync(sweepFile, 'utf8')) as SweepInfo;
      writeJsonAtomic(sweepFile, { ...sweep, status, ended: new Date().toISOString() });
      sweepSummary = summarizeSweep(sweep.id, runs.map((r) => ({ id: r.info.id, varied: (r.info.varied ?? {}) as Record<string, unknown>, summary: r.summary })));
      writeJsonAtomic(path.join(sweepDir, SWEEP_SUMMARY_FILE), sweepSummary);
      this.events.writeReport?.(sweepDir);
    }
    return { status, dir: sweepDir ?? runs[0].dir, runs, estimate, workers, ...(sweepSummary ? { sweepSummary } : {}) };
  }
}

function withOverrides(exp: ResolvedExperiment, req: RunRequest): ResolvedExperiment {
  const settings = { ...exp.settings };
  if (req.trials !== undefined) settings.trials = req.trials;
  if (req.seed !== undefined) settings.seed = req.seed;
  return { ...exp, settings };
}

function runStatus(outcomes: readonly TaskOutcome[]): RunStatus {
  if (outcomes.some((o) => o.status === 'failed')) return 'failed';
  if (outcomes.some((o) => o.status === 'cancelled')) return 'cancelled';
  return 'finished';
}

function overallStatus(statuses: readonly RunStatus[]): RunStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return 'finished';
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
