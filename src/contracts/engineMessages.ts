/**
 * The one message union of the engine process, the runner, the CLI, the extension and the webview, each
 * message declared once as a check with its TypeScript type inferred from it. Every message is plain
 * JSON; the records a run stores (`measurement`, `surface`, `theory`) are the objects posted live, so a
 * panel opened on an old run and one watching a live run draw from the same data. Moment arrays are
 * indexed k − 1 (entry 0 is Tr(A¹)); parts a measurement did not compute are absent, never made up.
 *
 * The types are what a reader may meet: JSON writes NaN (an undefined prediction, a diverged loss) as
 * null, so numbers that may be undefined are `number | null` and every reader says what it does with a
 * null. The engine writes plain numbers, which fit. The checks are structural (types, array shapes,
 * matching lengths); unknown fields are allowed (newer writers may add some), unknown types, missing
 * fields, wrong types and mismatched shapes are rejected with a reason. Field names are snake_case.
 *
 * Engine → parent: `EngineMessage`. Parent → engine: `EngineCommand`.
 */
import { all, anything, both, arrayOf, bool, fits, literal, nonNegInt, nonNegNum, num, numOrNull, object, optional, str, tuple, type Check, type Infer, type Written } from './checks';

/** Highest moment k of Tr(A^k) a record holds (higher powers overflow double precision anyway). */
export const MAX_MOMENTS = 64;
const numbers = arrayOf(numOrNull);
const momentList = arrayOf(numOrNull, { min: 1, max: MAX_MOMENTS });
export const momentsCheck = object({ H: momentList, I: momentList, S: momentList });
/** Tr(A^k) of H, I and S, entry k − 1. */
export type Moments = Infer<typeof momentsCheck>;
/** Which experiment of a run (or sweep) a message belongs to: the run id (the folder's name) and the trial. */
const origin = { trial: nonNegInt, run: optional(str) };

/**
 * Which product an engine runs (src/engine/backend's PathName: native, wasm_threads, wasm1, tensorflow,
 * cpu), on how many threads, and one line for people. Absent in runs made before it was recorded; `path`
 * is read as any string, since a newer engine may name a path this reader does not know.
 */
export const computeCheck = object({ path: str, threads: nonNegInt, summary: str });
export type ComputeInfo = Infer<typeof computeCheck>;

const sameLength =
  (a: string, b: string): Check =>
  (v, p) => {
    const o = v as Record<string, unknown[]>;
    return o[a].length === o[b].length ? undefined : `${p}: ${a} has ${o[a].length} entries but ${b} has ${o[b].length}`;
  };

/**
 * Spectral density of H on grid points x (eigenvalues per unit of λ, integrating to P), from stochastic
 * Lanczos quadrature (whose Ritz nodes and weights are kept, one list per start vector) or, on the exact
 * path, from the eigenvalues themselves.
 */
const density = object({
  H: all(object({ x: arrayOf(num), y: numbers, nodes: optional(arrayOf(arrayOf(num))), weights: optional(arrayOf(arrayOf(num))) }), sameLength('x', 'y')),
});

/**
 * One measurement of a trial at one step. `t` = η·step (η as used, i.e. times the width under mean
 * field). `moments_stderr` bounds the total error (the probes' sampling error and the arithmetic's
 * rounding; on the exact path the float64 rounding bound alone), `moments_rounding` is its rounding
 * part; `theory` the path-wise prediction for this trial (from its own Y(0), G(0)), `expected` the
 * prediction in expectation over initializations; `mean_field` (mean-field runs at initialization) the
 * width and √(∇CᵀΞ∇C/w), with `expected` then the limits on this record's scale. `orthogonality.IS` is
 * ‖IS‖_F/(‖I‖_F‖S‖_F), `rayleigh` (vᵀIv, vᵀSv) for the top eigenvectors of I and of S (Figure 2).
 * `exact`: computed from dense P×P matrices. `applications`: operator applications spent.
 * `layers` (with `measure.layers`): per weight layer ℓ, the diagonal blocks H_ℓℓ, I_ℓℓ, S_ℓℓ (moments with
 * index k − 1 holding Tr(A^k), standard errors, top eigenvalues; engine/measure/layers.ts) and, where
 * the theory applies, the infinite-width Tr(I_ℓℓ^k) from the layer kernel Θ_ℓ.
 * `sharpness`: λmax(H) (`method`: dense or lanczos), for Adam also λmax(P^{-1/2} H P^{-1/2}) with its
 * preconditioner P = diag(√v̂ + ε) (`preconditioned`), and for MSE under gradient descent the
 * infinite-width λmax(I) = λmax(Θ)/N (`limit_I`). `stability`: the optimizer's threshold on the sharpness
 * (src/contracts/optimizers.ts) and `on` which of the two it bounds; at step 0 of an MSE run under
 * gd or sgd, `catapult`: λmax of the linearized dynamics λmax(Θ̂)/N against 2/η (above it: the
 * catapult regime, Lewkowycz et al. 2020).
 */
/** An optimizer's stability threshold on the sharpness (src/contracts/optimizers.ts), as a record and summary.json carry it. */
export const stabilityThresholdFields = { optimizer: str, threshold: num, rule: str, on: str };

const measurement = object({
  type: literal('measurement'),
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
  layers: optional(
    arrayOf(
      object({
        layer: nonNegInt,
        parameters: nonNegInt,
        moments: momentsCheck,
        stderr: momentsCheck,
        top: object({ H: numbers, I: numbers, S: numbers }),
        theory: optional(object({ I: arrayOf(numOrNull) })),
      }),
    ),
  ),
  sharpness: optional(
    object({
      H: numOrNull,
      method: str,
      preconditioned: optional(numOrNull),
      preconditioned_method: optional(str),
      limit_I: optional(numOrNull),
    }),
  ),
  stability: optional(
    object({
      ...stabilityThresholdFields,
      catapult: optional(object({ linearized: numOrNull, threshold: num, regime: bool })),
    }),
  ),
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

/** The loss on a grid in the plane of two directions through the final parameters (Figure 3): loss[j][i] at (x[i], y[j]); `curvature` the second derivative along each direction at the centre. */
const surface = all(
  object({
    type: literal('surface'),
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

/** traceX[k − 1][s] = Tr(X^k) at the lines' steps[s]; the loss at each step. */
const momentLines = object({ traceI: arrayOf(numbers), traceS: arrayOf(numbers), traceH: arrayOf(numbers), loss: numbers });

/**
 * The theory's lines for a trial (src/engine/theory/theoryLines.ts computes them): path-wise from its
 * own start, in expectation (closed form, or Monte Carlo with the standard error of each Tr(S^k)
 * entry), and the mean-field predictions at initialization.
 */
export const theoryLinesCheck = object({
  loss: str,
  mode: literal('discrete', 'flow'),
  kmax: nonNegInt,
  steps: arrayOf(nonNegInt),
  times: arrayOf(num),
  pathwise: optional(momentLines),
  expected: optional(both(momentLines, object({ method: literal('closed form', 'monte carlo'), samples: optional(nonNegInt), traceSStandardError: optional(arrayOf(numbers)) }))),
  meanField: optional(object({ gradient: numbers, traceH: object({ mean: numOrNull, variance: numOrNull, std: numOrNull }), traceH2: numOrNull })),
  warnings: arrayOf(str),
});

const theory = object({ type: literal('theory'), ...origin, lines: theoryLinesCheck });

/** One check per message type of the engine's union. */
const ENGINE = {
  measurement,
  surface,
  theory,
  /** An engine took a trial: its backend and product, pid, and the network's P, N and nL. */
  started: object({ type: literal('started'), ...origin, backend: str, compute: optional(computeCheck), pid: num, parameters: nonNegInt, samples: nonNegInt, outputs: nonNegInt }),
  progress: object({ type: literal('progress'), ...origin, step: nonNegInt, steps: nonNegInt, loss: numOrNull, measurements: nonNegInt, measurements_total: nonNegInt, elapsed_ms: num }),
  log: object({ type: literal('log'), ...origin, level: literal('info', 'warning', 'error'), message: str }),
  /**
   * A trial that ended. `timings`: where its time went, ms (`prepare_ms` what this task paid for its
   * experiment before the trial: the data and the theory's kernels, about 0 once the engine had them); `max_rss_mb`
   * the engine's peak resident memory so far. The cost model is calibrated against both (run/calibrate.ts).
   */
  finished: object({
    type: literal('finished'),
    ...origin,
    steps: nonNegInt,
    loss: numOrNull,
    elapsed_ms: num,
    timings: optional(object({ prepare_ms: nonNegNum, training_ms: nonNegNum, measurements_ms: nonNegNum, theory_ms: nonNegNum, surface_ms: nonNegNum })),
    max_rss_mb: optional(nonNegNum),
  }),
  /** A trial that failed: `message` says what happened, where and what to do; `step` when known (divergence), `stderr` the engine's last lines for a crash. */
  failed: object({ type: literal('failed'), ...origin, message: str, step: optional(nonNegInt), stderr: optional(str) }),
  /** A trial that stopped on a cancel: `step` the last one it took, absent when the engine was stopped from outside before it could say. */
  cancelled: object({ type: literal('cancelled'), ...origin, step: optional(nonNegInt) }),
  /** A trial's parameters at the start or end (--save-params): the file's content (src/run/params.ts), which no reader draws, so only the envelope is checked. */
  params: object({ type: literal('params'), ...origin, which: literal('initial', 'final'), content: anything }),
} as const;

type EngineChecks = typeof ENGINE;
export type EngineMessageType = keyof EngineChecks;
/** The message of one type. */
export type EngineMessageOf<K extends EngineMessageType> = Infer<EngineChecks[K]>;
export type EngineMessage = { [K in EngineMessageType]: EngineMessageOf<K> }[EngineMessageType];
export type MeasurementRecord = EngineMessageOf<'measurement'>;
export type SurfaceRecord = EngineMessageOf<'surface'>;
export type TheoryLinesRecord = Infer<typeof theoryLinesCheck>;
export type StartedMessage = EngineMessageOf<'started'>;
export type LogMessage = EngineMessageOf<'log'>;

export const ENGINE_MESSAGE_TYPES = Object.keys(ENGINE) as readonly EngineMessageType[];
const isEngineMessageType = (t: string): t is EngineMessageType => Object.hasOwn(ENGINE, t);

/**
 * Which messages a run folder's series.jsonl keeps, and a report therefore draws: all but `progress`
 * (live only), `started` (its compute path is kept in run.json) and `params` (its own files).
 */
const NOT_STORED: ReadonlySet<EngineMessageType> = new Set(['progress', 'started', 'params']);
export const isStoredRecord = (m: { readonly type: EngineMessageType }): boolean => !NOT_STORED.has(m.type);

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
export const engineMessageCheck = ((value: unknown, path: string): string | undefined => {
  const where = path ? `${path}: ` : '';
  const type = typeOf(value);
  if (type === undefined) return `${where}message: expected an object with a string "type", got ${describeShallow(value)}`;
  if (!isEngineMessageType(type)) return `${where}message: unknown type "${type}" (expected one of ${ENGINE_MESSAGE_TYPES.join(', ')})`;
  const error = (ENGINE[type] as Check<unknown>)(value, type);
  return error && `${where}${error}`;
}) as Check<EngineMessage>;

/**
 * The envelope of a message that arrives over IPC from the project's own engine process: a known type
 * and a trial. Only the envelope, because that channel uses structured clone, which carries NaN where
 * JSON writes null (the full check would reject a diverged loss of NaN); everything stored or shown is
 * checked in full where it is read back (the run store's reader, the panel).
 */
export function isEngineEnvelope(value: unknown): value is EngineMessage {
  const type = typeOf(value);
  return type !== undefined && isEngineMessageType(type) && nonNegInt((value as { trial?: unknown }).trial, '') === undefined;
}

// ——— parent → engine ———

/**
 * What an engine process is asked to do: a trial of one resolved experiment (the format's
 * ResolvedExperiment as JSON: every default filled, formulas as text; the engine compiles it), or to
 * cancel, or to exit.
 */
const COMMANDS = {
  // measureOnce: measure at step 0 only, whatever the schedule says: the plan's calibration times a
  // long measurement once and the steps apart from it (run/calibrate.ts).
  trial: object({ type: literal('trial'), run: str, experiment: anything, trial: nonNegInt, saveParams: bool, measureOnce: optional(bool) }),
  cancel: object({ type: literal('cancel') }),
  exit: object({ type: literal('exit') }),
} as const;
export type TrialTask = Infer<(typeof COMMANDS)['trial']>;
export type EngineCommand = { [K in keyof typeof COMMANDS]: Infer<(typeof COMMANDS)[K]> }[keyof typeof COMMANDS];

export function isEngineCommand(value: unknown): value is EngineCommand {
  const type = typeOf(value);
  return type !== undefined && Object.hasOwn(COMMANDS, type) && fits(value, COMMANDS[type as keyof typeof COMMANDS]);
}

// ——— reading numbers back ———

/** A number read from JSON: null is the NaN (an undefined value, a diverged loss) its writer had. */
export const orNaN = (x: number | null): number => (x === null ? NaN : x);

/** A moments triple read from JSON, its nulls the NaN they were written from. */
export function momentsOrNaN(m: Moments): Written<Moments> {
  return { H: m.H.map(orNaN), I: m.I.map(orNaN), S: m.S.map(orNaN) };
}

/** A figure that can be drawn or averaged: a finite number (a null, a NaN or an absent entry is a gap). */
export const isFiniteNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
