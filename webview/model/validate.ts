/**
 * Every message the panel receives and every record a report inlines passes through here before the
 * model uses it: the checks of src/contracts (the same the Node side reads the run store with), given
 * the panel's types.
 */
import { validate, type Validation } from '../../src/contracts/checks';
import { engineMessageCheck } from '../../src/contracts/engineMessages';
import { checkPanelMessage } from '../../src/contracts/panelMessages';
import { runInfoCheck, runSummaryCheck, sweepInfoCheck, sweepSummaryCheck } from '../../src/contracts/runStore';
import type { PanelMessage } from '../../src/contracts/panelMessages';
import type { EngineMessage, RunInfo, RunSummary, SweepInfo, SweepSummary } from './types';

export type { Validation } from '../../src/contracts/checks';

/** One message of the engine's union (src/contracts/engineMessages.ts), checked field by field. */
export const validateEngineMessage = (v: unknown): Validation<EngineMessage> => validate(v, engineMessageCheck, '');
export const validateRunInfo = (v: unknown): Validation<RunInfo> => validate(v, runInfoCheck, 'run.json');
export const validateRunSummary = (v: unknown): Validation<RunSummary> => validate(v, runSummaryCheck, 'summary.json');
export const validateSweepInfo = (v: unknown): Validation<SweepInfo> => validate(v, sweepInfoCheck, 'sweep.json');
export const validateSweepSummary = (v: unknown): Validation<SweepSummary> => validate(v, sweepSummaryCheck, 'sweep summary');

/** A message posted to the panel: an engine message, or one of the panel's envelopes (a batch keeps its readable members). */
export const validatePanelMessage = (v: unknown): Validation<PanelMessage> => checkPanelMessage(v);
