import type { BackendName } from '../engine/backend';
import type { ResolvedExperiment } from '../format/index';
import type { RunEstimate } from './estimate';
import { finishRun, finishSweep, worstStatus, type FinishedRun } from './finish';
import { defaultRunsFolder, layoutRun } from './layout';
import { paramsFileName } from './params';
import { planRun } from './plan';
import type { EngineMessage } from './protocol';
import { EnginePool, type EngineEntry } from './runner';
import type { RunInfo, RunStatus, RunSummary, SweepSummary } from './runFiles';
import { writeJsonAtomic } from './store';
import * as path from 'node:path';

export { RunRefused } from './plan';

/**
 * Runs concrete experiments (one, or every point of a sweep) in a shared pool of engine processes and
 * keeps everything in run folders as it arrives. Used by `ntkexp run` and by the editor. Three stages:
 * plan (plan.ts: compile, read the data, estimate, refuse), lay out the folders (layout.ts), execute
 * in the pool (here: the parent only routes and writes; it never trains), finish (finish.ts: status,
 * summaries, reports).
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
  /** Free bytes on the disk that receives the run (default: measured). */
  readonly freeDiskBytes?: number;
  /** Refuse a run estimated to take longer than this many hours (default a week: limits.ts DEFAULT_MAX_HOURS). */
  readonly maxHours?: number;
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
  readonly runs: readonly FinishedRun[];
  /** The costliest experiment's estimate (in full for a run just made; its run.json figures for a stored one). */
  readonly estimate: Pick<RunEstimate, 'memoryMb' | 'trialSeconds' | 'parameters'>;
  readonly workers: number;
  /** For a sweep: the comparison of its runs (also written to sweep-summary.json). */
  readonly sweepSummary?: SweepSummary;
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
    const plan = planRun({ ...req, outputDir: req.out ?? defaultRunsFolder(req.file) });
    const { sweepDir, writers, tasks } = layoutRun(plan, req, this.events.onRunStarted);
    const started = Date.now();
    const records = new Map<string, EngineMessage[]>([...writers.keys()].map((id) => [id, []]));
    this.pool = new EnginePool({
      workers: plan.workers,
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

    const runs = [...writers.values()].map((writer) => finishRun(writer, outcomes, records.get(writer.current.id) ?? [], Date.now() - started, this.events));
    const status = worstStatus(runs.map((r) => r.info.status));
    const sweepSummary = sweepDir ? finishSweep(sweepDir, runs, this.events) : undefined;
    return { status, dir: sweepDir ?? runs[0].dir, runs, estimate: plan.estimate, workers: plan.workers, ...(sweepSummary ? { sweepSummary } : {}) };
  }
}
