/**
 * What the extension posts to a run panel (webview/model/panelProtocol.ts has the types): engine
 * messages, alone or in batches, and the envelopes that carry the run folder's files. A batch with some
 * unreadable members is accepted with the rest (one bad record does not hide a run); the result says how
 * many were left out and why the first was.
 */
import { keepValid, object, optional, str, validate, type Check, type Validation } from './checks';
import { describeShallow, engineMessageCheck, typeOf } from './engineMessages';
import { runInfoCheck, runSummaryCheck, sweepInfoCheck, sweepSummaryCheck } from './runStore';

/** Largest batch the panel accepts in one post (the extension sends about ten posts a second). */
export const MAX_BATCH = 100_000;
/** Longest notice the panel shows (a sentence, with a path and a reason). */
export const MAX_NOTICE = 2_000;

const notice: Check = (v, p) => str(v, p) ?? ((v as string).length <= MAX_NOTICE ? undefined : `${p}: expected at most ${MAX_NOTICE} characters, got ${(v as string).length}`);

const ENVELOPES: Readonly<Record<string, Check>> = {
  runInfo: object({ info: runInfoCheck }),
  summary: object({ summary: runSummaryCheck }),
  sweepInfo: object({ info: sweepInfoCheck, summary: optional(sweepSummaryCheck) }),
  notice: object({ text: notice }),
};

/** A batch: its readable messages, and how many were not. */
function checkBatch(value: Record<string, unknown>): Validation<unknown> {
  const messages = value.messages;
  if (!Array.isArray(messages)) return { ok: false, error: `batch.messages: expected an array, got ${describeShallow(messages)}` };
  if (messages.length > MAX_BATCH) return { ok: false, error: `batch.messages: expected at most ${MAX_BATCH} messages, got ${messages.length}` };
  const { valid, skipped } = keepValid(messages, engineMessageCheck, (i) => `batch.messages[${i}]`);
  return { ok: true, value: { type: 'batch', messages: valid }, ...(skipped ? { skipped } : {}) };
}

/** A message posted to the panel: an engine message, or one of the panel's envelopes. */
export function checkPanelMessage(value: unknown): Validation<unknown> {
  const type = typeOf(value);
  if (type === 'batch') return checkBatch(value as Record<string, unknown>);
  if (type === 'reset') return { ok: true, value: { type: 'reset' } };
  const envelope = type === undefined ? undefined : ENVELOPES[type];
  if (envelope) return validate(value, envelope, type as string);
  return validate(value, engineMessageCheck, '');
}

// ——— what the panel posts back ———

/**
 * Messages a panel's webview sends to the extension, checked before anything acts on them: a webview
 * runs third-party code (Chart.js, the UI toolkit) and its messages are untrusted input.
 */
export type PanelReply =
  | { readonly type: 'ready' }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'exported'; readonly request: number; readonly charts: readonly ExportedChart[] };

export interface ExportedChart {
  /** A file-name-safe chart name, e.g. `moments-H`. */
  readonly name: string;
  /** data:image/png;base64,… */
  readonly png: string;
  readonly csv: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,80}$/;
const PNG_PREFIX = 'data:image/png;base64,';
const MAX_PNG = 20_000_000;
const MAX_CSV = 20_000_000;

export function validateReply(value: unknown): PanelReply | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'rejected':
      return typeof m.reason === 'string' ? { type: 'rejected', reason: m.reason.slice(0, 500) } : undefined;
    case 'exported': {
      if (typeof m.request !== 'number' || !Number.isInteger(m.request) || !Array.isArray(m.charts) || m.charts.length > 50) return undefined;
      const charts: ExportedChart[] = [];
      for (const c of m.charts as unknown[]) {
        if (typeof c !== 'object' || c === null) return undefined;
        const { name, png, csv } = c as Record<string, unknown>;
        if (typeof name !== 'string' || !NAME.test(name)) return undefined;
        if (typeof png !== 'string' || !png.startsWith(PNG_PREFIX) || png.length > MAX_PNG || !/^[A-Za-z0-9+/=]*$/.test(png.slice(PNG_PREFIX.length))) return undefined;
        if (typeof csv !== 'string' || csv.length > MAX_CSV) return undefined;
        charts.push({ name, png, csv });
      }
      return { type: 'exported', request: m.request, charts };
    }
    default:
      return undefined;
  }
}
