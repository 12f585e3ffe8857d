import { BUILTIN_LOSSES } from '../catalogue/losses';
import { BUILTIN_ACTIVATIONS } from '../catalogue/activations';
import { MAX_SEED } from '../engine/rng';

/**
 * THE table of NTKEXP.md's keys: block, key, type (allowed values or range), default and one line of
 * documentation. Validation, resolution (defaults), sweeps, completion and hover all read it; no other
 * list of keys exists. Built-in activations and losses come from the engine's own lists.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export type ValueType =
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number; readonly allowed?: readonly number[] }
  | { readonly kind: 'number'; readonly min?: number; readonly exclusiveMin?: boolean }
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

export interface BlockSpec {
  readonly name: Exclude<BlockName, 'experiment'>;
  readonly doc: string;
  /** `data` names its source; the others take nothing between their name and `{`. */
  readonly label: 'source' | 'none';
}

export interface SourceSpec {
  readonly name: DataSource;
  readonly doc: string;
  /** `csv` takes the file's path as a string after its name. */
  readonly path: boolean;
  /** The variables of its target expression. */
  readonly variables?: 'x1,x2' | 'gamma' | 'x1..xdim';
}

export const BLOCKS: readonly BlockSpec[] = [
  { name: 'data', label: 'source', doc: 'The training data: exactly one `data SOURCE { … }` per experiment.' },
  { name: 'network', label: 'none', doc: 'The architecture: depth, widths, nonlinearity, bias scale and parametrization.' },
  { name: 'train', label: 'none', doc: 'Full-batch gradient descent.' },
  { name: 'measure', label: 'none', doc: 'What to measure at the measurement times: moments, extreme eigenvalues, density, theory.' },
  { name: 'surface', label: 'none', doc: 'The loss on a plane through the final parameters.' },
  { name: 'sweep', label: 'none', doc: 'Settings with a list of values: the experiment runs once per combination.' },
];

export const SOURCES: readonly SourceSpec[] = [
  { name: 'mnist', path: false, doc: 'MNIST digits, downsampled to `size` pixels a side.' },
  { name: 'disk', path: false, variables: 'x1,x2', doc: 'Points uniform on the unit disk.' },
  { name: 'circle', path: false, variables: 'gamma', doc: 'Points (cos γ, sin γ), γ evenly spaced.' },
  { name: 'gaussian', path: false, variables: 'x1..xdim', doc: 'Standard Gaussian inputs in `dim` dimensions.' },
  { name: 'points', path: false, doc: 'Inputs and targets written in the file.' },
  { name: 'csv', path: true, doc: 'A CSV file with a header row; PATH is relative to the .ntkexp file and must stay inside its folder.' },
];

const int = (min?: number, max?: number): ValueType => ({ kind: 'integer', min, max });
/** Largest `dim` of gaussian data: its target expression has one variable per dimension. */
export const MAX_DIM = 100_000;
const num = (min?: number, exclusiveMin = false): ValueType => ({ kind: 'number', min, exclusiveMin });
const bool: ValueType = { kind: 'boolean' };
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
  { block: 'train', key: 'steps', type: int(0), default: 1000, doc: 'Full-batch gradient-descent steps.' },

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

export const BUILTIN_ACTIVATION_NAMES: readonly string[] = BUILTIN_ACTIVATIONS;
export const BUILTIN_LOSS_NAMES: readonly string[] = BUILTIN_LOSSES;
export const DIRECTION_PATTERN = /^([ISH])([1-9][0-9]*)$/;

// ---- lookups ----

export function blockSpec(name: string): BlockSpec | undefined {
  return BLOCKS.find((b) => b.name === name);
}

export function sourceSpec(name: string): SourceSpec | undefined {
  return SOURCES.find((s) => s.name === name);
}

const keysCache = new Map<string, readonly KeySpec[]>();

/** Keys of a block (for `data`, of one source; every key of every source when `source` is undefined). */
export function keysOf(block: Exclude<BlockName, 'sweep'>, source?: string): readonly KeySpec[] {
  const cacheKey = `${block} ${source ?? ''}`;
  let keys = keysCache.get(cacheKey);
  if (!keys) {
    keys = KEYS.filter((k) => k.block === block && (block !== 'data' || source === undefined || !k.sources || k.sources.includes(source as DataSource)));
    keysCache.set(cacheKey, keys);
  }
  return keys;
}

export function keySpec(block: Exclude<BlockName, 'sweep'>, key: string, source?: string): KeySpec | undefined {
  return keysOf(block, source).find((k) => k.key === key);
}

const SWEEPABLE = new Map<string, readonly KeySpec[]>();
for (const k of KEYS) SWEEPABLE.set(k.key, [...(SWEEPABLE.get(k.key) ?? []), k]);

/** Every key a sweep may vary, with the blocks that own it (`samples` belongs to several sources). */
export function sweepableKeys(): ReadonlyMap<string, readonly KeySpec[]> {
  return SWEEPABLE;
}

/** Variables of a source's target expression (`x1`, `x2`; `gamma`; `x1` … `xd`). */
export function targetVariables(source: string, dim?: number): string[] {
  switch (sourceSpec(source)?.variables) {
    case 'x1,x2':
      return ['x1', 'x2'];
    case 'gamma':
      return ['gamma'];
    case 'x1..xdim':
      return Array.from({ length: dim !== undefined && Number.isInteger(dim) && dim > 0 && dim <= MAX_DIM ? dim : 0 }, (_, i) => `x${i + 1}`);
    default:
      return [];
  }
}

/** A type in words, for messages and hover: "an integer in 1..10000", "one of `ntk`, `mean_field`". */
export function describeType(t: ValueType): string {
  switch (t.kind) {
    case 'integer':
      if (t.allowed) return orList(t.allowed.map(String));
      if (t.min !== undefined && t.max === Number.MAX_SAFE_INTEGER) return `an integer in ${t.min}..${t.max} (2^53 − 1)`;
      if (t.min !== undefined && t.max !== undefined) return `an integer in ${t.min}..${t.max}`;
      return t.min !== undefined ? `an integer ≥ ${t.min}` : 'an integer';
    case 'number':
      return t.min === undefined ? 'a number' : `a number ${t.exclusiveMin ? '>' : '≥'} ${t.min}`;
    case 'boolean':
      return '`true` or `false`';
    case 'string':
      return 'a string in double quotes';
    case 'enum':
      return t.values.length === 1 ? `\`${t.values[0]}\`` : `one of ${t.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'activation':
      return `a built-in activation (${BUILTIN_ACTIVATION_NAMES.join(', ')}) or one defined in the file`;
    case 'loss':
      return `a built-in loss (${BUILTIN_LOSS_NAMES.join(', ')}) or one defined in the file`;
    case 'expression':
      return 'an expression';
    case 'column':
      return 'a column name';
    case 'direction':
      return 'an eigenvector (`I1`…, `S1`…, `H1`…) or `random`';
    case 'list':
      if (t.length !== undefined) return `a list of ${t.length === 2 ? 'two' : t.length} ${plural(describeType(t.element))}`;
      return `a ${t.minLength ? 'non-empty ' : ''}list of ${plural(describeType(t.element))}`;
    case 'either':
      return t.options.map(describeType).join(', or ');
  }
}

/** "an integer in 0..9" → "integers in 0..9"; "a non-empty list of numbers" → "non-empty lists of numbers". */
function plural(phrase: string): string {
  return phrase.replace(/^an? /, '').replace(/\b(integer|number|list|string|name|eigenvector|expression)\b/, '$1s');
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The default of a key in words. */
export function describeDefault(k: KeySpec): string {
  if (k.defaultDoc) return k.defaultDoc;
  if (k.required) return 'none: required';
  return jsonText(k.default ?? null);
}

/** Values as they would be written in a file: `[250, 500]`, `smooth_relu`, `"a title"`. */
export function jsonText(v: Json): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return `[${(v as readonly Json[]).map(jsonText).join(', ')}]`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
