/**
 * The one message union shared by the engine process, the runner, the CLI, the extension and the
 * webview (DESIGN.md "Messages and results"). Every message is plain JSON. The records that a run
 * stores (`measurement`, `surface`, `theory`) are the same objects that are posted live, so a panel
 * opened on an old run and a panel watching a live one draw from the same data.
 *
 * Engine → parent: `EngineMessage`. Parent → engine: `EngineCommand`.
 */
import type { ComputePath } from '../engine/backend';
import type { MeasurementRecord, SurfaceRecord } from '../engine/records';
import type { TheoryLines } from '../engine/theory';
import type { ParamsFile } from './params';

export type { MeasurementRecord, SurfaceRecord, Moments } from '../engine/records';

/** Which experiment of a run (or sweep) a message belongs to. */
export interface Origin {
  /** Run id (the run folder's name). */
  run?: string;
  trial: number;
}

export interface StartedMessage extends Origin {
  readonly type: 'started';
  readonly backend: string;
  readonly compute?: ComputePath;
  readonly pid: number;
  /** P, N and nL of the trial's network and data. */
  readonly parameters: number;
  readonly samples: number;
  readonly outputs: number;
}

export interface ProgressMessage extends Origin {
  readonly type: 'progress';
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly measurements: number;
  readonly measurementsTotal: number;
  readonly elapsed_ms: number;
}

export interface TheoryMessage extends Origin {
  readonly type: 'theory';
  readonly lines: TheoryLines;
}

export interface LogMessage extends Origin {
  readonly type: 'log';
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface FinishedMessage extends Origin {
  readonly type: 'finished';
  readonly steps: number;
  readonly loss: number;
  readonly elapsed_ms: number;
}

/** A trial that failed: `message` is something a person can act on (what happened, where, what to do). */
export interface FailedMessage extends Origin {
  readonly type: 'failed';
  readonly message: string;
  /** The step it failed at, when known (divergence). */
  readonly step?: number;
  /** The last lines of the engine's stderr, for a crash. */
  readonly stderr?: string;
}

export interface CancelledMessage extends Origin {
  readonly type: 'cancelled';
  readonly step: number;
}

/** A trial's parameters at the start or end, when `--save-params` asked for them: the file's content (params.ts). */
export interface ParamsMessage extends Origin {
  readonly type: 'params';
  readonly which: 'initial' | 'final';
  readonly content: ParamsFile;
}

export type EngineMessage =
  | StartedMessage
  | ProgressMessage
  | (MeasurementRecord & Origin)
  | (SurfaceRecord & Origin)
  | TheoryMessage
  | LogMessage
  | FinishedMessage
  | FailedMessage
  | CancelledMessage
  | ParamsMessage;

/** What an engine process is asked to do: trials of one resolved experiment (compiled in the engine). */
export interface TrialTask {
  readonly type: 'trial';
  readonly run: string;
  /** The resolved experiment, JSON (format's ResolvedExperiment: every default filled, formulas as text). */
  readonly experiment: unknown;
  readonly trial: number;
  readonly saveParams: boolean;
}

export type EngineCommand = TrialTask | { readonly type: 'cancel' } | { readonly type: 'exit' };

/** The environment variable through which the runner tells an engine its parent's pid (the engine's watchdog checks it). */
export const PARENT_PID_ENV = 'NTKEXP_PARENT_PID';

const ENGINE_TYPES = new Set(['started', 'progress', 'measurement', 'surface', 'theory', 'log', 'finished', 'failed', 'cancelled', 'params']);

/** A structural check of a message received over IPC (or from a webview) before it is trusted. */
export function isEngineMessage(value: unknown): value is EngineMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; trial?: unknown };
  return typeof m.type === 'string' && ENGINE_TYPES.has(m.type) && typeof m.trial === 'number' && Number.isInteger(m.trial) && m.trial >= 0;
}

export function isEngineCommand(value: unknown): value is EngineCommand {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; trial?: unknown; run?: unknown };
  if (m.type === 'cancel' || m.type === 'exit') return true;
  return m.type === 'trial' && typeof m.run === 'string' && typeof m.trial === 'number' && Number.isInteger(m.trial) && m.trial >= 0;
}
