import type { BackendName } from '../engine/backend';
import type { ResolvedExperiment } from '../format/index';
import type { RunEstimate } from './estimate';
import { finishRun, finishSweep, worstStatus, type FinishedRun, type FinishContext, type FinishedSweep, type Halt } from './finish';
import { defaultRunsFolder, layoutRun, type RunLayout } from './layout';
import { checkOutFolder, removeReplacedFolder } from './outFolder';
import { paramsFileName } from './params';
import { planRun, RunRefused, type RunPlan } from './plan';
import { isStoredRecord, type EngineMessage, type StartedMessage } from '../contracts/engineMessages';
import { combineCompute } from './compute';
import { EnginePool, type EngineEntry } from './runner';
import type { RunInfo, RunStatus, RunSummary, SweepSummary } from '../contracts/runStore';
import type { RunWriter } from './store';
import { writeJsonAtomic, WriteFailed, type SpaceReserve } from './storeWrites';
import * as path from 'node:path';

export { RunRefused } from './plan';

/**
 * Runs concrete experiments (one, or every point of a sweep) in a shared pool of engine processes and
 * keeps everything in run folders as it arrives. Used by `ntkexp run` and by the editor. Three stages:
 * plan (plan.ts: compile, read the data, estimate, refuse), lay out the folders (layout.ts), execute
 * in the pool (here: the parent only routes and writes; it never trains), finish (finish.ts: status,
 * summaries, reports). A write that fails while the run goes (a full disk, a folder made read-only)
 * stops the whole run at once: the engines are cancelled and every run not finished ends as failed
 * with the reason; one that fails before anything started is a refusal (`RunRefused`).
 */
export interface RunRequest {
  /** The .ntkexp file (for the default output folder and the record of the source). */
  readonly file: string;
  readonly text: string;
  /** Concrete experiments (sweep points expanded). */
  readonly experiments: readonly ResolvedExperiment[];
  /** Set when the experiments are the points of one sweep: its experiment name. */
  readonly sweep?: string;
  /**
   * Output folder (default: ntkexp-runs/<experiment>-<timestamp>/ beside the file, made unique). It must
   * not exist, or be empty (outFolder.ts), unless `overwrite` lets it replace an earlier run or sweep folder.
   */
  readonly out?: string;
  readonly overwrite?: boolean;
  readonly trials?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  /** Threads per engine (default: the cores left to each engine); workers × threads ≤ cores. */
  readonly threads?: number;
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
  /** For a sweep whose own files (sweep.json, sweep-summary.json, report) could not be written: why. */
  readonly sweepError?: string;
  /** Why sweep.json could not be updated to say how the sweep ended. */
  readonly sweepUnrecorded?: string;
}

export class ExperimentRun {
  private pool: EnginePool | undefined;
  private cancelled = false;
  private layout: RunLayout | undefined;
  /** The write that failed while the run went, and stopped it. */
  private halt: Halt | undefined;

  constructor(
    private readonly request: RunRequest,
    private readonly events: RunEvents = {},
  ) {}

  cancel(): void {
    this.cancelled = true;
    this.pool?.cancel();
  }

  /**
   * Stop at once, for a process about to exit (a second Ctrl-C): the engines are killed now, and each run
   * still going is marked cancelled in its run.json with `reason`, as far as that can be written.
   */
  abort(reason: string): void {
    this.cancelled = true;
    this.pool?.kill();
    for (const writer of this.layout?.writers.values() ?? []) {
      if (writer.current.status !== 'running') continue;
      try {
        writer.update({ status: 'cancelled', ended: new Date().toISOString(), error: reason });
      } catch (error) {
        if (!(error instanceof WriteFailed)) throw error;
      }
    }
    this.layout?.reserve.release();
  }

  /** Process ids of the running engines (for a test that kills one, or a status display). */
  get enginePids(): number[] {
    return this.pool?.pids ?? [];
  }

  /** Plan (compile, estimate, refuse), lay out the folders, execute the trials, finish the runs. */
  async start(): Promise<RunOutcome> {
    const req = this.request;
    const out = req.out === undefined ? undefined : checkOutFolder(req.out, req.overwrite === true);
    const plan = planRun({ ...req, outputDir: req.out ?? defaultRunsFolder(req.file) });
    if (out) removeReplacedFolder(out);
    let layout: RunLayout;
    try {
      layout = layoutRun(plan, req);
    } catch (error) {
      if (error instanceof WriteFailed) throw new RunRefused(error.message);
      throw error;
    }
    this.layout = layout;
    try {
      const started = Date.now();
      const { outcomes, records } = await this.execute(plan, layout);
      return this.finish(plan, layout, outcomes, records, Date.now() - started);
    } finally {
      layout.reserve.release();
    }
  }

  /** The trials on the engine pool, every message routed into its run folder as it arrives. */
  private async execute(plan: RunPlan, layout: RunLayout): Promise<{ outcomes: Awaited<ReturnType<EnginePool['run']>>; records: Map<string, EngineMessage[]> }> {
    const { writers, tasks, reserve } = layout;
    for (const writer of writers.values()) this.events.onRunStarted?.(writer.current, writer.dir);
    const records = new Map<string, EngineMessage[]>([...writers.keys()].map((id) => [id, []]));
    this.pool = new EnginePool({
      workers: plan.workers,
      threads: plan.threads,
      backend: this.request.backend,
      entry: this.request.entry,
      onStderr: this.events.onStderr,
      onMessage: (message) => {
        const writer = message.run ? writers.get(message.run) : undefined;
        if (writer) this.route(message, writer, records.get(writer.current.id) as EngineMessage[], reserve);
      },
    });
    if (this.cancelled) this.pool.cancel();
    return { outcomes: await this.pool.run(tasks), records };
  }

  /** Each run's summary, status and report, then the sweep's: what the run folders say at the end. */
  private finish(plan: RunPlan, layout: RunLayout, outcomes: Awaited<ReturnType<EnginePool['run']>>, records: Map<string, EngineMessage[]>, elapsedMs: number): RunOutcome {
    const { sweepDir, writers, reserve } = layout;
    const ctx: FinishContext = {
      ...(this.halt ? { halt: this.halt } : {}),
      onRunEnded: (info, summary) => this.events.onRunEnded?.(info, summary),
      writeReport: (dir) => this.events.writeReport?.(dir),
      // A full disk: the reserve's space is what lets run.json still say why the run failed.
      onWriteFailed: (failure) => {
        if (failure.outOfSpace) reserve.release();
      },
    };
    const runs = [...writers.values()].map((writer) => finishRun(writer, outcomes, records.get(writer.current.id) ?? [], elapsedMs, ctx));
    const sweep: FinishedSweep | undefined = sweepDir ? finishSweep(sweepDir, runs, ctx) : undefined;
    const status = worstStatus([...runs.map((r) => r.info.status), ...(sweep ? [sweep.status] : [])]);
    return {
      status,
      dir: sweepDir ?? runs[0].dir,
      runs,
      estimate: plan.estimate,
      workers: plan.workers,
      ...(sweep ? { sweepSummary: sweep.summary } : {}),
      ...(sweep?.error ? { sweepError: sweep.error } : {}),
      ...(sweep?.unrecorded ? { sweepUnrecorded: sweep.unrecorded } : {}),
    };
  }

  /**
   * One engine message into its run folder, then to the listeners. Once a write has failed, nothing more
   * is written for any run (the run is stopping, and what space there is left is for recording why), and
   * only the ends of trials are passed on (what was not stored is not shown).
   */
  private route(message: EngineMessage, writer: RunWriter, records: EngineMessage[], reserve: SpaceReserve): void {
    const trialEnd = message.type === 'finished' || message.type === 'failed' || message.type === 'cancelled';
    if (this.halt) {
      if (trialEnd) this.events.onMessage?.(message);
      return;
    }
    try {
      if (message.type === 'started') recordCompute(writer, message);
      if (message.type === 'params') {
        const several = writer.current.trialsTotal > 1;
        writeJsonAtomic(path.join(writer.dir, paramsFileName(message.which, message.trial, several)), message.content);
      } else if (isStoredRecord(message)) {
        writer.append(message);
        records.push(message);
      }
    } catch (error) {
      if (!(error instanceof WriteFailed)) throw error;
      this.halt = { failure: error, run: writer.current.id };
      if (error.outOfSpace) reserve.release();
      this.pool?.cancel();
      if (trialEnd) this.events.onMessage?.(message);
      return;
    }
    this.events.onMessage?.(message);
  }
}

/** run.json's backend and product follow what the engines report when they start (the plan cannot know). */
function recordCompute(writer: RunWriter, started: StartedMessage): void {
  const current = writer.current;
  const backend = current.backend === 'auto' || current.backend === started.backend ? started.backend : `${current.backend}+${started.backend}`;
  const compute = combineCompute([current.compute, started.compute]);
  if (backend !== current.backend || JSON.stringify(compute) !== JSON.stringify(current.compute)) writer.update({ backend, ...(compute ? { compute } : {}) });
}
