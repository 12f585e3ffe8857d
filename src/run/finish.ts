import * as path from 'node:path';
import type { EngineMessage } from '../contracts/engineMessages';
import { readSweepInfo } from './readStore';
import type { TaskOutcome } from './runner';
import { SWEEP_FILE, SWEEP_SUMMARY_FILE } from './runFiles';
import type { RunInfo, RunStatus, RunSummary, SweepSummary } from '../contracts/runStore';
import type { RunWriter } from './store';
import { writeJsonAtomic, WriteFailed } from './storeWrites';
import { summarizeRun, summarizeSweep } from './summary';

/**
 * The last stage of a run: each run folder's status (from its trials' outcomes), summary.json and
 * report, then, for a sweep, sweep.json's status and sweep-summary.json. A folder's results are written
 * before its status file, so a run.json that says how the run ended comes with its summary. A write that
 * fails (here, or while the run went: `Halt`) ends the run as `failed` with the reason, recorded in
 * run.json where that can still be written; where it cannot, `unrecorded` says why.
 */
export interface FinishedRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly summary: RunSummary;
  /** Why run.json could not be updated to say how the run ended (it still says what it said before). */
  readonly unrecorded?: string;
}

export interface FinishHooks {
  onRunEnded?(info: RunInfo, summary: RunSummary): void;
  writeReport?(dir: string): void;
}

/** The write that failed while the run went, and stopped it (a whole sweep stops). */
export interface Halt {
  readonly failure: WriteFailed;
  /** The run whose write it was. */
  readonly run: string;
}

export interface FinishContext extends FinishHooks {
  readonly halt?: Halt;
  /** Told of each write that fails while finishing (the caller frees its space reserve). */
  onWriteFailed?(failure: WriteFailed): void;
}

export function finishRun(writer: RunWriter, outcomes: readonly TaskOutcome[], records: readonly EngineMessage[], elapsedMs: number, ctx: FinishContext): FinishedRun {
  const id = writer.current.id;
  const mine = outcomes.filter((o) => o.task.run === id);
  const status = worstStatus(mine.map((o) => o.status));
  if (ctx.halt?.run === id) return finishFailed(writer, records, elapsedMs, ctx, ctx.halt.failure.message, true);
  if (ctx.halt && status !== 'finished') return finishFailed(writer, records, elapsedMs, ctx, `stopped with the rest of the sweep: ${ctx.halt.failure.message}`, true);
  const failure = mine.find((o) => o.status === 'failed');
  const patch: Partial<RunInfo> = {
    status,
    ended: new Date().toISOString(),
    ...(failure ? { error: failure.message } : status === 'cancelled' ? { error: 'cancelled' } : {}),
    ...(failure?.stderr ? { stderr: failure.stderr } : {}),
  };
  const summary = summarizeRun({ ...writer.current, ...patch }, records, elapsedMs);
  try {
    writer.writeSummary(summary);
    writer.update(patch);
    ctx.writeReport?.(writer.dir);
  } catch (error) {
    if (!(error instanceof WriteFailed)) throw error;
    ctx.onWriteFailed?.(error);
    return finishFailed(writer, records, elapsedMs, ctx, error.message, false);
  }
  ctx.onRunEnded?.(writer.current, summary);
  return { dir: writer.dir, info: writer.current, summary };
}

/**
 * End a run as failed because a write failed: run.json first (the one file that must say so), then, for
 * a run stopped while it went, the summary of what it had flushed and the report, as far as they go.
 */
function finishFailed(writer: RunWriter, records: readonly EngineMessage[], elapsedMs: number, ctx: FinishContext, reason: string, withResults: boolean): FinishedRun {
  let unrecorded: string | undefined;
  try {
    writer.update({ status: 'failed', ended: new Date().toISOString(), error: reason });
  } catch (error) {
    if (!(error instanceof WriteFailed)) throw error;
    unrecorded = error.message;
  }
  const summary = summarizeRun(writer.current, records, elapsedMs);
  if (withResults && !unrecorded) {
    attempt(() => writer.writeSummary(summary));
    attempt(() => ctx.writeReport?.(writer.dir));
  }
  ctx.onRunEnded?.(writer.current, summary);
  return { dir: writer.dir, info: writer.current, summary, ...(unrecorded ? { unrecorded } : {}) };
}

export interface FinishedSweep {
  readonly summary: SweepSummary;
  readonly status: RunStatus;
  /** Why the sweep's own files could not be finished, if they could not. */
  readonly error?: string;
  /** Why sweep.json could not be updated to say how the sweep ended. */
  readonly unrecorded?: string;
}

export function finishSweep(sweepDir: string, runs: readonly FinishedRun[], ctx: FinishContext): FinishedSweep {
  const sweepFile = path.join(sweepDir, SWEEP_FILE);
  const sweep = readSweepInfo(sweepDir);
  const status = worstStatus(runs.map((r) => r.info.status));
  const summary = summarizeSweep(sweep.id, runs.map((r) => ({ id: r.info.id, varied: (r.info.varied ?? {}) as Record<string, unknown>, summary: r.summary })));
  const ended = new Date().toISOString();
  try {
    writeJsonAtomic(path.join(sweepDir, SWEEP_SUMMARY_FILE), summary);
    writeJsonAtomic(sweepFile, { ...sweep, status, ended, ...(ctx.halt ? { error: ctx.halt.failure.message } : {}) });
    ctx.writeReport?.(sweepDir);
    return { summary, status };
  } catch (error) {
    if (!(error instanceof WriteFailed)) throw error;
    ctx.onWriteFailed?.(error);
    try {
      writeJsonAtomic(sweepFile, { ...sweep, status: 'failed', ended, error: error.message });
      return { summary, status: 'failed', error: error.message };
    } catch (again) {
      if (!(again instanceof WriteFailed)) throw again;
      return { summary, status: 'failed', error: error.message, unrecorded: again.message };
    }
  }
}

/** Try a write whose failure changes nothing more (the run is already recorded as failed). */
function attempt(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!(error instanceof WriteFailed)) throw error;
  }
}

/** A run (or sweep) is as bad as its worst part: failed, then cancelled, else finished. */
export function worstStatus(statuses: readonly (TaskOutcome['status'] | RunStatus)[]): RunStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return 'finished';
}
