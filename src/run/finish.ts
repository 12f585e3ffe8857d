import * as path from 'node:path';
import type { EngineMessage } from './protocol';
import { readSweepInfo } from './readStore';
import type { TaskOutcome } from './runner';
import { SWEEP_FILE, SWEEP_SUMMARY_FILE, type RunInfo, type RunStatus, type RunSummary, type SweepSummary } from './runFiles';
import type { RunWriter } from './store';
import { writeJsonAtomic } from './store';
import { summarizeRun, summarizeSweep } from './summary';

/**
 * The last stage of a run: each run folder's status (from its trials' outcomes), summary.json and
 * report, then, for a sweep, sweep.json's status and sweep-summary.json.
 */
export interface FinishedRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly summary: RunSummary;
}

export interface FinishHooks {
  onRunEnded?(info: RunInfo, summary: RunSummary): void;
  writeReport?(dir: string): void;
}

export function finishRun(writer: RunWriter, outcomes: readonly TaskOutcome[], records: readonly EngineMessage[], elapsedMs: number, hooks: FinishHooks): FinishedRun {
  const mine = outcomes.filter((o) => o.task.run === writer.current.id);
  const status = worstStatus(mine.map((o) => o.status));
  const failure = mine.find((o) => o.status === 'failed');
  writer.update({
    status,
    ended: new Date().toISOString(),
    ...(failure ? { error: failure.message } : status === 'cancelled' ? { error: 'cancelled' } : {}),
    ...(failure?.stderr ? { stderr: failure.stderr } : {}),
  });
  const summary = summarizeRun(writer.current, records, elapsedMs);
  writer.writeSummary(summary);
  hooks.writeReport?.(writer.dir);
  hooks.onRunEnded?.(writer.current, summary);
  return { dir: writer.dir, info: writer.current, summary };
}

export function finishSweep(sweepDir: string, runs: readonly FinishedRun[], hooks: FinishHooks): SweepSummary {
  const sweepFile = path.join(sweepDir, SWEEP_FILE);
  const sweep = readSweepInfo(sweepDir);
  writeJsonAtomic(sweepFile, { ...sweep, status: worstStatus(runs.map((r) => r.info.status)), ended: new Date().toISOString() });
  const summary = summarizeSweep(sweep.id, runs.map((r) => ({ id: r.info.id, varied: (r.info.varied ?? {}) as Record<string, unknown>, summary: r.summary })));
  writeJsonAtomic(path.join(sweepDir, SWEEP_SUMMARY_FILE), summary);
  hooks.writeReport?.(sweepDir);
  return summary;
}

/** A run (or sweep) is as bad as its worst part: failed, then cancelled, else finished. */
export function worstStatus(statuses: readonly (TaskOutcome['status'] | RunStatus)[]): RunStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return 'finished';
}
