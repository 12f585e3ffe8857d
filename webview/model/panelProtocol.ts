/**
 * What the extension posts to the panel, and what the panel posts back. Engine messages
 * (src/run/protocol.ts) travel as they are or in batches (the extension batches to about ten posts a
 * second and replays the full data when a panel opens or becomes visible again); the envelopes carry
 * the run folder's files; validate.ts checks each member.
 */
import type { EngineMessage, RunInfo, RunSummary, SweepInfo, SweepSummary } from './types';

export type PanelMessage =
  | EngineMessage
  | { type: 'batch'; messages: EngineMessage[] }
  /** run.json of a run the panel shows (a compare or sweep panel receives several). */
  | { type: 'runInfo'; info: RunInfo }
  | { type: 'summary'; summary: RunSummary }
  | { type: 'sweepInfo'; info: SweepInfo; summary?: SweepSummary }
  /** Something the panel should say about the files it shows (a damaged run.json, records skipped). */
  | { type: 'notice'; text: string }
  /** Forget all data (before a full replay). */
  | { type: 'reset' };

