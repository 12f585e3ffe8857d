/**
 * What the extension posts to a run panel, and what the panel posts back. Engine messages travel as they
 * are or in batches (the extension batches to about ten posts a second and replays the full data when a
 * panel opens or becomes visible again); the envelopes carry the run folder's files. A batch with some
 * unreadable members is accepted with the rest (one bad record does not hide a run); the result says how
 * many were left out and why the first was.
 */
import { arrayOf, keepValid, literal, nonNegInt, object, optional, str, validate, type Check, type Infer, type Validation } from './checks';
import { describeShallow, engineMessageCheck, typeOf, type EngineMessage } from './engineMessages';
import { runInfoCheck, runSummaryCheck, sweepInfoCheck, sweepSummaryCheck } from './runStore';

/** Largest batch the panel accepts in one post (the extension sends about ten posts a second). */
export const MAX_BATCH = 100_000;
/** Longest notice the panel shows (a sentence, with a path and a reason). */
export const MAX_NOTICE = 2_000;

const notice: Check<string> = (v, p) => str(v, p) ?? ((v as string).length <= MAX_NOTICE ? undefined : `${p}: expected at most ${MAX_NOTICE} characters, got ${(v as string).length}`);

const ENVELOPES = {
  /** run.json of a run the panel shows (a compare or sweep panel receives several). */
  runInfo: object({ type: literal('runInfo'), info: runInfoCheck }),
  summary: object({ type: literal('summary'), summary: runSummaryCheck }),
  sweepInfo: object({ type: literal('sweepInfo'), info: sweepInfoCheck, summary: optional(sweepSummaryCheck) }),
  /** Something the panel should say about the files it shows (a damaged run.json, records skipped). */
  notice: object({ type: literal('notice'), text: notice }),
} as const;
type Envelope = { [K in keyof typeof ENVELOPES]: Infer<(typeof ENVELOPES)[K]> }[keyof typeof ENVELOPES];

/** What the panel receives: an engine message, a batch of them, an envelope, or `reset` (forget all data, before a full replay). */
export type PanelMessage = EngineMessage | { type: 'batch'; messages: EngineMessage[] } | Envelope | { type: 'reset' };

/** A batch: its readable messages, and how many were not. */
function checkBatch(value: Record<string, unknown>): Validation<PanelMessage> {
  const messages = value.messages;
  if (!Array.isArray(messages)) return { ok: false, error: `batch.messages: expected an array, got ${describeShallow(messages)}` };
  if (messages.length > MAX_BATCH) return { ok: false, error: `batch.messages: expected at most ${MAX_BATCH} messages, got ${messages.length}` };
  const { valid, skipped } = keepValid(messages, engineMessageCheck, (i) => `batch.messages[${i}]`);
  return { ok: true, value: { type: 'batch', messages: valid }, ...(skipped ? { skipped } : {}) };
}

/** A message posted to the panel: an engine message, or one of the panel's envelopes. */
export function checkPanelMessage(value: unknown): Validation<PanelMessage> {
  const type = typeOf(value);
  if (type === 'batch') return checkBatch(value as Record<string, unknown>);
  if (type === 'reset') return { ok: true, value: { type: 'reset' } };
  if (type !== undefined && Object.hasOwn(ENVELOPES, type)) return validate(value, ENVELOPES[type as keyof typeof ENVELOPES] as Check<Envelope>, type);
  return validate(value, engineMessageCheck, '');
}

// ——— what the panel posts back ———

/**
 * Messages a panel's webview sends to the extension, checked before anything acts on them: a webview
 * runs third-party code (Chart.js, the UI toolkit) and its messages are untrusted input. An exported
 * chart has a file-name-safe name (e.g. `moments-H`), a PNG data URL and its CSV.
 */
const NAME = /^[A-Za-z0-9_.-]{1,80}$/;
const PNG_PREFIX = 'data:image/png;base64,';
const MAX_PNG = 20_000_000;
const MAX_CSV = 20_000_000;
const MAX_REASON = 500;

const chartName: Check<string> = (v, p) => str(v, p) ?? (NAME.test(v as string) ? undefined : `${p}: expected a name of letters, digits, _ . - (at most 80)`);
const png: Check<string> = (v, p) =>
  str(v, p) ??
  ((v as string).startsWith(PNG_PREFIX) && (v as string).length <= MAX_PNG && /^[A-Za-z0-9+/=]*$/.test((v as string).slice(PNG_PREFIX.length)) ? undefined : `${p}: expected a PNG data URL`);
const csv: Check<string> = (v, p) => str(v, p) ?? ((v as string).length <= MAX_CSV ? undefined : `${p}: expected at most ${MAX_CSV} characters`);
const exportedChartCheck = object({ name: chartName, png, csv });
export type ExportedChart = Infer<typeof exportedChartCheck>;

const REPLIES = {
  ready: object({ type: literal('ready') }),
  rejected: object({ type: literal('rejected'), reason: str }),
  exported: object({ type: literal('exported'), request: nonNegInt, charts: arrayOf(exportedChartCheck, { max: 50 }) }),
} as const;
export type PanelReply = { [K in keyof typeof REPLIES]: Infer<(typeof REPLIES)[K]> }[keyof typeof REPLIES];

/** The reply, holding only the fields it declares (a long reason cut to MAX_REASON), or undefined when it does not fit. */
export function validateReply(value: unknown): PanelReply | undefined {
  const type = typeOf(value);
  if (type === undefined || !Object.hasOwn(REPLIES, type)) return undefined;
  const checked = validate(value, REPLIES[type as keyof typeof REPLIES] as Check<PanelReply>, 'reply');
  if (!checked.ok) return undefined;
  const m = checked.value;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'rejected':
      return { type: 'rejected', reason: m.reason.slice(0, MAX_REASON) };
    case 'exported':
      return { type: 'exported', request: m.request, charts: m.charts.map(({ name, png, csv }) => ({ name, png, csv })) };
  }
}
