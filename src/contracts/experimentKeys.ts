/**
 * THE table of the `.ntkexp` format's keys (docs/FORMAT.md): block, key, type (allowed values or range),
 * default and one line of documentation. Validation, resolution (defaults), sweeps, completion, hover
 * and the docs read it (src/format/schema.ts adds the lookups); the engine's configuration types are
 * derived from it (`Settings`, used by src/engine/config.ts), so a key added here reaches the engine's
 * types and the compiler (src/run/compile.ts) must fill it. No other list of keys exists. Pure data:
 * it sits at the bottom, beside the other contracts, so the format and the engine share it without
 * depending on each other.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export type ValueType =
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number; readonly allowed?: readonly number[] }
  | { readonly kind: 'number'; readonly min?: number; readonly exclusiveMin?: boolean; readonly max?: number; readonly exclusiveMax?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'string' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A built-in activation or one defined in the file. */
  | { readonly kind: 'activation' }
  /** A built-in loss or one defined in the file. */
  | { readonly kind: 'loss' }
  /** A target expression in the variables of the data source. */
  | { readonly kind: 'expression' }
  /** A CSV column: a name or a string. */
  | { readonly kind: 'column' }
  /** `I3`, `S1`, `H2` (eigenvectors of I, S, H) or `random`. */
  | { readonly kind: 'direction' }
  | { readonly kind: 'list'; readonly element: ValueType; readonly length?: number; readonly minLength?: number; readonly unique?: boolean }
  | { readonly kind: 'either'; readonly options: readonly ValueType[] };

export type BlockName = 'experiment' | 'data' | 'network' | 'train' | 'measure' | 'surface' | 'sweep';

export type DataSource = 'mnist' | 'disk' | 'circle' | 'gaussian' | 'points' | 'csv';

export interface KeySpec {
  readonly block: Exclude<BlockName, 'sweep'>;
  /** Data keys: the sources that take the key (every source when absent). */
  readonly sources?: readonly DataSource[];
  readonly key: string;
  readonly type: ValueType;
  /** The default; `null` for "none" (`every`, `features`). Absent: see `required` or `defaultDoc`. */
  readonly default?: Json;
  /** The block cannot do without it (no default exists). */
  readonly required?: boolean;
  /** How to show a default that is not a constant ("the experiment's name"). */
  readonly defaultDoc?: string;
  readonly doc: string;
}

/** Largest seed: seeds are hashed by their decimal digits, and beyond 2^53 − 1 neighbouring integers are the same double. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;
const int = (min?: number, max?: number) => ({ kind: 'integer', min, max }) as const satisfies ValueType;
/** Largest `dim` of gaussian data: its target expression has one variable per dimension. */
export const MAX_DIM = 100_000;
const num = (min?: number, exclusiveMin = false) => ({ kind: 'number', min, exclusiveMin }) as const satisfies ValueType;
/** A number in [min, max) (a decay rate, a momentum). */
const fraction = (min: number, max: number) => ({ kind: 'number', min, exclusiveMin: false, max, exclusiveMax: true }) as const satisfies ValueType;
const bool = { kind: 'boolean' } as const satisfies ValueType;
const oneOf = <V extends string>(...values: V[]) => ({ kind: 'enum', values }) as const satisfies ValueType;

const KEY_TABLE = [
  // experiment level
  { block: 'experiment', key: 'title', type: { kind: 'string' }, defaultDoc: "the experiment's name", doc: 'Title shown on reports and figures.' },
  { block: 'experiment', key: 'seed', type: int(0, MAX_SEED), default: 0, doc: 'Seed of every random choice (data, initialization, probes): an integer from 0 to 2^53 − 1.' },
  { block: 'experiment', key: 'trials', type: int(1), default: 1, doc: 'Independent initializations on the same data; figures show mean ± standard error over trials.' },
  { block: 'experiment', key: 'loss', type: { kind: 'loss' }, default: 'mse', doc: 'The loss: `mse`, `bce`, `softmax_ce`, or a `loss` defined in the file.' },

  // data (per source)
  { block: 'data', sources: ['mnist'], key: 'samples', type: int(1, 10000), default: 256, doc: 'Number of training images.' },
  { block: 'data', sources: ['mnist'], key: 'size', type: { kind: 'integer', allowed: [7, 14, 28] }, default: 14, doc: 'Pixels a side: 7, 14 or 28.' },
  { block: 'data', sources: ['mnist'], key: 'digits', type: { kind: 'list', element: int(0, 9), minLength: 1, unique: true }, default: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], defaultDoc: 'all', doc: 'The digits kept, a list of 0..9.' },
  { block: 'data', sources: ['mnist'], key: 'target', type: oneOf('parity', 'onehot'), default: 'parity', doc: '`parity`: one output, +1 even / −1 odd; `onehot`: ten outputs.' },
  { block: 'data', sources: ['disk'], key: 'samples', type: int(1), default: 256, doc: 'Number of points.' },
  { block: 'data', sources: ['disk'], key: 'target', type: { kind: 'expression' }, default: 'x1 * x2', doc: 'Target as an expression in `x1`, `x2`.' },
  { block: 'data', sources: ['circle'], key: 'samples', type: int(1), default: 64, doc: 'Number of points.' },
  { block: 'data', sources: ['circle'], key: 'target', type: { kind: 'expression' }, default: 'sin(3 * gamma)', doc: 'Target as an expression in `gamma`.' },
  { block: 'data', sources: ['gaussian'], key: 'samples', type: int(1), default: 256, doc: 'Number of points.' },
  { block: 'data', sources: ['gaussian'], key: 'dim', type: int(1, MAX_DIM), required: true, doc: `Input dimension d, at most ${MAX_DIM} (the target names x1 … xd).` },
  { block: 'data', sources: ['gaussian'], key: 'target', type: { kind: 'expression' }, required: true, doc: 'Target as an expression in `x1` … `xd`.' },
  { block: 'data', sources: ['points'], key: 'inputs', type: { kind: 'list', element: { kind: 'list', element: num(), minLength: 1 }, minLength: 1 }, required: true, doc: 'A list of equal-length lists of numbers, one per point.' },
  {
    block: 'data',
    sources: ['points'],
    key: 'targets',
    type: { kind: 'either', options: [{ kind: 'list', element: num(), minLength: 1 }, { kind: 'list', element: { kind: 'list', element: num(), minLength: 1 }, minLength: 1 }] },
    required: true,
    doc: 'One number per point, or one list per point for several outputs.',
  },
  {
    block: 'data',
    sources: ['csv'],
    key: 'target',
    type: { kind: 'either', options: [{ kind: 'column' }, { kind: 'list', element: { kind: 'column' }, minLength: 1, unique: true }] },
    required: true,
    doc: 'The target column, or a list of them for several outputs.',
  },
  { block: 'data', sources: ['csv'], key: 'features', type: { kind: 'list', element: { kind: 'column' }, minLength: 1, unique: true }, default: null, defaultDoc: 'all the other columns', doc: 'The input columns.' },
  { block: 'data', key: 'normalize', type: bool, default: true, doc: 'Scale each input to squared norm n0, as the theory assumes.' },
  { block: 'data', key: 'noise', type: num(0), default: 0, doc: 'Standard deviation of Gaussian label noise.' },

  // network
  { block: 'network', key: 'depth', type: int(1), default: 3, doc: 'L, the number of weight layers.' },
  { block: 'network', key: 'width', type: { kind: 'either', options: [int(1), { kind: 'list', element: int(1), minLength: 1 }] }, default: 500, doc: 'Hidden width: an integer, or a list of L−1 integers.' },
  { block: 'network', key: 'activation', type: { kind: 'activation' }, default: 'smooth_relu', doc: 'The nonlinearity: a built-in or an `activation` defined in the file.' },
  { block: 'network', key: 'beta', type: num(0), default: 0.1, doc: 'Bias scale β ≥ 0.' },
  { block: 'network', key: 'parametrization', type: oneOf('ntk', 'mean_field'), default: 'ntk', doc: '`ntk` or `mean_field`.' },

  // train
  { block: 'train', key: 'learning_rate', type: num(0, true), default: 1.0, doc: 'η > 0; under `mean_field` it is multiplied by the width.' },
  { block: 'train', key: 'steps', type: int(0), default: 1000, doc: 'Optimizer steps (for `sgd`, one per mini-batch).' },
  { block: 'train', key: 'optimizer', type: oneOf('gd', 'sgd', 'momentum', 'adam'), default: 'gd', doc: '`gd` (full-batch gradient descent, what the theory predicts), `sgd` (mini-batches of `batch_size`, reshuffled each epoch), `momentum` (heavy ball, optionally Nesterov) or `adam`.' },
  { block: 'train', key: 'batch_size', type: int(1), default: 32, doc: 'Samples per `sgd` step (at most `samples`); measurements always use the full training set.' },
  { block: 'train', key: 'momentum', type: fraction(0, 1), default: 0.9, doc: 'μ in [0, 1) of `momentum`: v ← μv + ∇C, θ ← θ − ηv.' },
  { block: 'train', key: 'nesterov', type: bool, default: false, doc: 'Nesterov momentum: θ ← θ − η(∇C + μv).' },
  { block: 'train', key: 'beta1', type: fraction(0, 1), default: 0.9, doc: "`adam`'s decay of the gradient's running mean, in [0, 1)." },
  { block: 'train', key: 'beta2', type: fraction(0, 1), default: 0.999, doc: "`adam`'s decay of the squared gradient's running mean, in [0, 1)." },
  { block: 'train', key: 'epsilon', type: num(0, true), default: 1e-8, doc: "`adam`'s ε > 0 in η m̂/(√v̂ + ε)." },

  // measure
  { block: 'measure', key: 'points', type: int(2), default: 20, doc: 'Number of measurement times, including step 0 and the last step.' },
  { block: 'measure', key: 'spacing', type: oneOf('log', 'linear'), default: 'log', doc: '`log` or `linear` placement of the measurement times.' },
  { block: 'measure', key: 'every', type: int(1), default: null, defaultDoc: '—', doc: 'Measure every this many steps instead of `points`/`spacing`.' },
  { block: 'measure', key: 'moments', type: int(1), default: 4, doc: 'Highest power k of Tr(H^k), Tr(I^k), Tr(S^k).' },
  { block: 'measure', key: 'probes', type: int(1), default: 30, doc: 'Random probe vectors for stochastic estimates.' },
  { block: 'measure', key: 'top', type: int(0), default: 10, doc: 'Number of largest eigenvalues of H, I and S.' },
  { block: 'measure', key: 'bottom', type: int(0), default: 0, doc: 'Number of smallest (most negative) eigenvalues of H and S.' },
  { block: 'measure', key: 'density', type: int(0), default: 0, doc: 'Bins of the spectral density of H (stochastic Lanczos quadrature); 0 = off.' },
  { block: 'measure', key: 'orthogonality', type: bool, default: true, doc: '‖IS‖_F/(‖I‖_F‖S‖_F) and the Rayleigh quotients of the top eigenvectors of I and S.' },
  { block: 'measure', key: 'theory', type: bool, default: true, doc: 'The infinite-width predictions beside the measurements.' },
  { block: 'measure', key: 'layers', type: bool, default: false, doc: 'Per weight layer ℓ (its W and b): the diagonal blocks H_ℓℓ, I_ℓℓ, S_ℓℓ, their moments and top eigenvalues, and Tr(I_ℓℓ^k) against the infinite-width layer kernel Θ_ℓ. Costs about one whole measurement per layer.' },
  { block: 'measure', key: 'exact', type: { kind: 'either', options: [oneOf('auto'), bool] }, default: 'auto', doc: '`auto`, `true` or `false`: dense P×P matrices (exact spectra) when P is small.' },

  // surface
  { block: 'surface', key: 'directions', type: { kind: 'list', element: { kind: 'direction' }, length: 2 }, default: ['I1', 'I2'], doc: 'Two of `I1…Ik`, `S1…Sk`, `H1…Hk` (eigenvectors), or `random`.' },
  { block: 'surface', key: 'radius', type: num(0, true), default: 1.0, doc: 'Half-width of the square, in parameter-space distance.' },
  { block: 'surface', key: 'grid', type: int(2), default: 41, doc: 'Points per side.' },
] as const satisfies readonly KeySpec[];

/** Every key of every block, with its type, default and meaning: what the checker, the editor and docs/FORMAT.md read. */
export const KEYS: readonly KeySpec[] = KEY_TABLE;

/** The name of a key of `block`, as the schema spells it: compile.ts reads only keys that exist. */
export type KeyName<B extends KeySpec['block']> = Extract<(typeof KEY_TABLE)[number], { readonly block: B }>['key'];

/** The names an enumeration key accepts, from the schema (`spacing` → 'log' | 'linear'). */
export type EnumValue<B extends KeySpec["block"], K extends string> = Extract<(typeof KEY_TABLE)[number], { readonly block: B; readonly key: K }>['type'] extends infer T ? (T extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] } ? V : T extends { readonly kind: 'either'; readonly options: readonly (infer O)[] } ? (O extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] } ? V : never) : never) : never;


// ——— the engine's settings, derived from the table ———

type Entry = (typeof KEY_TABLE)[number];
type EntryOf<B extends KeySpec['block'], K extends string> = Extract<Entry, { readonly block: B; readonly key: K }>;

/** The TypeScript type of a plain value of a key's type (`learning_rate` → number, `spacing` → 'log' | 'linear'). */
type ValueOf<T> = T extends { readonly kind: 'integer'; readonly allowed: readonly (infer V)[] }
  ? V
  : T extends { readonly kind: 'integer' | 'number' }
    ? number
    : T extends { readonly kind: 'boolean' }
      ? boolean
      : T extends { readonly kind: 'string' }
        ? string
        : T extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] }
          ? V
          : T extends { readonly kind: 'list'; readonly element: infer E }
            ? readonly ValueOf<E>[]
            : T extends { readonly kind: 'either'; readonly options: readonly (infer O)[] }
              ? ValueOf<O>
              : never;

/** `learning_rate` → `learningRate`: the engine's field names are the keys in camelCase. */
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** Keys whose default is "none" (`every`, `features`): optional in the engine's settings. */
type NoneByDefault<B extends KeySpec['block'], K extends string> = K extends unknown ? (EntryOf<B, K> extends { readonly default: null } ? K : never) : never;

/**
 * The settings `keys` of `block` as the engine takes them: each key's value type under its camelCase
 * name; a key that defaults to none is optional. Keys whose values the compiler turns into objects
 * (an activation, a loss, a target expression, directions) are not among `keys`: the engine's config
 * states those types itself.
 */
export type Settings<B extends KeySpec['block'], K extends KeyName<B>> = Flat<
  { readonly [P in Exclude<K, NoneByDefault<B, K>> as Camel<P>]: ValueOf<EntryOf<B, P>['type']> } & {
    readonly [P in NoneByDefault<B, K> as Camel<P>]?: ValueOf<EntryOf<B, P>['type']>;
  }
>;

/** One object type instead of an intersection (editors and errors then show the fields). */
type Flat<T> = { [K in keyof T]: T[K] };

/** The settings of one data source (`samples` is a key of several sources, with a type each). */
export type SourceSettings<S extends DataSource, K extends string> = {
  readonly [P in K as Camel<P>]: ValueOf<Extract<Entry, { readonly block: 'data'; readonly key: P; readonly sources: readonly S[] } | { readonly block: 'data'; readonly key: P; readonly sources?: undefined }>['type']>;
};
