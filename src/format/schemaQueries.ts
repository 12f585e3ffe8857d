import { CONSTANTS, PUBLIC_FUNCTIONS } from '../catalogue/expressions/functions';
import {
  BLOCKS,
  BUILTIN_ACTIVATION_NAMES,
  BUILTIN_LOSS_NAMES,
  type BlockSpec,
  KEYS,
  type KeySpec,
  SOURCES,
  type ValueType,
  blockSpec,
  describeDefault,
  describeType,
  keysOf,
  sourceSpec,
} from './schema';

/**
 * Questions the editor asks of the schema table (completion, hover): which keys a block takes, which
 * values a key takes, and the documentation of a name.
 *
 * A block path locates a block inside an experiment: `[]` is the experiment level, `['network']`,
 * `['data', 'mnist']`, `['sweep']`.
 */
export type BlockPath = readonly string[];

/** The keys a block takes; for `['data']` without a source, the keys of every source; for `['sweep']`, every setting (each key once). */
export function keysForBlock(path: BlockPath): KeySpec[] {
  if (path.length === 0) return [...keysOf('experiment')];
  const [block, source] = path;
  if (block === 'sweep') {
    const seen = new Set<string>();
    return KEYS.filter((k) => !seen.has(k.key) && seen.add(k.key));
  }
  if (block === 'data') {
    const keys = keysOf('data', source);
    if (source !== undefined) return [...keys];
    const seen = new Set<string>();
    return keys.filter((k) => !seen.has(k.key) && seen.add(k.key));
  }
  const spec = blockSpec(block);
  return spec && spec.name !== 'sweep' ? [...keysOf(spec.name)] : [];
}

/** The blocks that may open at `path` (only at the experiment level). */
export function blocksForPath(path: BlockPath): BlockSpec[] {
  return path.length === 0 ? [...BLOCKS] : [];
}

/** Names of data sources, for completion after `data `. */
export function dataSources(): string[] {
  return SOURCES.map((s) => s.name);
}

/** Names a file may call in an expression, and its constants. */
export function expressionNames(): { functions: string[]; constants: string[] } {
  return { functions: PUBLIC_FUNCTIONS.map((f) => f.name), constants: Object.keys(CONSTANTS) };
}

export interface DefinedNames {
  readonly activations?: readonly string[];
  readonly losses?: readonly string[];
}

/** The values completion offers for `key` in the block at `path` (names only; numbers are the user's). */
export function valuesForKey(path: BlockPath, key: string, defined: DefinedNames = {}): string[] {
  const spec = keysForBlock(path).find((k) => k.key === key);
  return spec ? valuesOf(spec.type, defined) : [];
}

function valuesOf(type: ValueType, defined: DefinedNames): string[] {
  switch (type.kind) {
    case 'boolean':
      return ['true', 'false'];
    case 'enum':
      return [...type.values];
    case 'activation':
      return [...BUILTIN_ACTIVATION_NAMES, ...(defined.activations ?? [])];
    case 'loss':
      return [...BUILTIN_LOSS_NAMES, ...(defined.losses ?? [])];
    case 'direction':
      return ['I1', 'I2', 'S1', 'S2', 'H1', 'H2', 'random'];
    case 'integer':
      return type.allowed ? type.allowed.map(String) : [];
    case 'list':
      return valuesOf(type.element, defined);
    case 'either':
      return [...new Set(type.options.flatMap((o) => valuesOf(o, defined)))];
    default:
      return [];
  }
}

/** Markdown for hover: a key (in the block at `path` when given), a block, a data source, a function or a constant. */
export function docFor(name: string, path?: BlockPath): string | undefined {
  const specs = path ? keysForBlock(path).filter((k) => k.key === name) : KEYS.filter((k) => k.key === name);
  if (specs.length > 0) return specs.map(keyDoc).join('\n\n');
  const block = blockSpec(name);
  if (block) return `**${block.name}** block: ${block.doc}`;
  const source = sourceSpec(name);
  if (source) {
    const keys = keysOf('data', source.name).map((k) => `\`${k.key}\``).join(', ');
    return `**data ${source.name}${source.path ? ' "PATH"' : ''}**: ${source.doc}\n\nKeys: ${keys}.`;
  }
  const fn = PUBLIC_FUNCTIONS.find((f) => f.name === name);
  if (fn) return `**${fn.name}**(${fn.arity === 1 ? 'x' : 'a, b'}): ${fn.doc}.`;
  if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) return `**${name}** = ${CONSTANTS[name]}`;
  if (BUILTIN_ACTIVATION_NAMES.includes(name)) return `**${name}**: built-in activation.`;
  if (BUILTIN_LOSS_NAMES.includes(name)) return `**${name}**: built-in loss.`;
  return undefined;
}

function keyDoc(k: KeySpec): string {
  const where = k.block === 'experiment' ? 'experiment level' : k.block === 'data' && k.sources ? `data ${k.sources.join(', ')}` : k.block;
  return `**${k.key}** (${where}): ${k.doc}\n\nValue: ${describeType(k.type)}. Default: ${describeDefault(k)}.`;
}
