import type { Block, Item, Setting } from '../ast';
import type { Acceptor } from '../diagnostics';
import { BLOCKS, KEYS, type Json, type KeySpec, describeType } from '../schema';
import { closest, didYouMean } from '../suggest';
import { type ValueContext, convertValue } from './values';

/** A setting that names a key of the table, with its value converted (undefined if it was wrong). */
export interface CheckedSetting {
  readonly setting: Setting;
  readonly spec: KeySpec;
  readonly value: Json | undefined;
}

export type SettingMap = ReadonlyMap<string, CheckedSetting>;

export interface BlockContext {
  /** How messages name the block: `network`, `data mnist`, `experiment fig1`. */
  readonly label: string;
  /** The keys of the table the block takes. */
  readonly keys: readonly KeySpec[];
  /** The value context for one key (its message prefix, definitions, target variables), given the settings checked so far. */
  readonly context: (spec: KeySpec, soFar: SettingMap) => ValueContext;
  /** Keys to convert first because others depend on them (`dim` before a gaussian `target`). */
  readonly first?: readonly string[];
}

/**
 * The settings of one block against its keys: unknown keys (with the closest key, or the block a
 * misplaced key belongs to), duplicates, values, and required keys that are missing. Nested blocks
 * are reported unless `nestedBlocks` takes them (the experiment level does).
 */
export function checkSettings(
  items: readonly Item[],
  block: BlockContext,
  accept: Acceptor,
  nestedBlocks?: (b: Block) => void,
): Map<string, CheckedSetting> {
  const out = new Map<string, CheckedSetting>();
  const settings: Setting[] = [];
  for (const item of items) {
    if (item.kind === 'block') {
      if (nestedBlocks) nestedBlocks(item);
      else {
        accept('error', 'unknown-key', `block \`${item.name.name}\` cannot go inside ${block.label}: blocks do not nest`, item.name.range);
      }
    } else settings.push(item);
  }
  const order = block.first ? [...settings].sort((a, b) => rank(block.first!, a.key.name) - rank(block.first!, b.key.name)) : settings;
  const seen = new Map<string, Setting>();
  for (const setting of order) {
    const key = setting.key.name;
    const spec = block.keys.find((k) => k.key === key);
    if (!spec) {
      unknownKey(setting, block, accept);
      continue;
    }
    const first = seen.get(key);
    if (first) {
      const [earlier, later] = first.range.start.offset < setting.range.start.offset ? [first, setting] : [setting, first];
      accept('error', 'duplicate', `\`${key}\` is set twice in ${block.label} (first at line ${earlier.key.range.start.line + 1}): remove one`, later.key.range);
      continue;
    }
    seen.set(key, setting);
    const value = convertValue(setting.value, spec.type, block.context(spec, out), accept);
    out.set(key, { setting, spec, value });
  }
  return out;
}

function rank(first: readonly string[], key: string): number {
  const i = first.indexOf(key);
  return i < 0 ? first.length : i;
}

function unknownKey(setting: Setting, block: BlockContext, accept: Acceptor): void {
  const key = setting.key.name;
  const names = block.keys.map((k) => k.key);
  const suggestion = closest(key, names);
  let hint = '';
  if (!suggestion) {
    const elsewhere = KEYS.find((k) => k.key === key);
    if (BLOCKS.some((b) => b.name === key)) hint = `; \`${key}\` is a block: write \`${key} { … }\``;
    else if (elsewhere?.block === 'data' && elsewhere.sources) hint = `; \`${key}\` is a key of data ${elsewhere.sources.join(', ')}`;
    else if (elsewhere) hint = `; \`${key}\` belongs ${elsewhere.block === 'experiment' ? 'at the experiment level' : `in \`${elsewhere.block} { … }\``}`;
  }
  const expected = names.length > 0 ? `expected one of ${names.map((n) => `\`${n}\``).join(', ')}` : 'it takes no settings';
  accept('error', 'unknown-key', `unknown key \`${key}\` in ${block.label}: ${expected}${didYouMean(suggestion)}${hint}`, setting.key.range, suggestion);
}

/** Report required keys of `block` that `settings` lacks, at `at` (the block's name). */
export function checkRequired(settings: SettingMap, block: BlockContext, at: Block, accept: Acceptor): void {
  for (const spec of block.keys) {
    if (spec.required && !settings.has(spec.key)) {
      accept('error', 'missing-key', `${block.label} needs \`${spec.key}\`: ${describeType(spec.type)} (${spec.doc.replace(/\.$/, '')})`, at.name.range);
    }
  }
}
