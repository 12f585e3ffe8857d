/**
 * The engine's messages (src/run/protocol.ts), checked field by field: the records series.jsonl stores,
 * the panel draws and a report inlines. The checks are structural (types, array shapes, matching
 * lengths). Unknown fields are allowed; unknown types, missing fields, wrong types and mismatched shapes
 * are rejected with a reason.
 */
import { all, arrayOf, bool, literal, nonNegInt, num, numOrNull, object, optional, str, tuple, type Check } from './checks';

/** Highest moment k of Tr(A^k) a record holds (higher powers overflow double precision anyway). */
export const MAX_MOMENTS = 64;
const numbers = arrayOf(numOrNull);
export const momentsCheck = object({ H: arrayOf(numOrNull, { min: 1, max: MAX_MOMENTS }), I: arrayOf(numOrNull, { min: 1, max: MAX_MOMENTS }), S: arrayOf(numOrNull, { min: 1, max: MAX_MOMENTS }) });
const origin = { trial: nonNegInt, run: optional(str) };
/** Which product an engine runs and on how many threads (absent in runs made before it was recorded). */
export const computeCheck = object({ path: str, threads: nonNegInt, summary: str });

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
  moments: momentsCheck,
  moments_stderr: momentsCheck,
  moments_rounding: optional(momentsCheck),
  theory: optional(momentsCheck),
  expected: optional(momentsCheck),
  mean_field: optional(object({ width: num, trace_s_std: num })),
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
  // The product that computed it (src/engine/backend: native, wasm_threads, wasm1, tensorflow, cpu).
  path: optional(str),
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

/** One check per message type of the engine's union. */
const ENGINE: Readonly<Record<string, Check>> = {
  measurement,
  surface,
  theory,
  started: object({ ...origin, backend: str, compute: optional(computeCheck), pid: num, parameters: nonNegInt, samples: nonNegInt, outputs: nonNegInt }),
  progress: object({ ...origin, step: nonNegInt, steps: nonNegInt, loss: numOrNull, measurements: nonNegInt, measurementsTotal: nonNegInt, elapsed_ms: num }),
  log: object({ ...origin, level: literal('info', 'warning', 'error'), message: str }),
  finished: object({ ...origin, steps: nonNegInt, loss: numOrNull, elapsed_ms: num }),
  failed: object({ ...origin, message: str, step: optional(nonNegInt), stderr: optional(str) }),
  cancelled: object({ ...origin, step: nonNegInt }),
  // The parameters themselves are not drawn; only the envelope is checked.
  params: object({ ...origin, which: literal('initial', 'final') }),
};

export const ENGINE_MESSAGE_TYPES: readonly string[] = Object.keys(ENGINE);

/** The `type` of an object that has a string one, else undefined. */
export function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const t = (value as { type?: unknown }).type;
  return typeof t === 'string' ? t : undefined;
}

export function describeShallow(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object without a type' : typeof v;
}

/**
 * One message of the engine's union, checked by its type. The reason names the field from the type on
 * (`measurement.moments.H[1]: …`), after `path: ` when the message has a place (`line 7`, `batch.messages[3]`).
 */
export const engineMessageCheck: Check = (value, path) => {
  const where = path ? `${path}: ` : '';
  const type = typeOf(value);
  if (type === undefined) return `${where}message: expected an object with a string "type", got ${describeShallow(value)}`;
  const check = ENGINE[type];
  if (!check) return `${where}message: unknown type "${type}" (expected one of ${ENGINE_MESSAGE_TYPES.join(', ')})`;
  const error = check(value, type);
  return error && `${where}${error}`;
};
