import { BUILTIN_LOSSES } from '../catalogue/losses';
import { BUILTIN_ACTIVATIONS } from '../catalogue/activations';
import { KEYS, MAX_DIM, type BlockName, type DataSource, type Json, type KeySpec, type ValueType } from '../contracts/experimentKeys';

/**
 * The format's view of its key table (src/contracts/experimentKeys.ts): the blocks and data sources,
 * and the lookups and words that validation, resolution, sweeps, completion, hover and docs/FORMAT.md
 * use. Built-in activations and losses come from the catalogue's own lists.
 */
export { KEYS, MAX_DIM, type BlockName, type DataSource, type EnumValue, type Json, type KeyName, type KeySpec, type ValueType } from '../contracts/experimentKeys';

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
  { name: 'train', label: 'none', doc: "How the network is trained: full-batch gradient descent (the theory's dynamics) by default, or mini-batch SGD, heavy-ball momentum or Adam. Measurements always use the whole training set; the theory's lines are drawn for `gd` only." },
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
      if (t.min !== undefined && t.max !== undefined) return `a number in ${t.exclusiveMin ? '(' : '['}${t.min}, ${t.max}${t.exclusiveMax ? ')' : ']'}`;
      if (t.max !== undefined) return `a number ${t.exclusiveMax ? '<' : '≤'} ${t.max}`;
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
