/**
 * Every message the panel receives and every record a report inlines passes through here before the
 * model uses it. The checks are structural (types, array shapes, matching lengths), per message type of
 * src/run/protocol.ts plus the panel's own envelope messages (panelProtocol.ts). Unknown fields are
 * allowed; unknown types, missing fields, wrong types and mismatched shapes are rejected with a reason.
 */
import { all, anything, arrayOf, bool, literal, nonNegInt, num, numOrNull, object, optional, record, str, tuple, type Check } from './checks';
import type { PanelMessage } from './panelProtocol';
import type { EngineMessage, RunInfo, RunSummary, SweepInfo, SweepSummary } from './types';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_K = 64;
const numbers = arrayOf(numOrNull);
const moments = object({ H: arrayOf(numOrNull, { min: 1, max: MAX_K }), I: arrayOf(numOrNull, { min: 1, max: MAX_K }), S: arrayOf(numOrNull, { min: 1, max: MAX_K }) });
const origin = { trial: nonNegInt, run: optional(str) };

const sameLength =
  (a: string, b: string): Check =>
  (v, p) => {
    const o = v as Record<string, unknown[]>;
    return o[a].length === o[b].length ? undefined : `${p}: ${a} has ${o[a].length} entries but ${b} has ${o[b].length}`;
  };

const density = object({
  H: all(object({ x: arrayOf(num), y: numbers, nodes: optional(arrayOf(arrayOf(num))), weights: optional(arrayOf(arrayOf(num))) }), sameLength('x', 'y')),
});

const measurement = object({
  ...origin,
  step: nonNegInt,
  t: all(num, (v, p) => ((v as number) >= 0 ? undefined : `${p}: expected t ≥ 0, got ${String(v)}`)),
  loss: numOrNull,
  moments,
  moments_stderr: moments,
  theory: optional(moments),
  expected: optional(moments),
  top: optional(object({ H: optional(numbers), I: optional(numbers), S: optional(numbers) })),
  bottom: optional(object({ H: optional(numbers), S: optional(numbers) })),
  density: optional(density),
  orthogonality: optional(
    object({
      IS: numOrNull,
      IS_stderr: numOrNull,
      rayleigh: object({ I: arrayOf(tuple(numOrNull, numOrNull)), S: arrayOf(tuple(numOrNull, numOrNull)) }),
    }),
  ),
  ntk: optional(object({ eigenvalues: numbers, limit_eigenvalues: optional(numbers) })),
  exact: bool,
  applications: optional(object({ H: num, I: num, S: num })),
  elapsed_ms: num,
  backend: optional(str),
});

const surfaceGrid: Check = (v, p) => {
  const s = v as { x: number[]; y: number[]; loss: unknown[][] };
  if (s.loss.length !== s.y.length) return `${p}.loss: expected ${s.y.length} rows (one per y), got ${s.loss.length}`;
  const bad = s.loss.findIndex((row) => row.length !== s.x.length);
  return bad < 0 ? undefined : `${p}.loss[${bad}]: expected ${s.x.length} values (one per x), got ${s.loss[bad].length}`;
};

const surface = all(
  object({
    ...origin,
    step: nonNegInt,
    directions: tuple(str, str),
    x: arrayOf(num, { min: 1 }),
    y: arrayOf(num, { min: 1 }),
    loss: arrayOf(arrayOf(numOrNull)),
    curvature: tuple(numOrNull, numOrNull),
  }),
  surfaceGrid,
);

const momentLines = object({ traceI: arrayOf(numbers), traceS: arrayOf(numbers), traceH: arrayOf(numbers), loss: numbers });

const theory = object({
  ...origin,
  lines: object({
    loss: str,
    mode: str,
    kmax: nonNegInt,
    steps: arrayOf(nonNegInt),
    times: arrayOf(num),
    pathwise: optional(momentLines),
    expected: optional(momentLines),
    warnings: arrayOf(str),
  }),
});

const ENGINE: Readonly<Record<EngineMessage['type'], Check>> = {
  measurement,
  surface,
  theory,
  started: object({ ...origin, backend: str, pid: num, parameters: nonNegInt, samples: nonNegInt, outputs: nonNegInt }),
  progress: object({ ...origin, step: nonNegInt, steps: nonNegInt, loss: numOrNull, measurements: nonNegInt, measurementsTotal: nonNegInt, elapsed_ms: num }),
  log: object({ ...origin, level: literal('info', 'warning', 'error'), message: str }),
  finished: object({ ...origin, steps: nonNegInt, loss: numOrNull, elapsed_ms: num }),
  failed: object({ ...origin, message: str, step: optional(nonNegInt), stderr: optional(str) }),
  cancelled: object({ ...origin, step: nonNegInt }),
  // The parameters themselves are not drawn; only the envelope is checked.
  params: object({ ...origin, which: literal('initial', 'final') }),
};

const status = literal('running', 'finished', 'failed', 'cancelled');

export const runInfoCheck = object({
  format: literal('ntkexp-run/1'),
  id: str,
  experiment: str,
  title: str,
  source: object({ file: str, sha256: str }),
  varied: optional(record(anything)),
  backend: str,
  versions: object({ ntkexp: str, tfjs: str, node: str }),
  started: str,
  ended: optional(str),
  status,
  trials: arrayOf(nonNegInt),
  trialsTotal: nonNegInt,
  steps: arrayOf(nonNegInt),
  kmax: nonNegInt,
  parameters: nonNegInt,
  samples: nonNegInt,
  error: optional(str),
});

export const runSummaryCheck = object({
  format: literal('ntkexp-summary/1'),
  run: str,
  status,
  trials: object({ finished: nonNegInt, failed: nonNegInt, cancelled: nonNegInt, total: nonNegInt }),
  steps: arrayOf(object({ step: nonNegInt, t: num, trials: nonNegInt })),
  timings: object({ elapsed_ms: num }),
});

export const sweepInfoCheck = object({
  format: literal('ntkexp-sweep/1'),
  id: str,
  experiment: str,
  status,
  runs: arrayOf(object({ id: str, experiment: str, varied: record(anything) })),
});

export const sweepSummaryCheck = object({
  format: literal('ntkexp-sweep-summary/1'),
  sweep: str,
  runs: arrayOf(object({ id: str, varied: record(anything), deviationH: numbers, status })),
});

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const t = (value as { type?: unknown }).type;
  return typeof t === 'string' ? t : undefined;
}

function result<T>(value: unknown, check: Check, path: string): Validation<T> {
  const error = check(value, path);
  return error ? { ok: false, error } : { ok: true, value: value as T };
}

/** One message of the engine's union (protocol.ts), checked field by field. */
export function validateEngineMessage(value: unknown): Validation<EngineMessage> {
  const type = typeOf(value);
  if (type === undefined) return { ok: false, error: `message: expected an object with a string "type", got ${describeShallow(value)}` };
  const check = (ENGINE as Record<string, Check | undefined>)[type];
  if (!check) return { ok: false, error: `message: unknown type "${type}" (expected one of ${Object.keys(ENGINE).join(', ')})` };
  return result<EngineMessage>(value, check, type);
}

export const validateRunInfo = (v: unknown): Validation<RunInfo> => result(v, runInfoCheck, 'run.json');
export const validateRunSummary = (v: unknown): Validation<RunSummary> => result(v, runSummaryCheck, 'summary.json');
export const validateSweepInfo = (v: unknown): Validation<SweepInfo> => result(v, sweepInfoCheck, 'sweep.json');
export const validateSweepSummary = (v: unknown): Validation<SweepSummary> => result(v, sweepSummaryCheck, 'sweep summary');

/** Largest batch the panel accepts in one post (the extension sends about ten posts a second). */
export const MAX_BATCH = 100_000;

/** A message posted to the panel: an engine message, or one of the panel's envelopes. */
export function validatePanelMessage(value: unknown): Validation<PanelMessage> {
  const type = typeOf(value);
  const o = value as Record<string, unknown>;
  switch (type) {
    case 'batch': {
      const messages = o.messages;
      if (!Array.isArray(messages)) return { ok: false, error: `batch.messages: expected an array, got ${describeShallow(messages)}` };
      if (messages.length > MAX_BATCH) return { ok: false, error: `batch.messages: expected at most ${MAX_BATCH} messages, got ${messages.length}` };
      for (let i = 0; i < messages.length; i++) {
        const r = validateEngineMessage(messages[i]);
        if (!r.ok) return { ok: false, error: `batch.messages[${i}]: ${r.error}` };
      }
      return { ok: true, value: value as PanelMessage };
    }
    case 'runInfo':
      return result(value, object({ info: runInfoCheck }), 'runInfo');
    case 'summary':
      return result(value, object({ summary: runSummaryCheck }), 'summary');
    case 'sweepInfo':
      return result(value, object({ info: sweepInfoCheck, summary: optional(sweepSummaryCheck) }), 'sweepInfo');
    case 'reset':
      return { ok: true, value: { type: 'reset' } };
    default:
      return validateEngineMessage(value);
  }
}

function describeShallow(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object without a type' : typeof v;
}
