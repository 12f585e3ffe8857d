import type { Block, Setting, Value } from '../ast';
import type { Acceptor } from '../diagnostics';
import { type DataSource, type Json, type KeySpec, describeType, sweepableKeys } from '../schema';
import { closest, didYouMean } from '../suggest';
import type { ValueContext } from './values';
import { convertValue } from './values';

/** One swept setting: `width = [250, 500, 1000]`. */
export interface SweepEntry {
  readonly setting: Setting;
  readonly key: string;
  readonly spec: KeySpec;
  /** The values converted by the key's type; undefined where one was wrong. */
  readonly values: readonly (Json | undefined)[];
  readonly nodes: readonly Value[];
}

export interface SweepScope {
  /** The experiment's data source (undefined when it is missing or wrong). */
  readonly source?: DataSource;
  readonly hasSurface: boolean;
  readonly dataVariables: { readonly variables?: readonly string[]; readonly describe?: string };
}

type ContextFor = (label: string, variables?: readonly string[], describe?: string) => (spec: KeySpec) => ValueContext;

/**
 * `sweep { key = [v1, v2, …] }`: each key must name a setting this experiment has (a data key of its
 * source, a surface key only with a surface), each value list must be non-empty, and each value must
 * suit the key as if it were written in its block.
 */
export function checkSweep(node: Block, scope: SweepScope, contextFor: ContextFor, accept: Acceptor): SweepEntry[] {
  const all = sweepableKeys();
  const applicable = (spec: KeySpec): boolean =>
    (spec.block !== 'data' || (scope.source !== undefined && (!spec.sources || spec.sources.includes(scope.source)))) &&
    (spec.block !== 'surface' || scope.hasSurface);
  // For messages only: computed when a key is wrong.
  const names = (): string[] => [...all.entries()].filter(([, specs]) => specs.some(applicable)).map(([k]) => k);
  const out: SweepEntry[] = [];
  const seen = new Map<string, Setting>();
  for (const item of node.items) {
    if (item.kind === 'block') {
      accept('error', 'sweep-key', `sweep takes settings with lists of values (\`width = [250, 500]\`), not a block \`${item.name.name} { … }\``, item.name.range);
      continue;
    }
    const key = item.key.name;
    const specs = all.get(key);
    if (!specs) {
      const suggestion = closest(key, names());
      accept('error', 'sweep-key', `sweep key \`${key}\` names no setting: expected a setting such as ${names().slice(0, 12).map((n) => `\`${n}\``).join(', ')}, …${didYouMean(suggestion)}`, item.key.range, suggestion);
      continue;
    }
    const spec = specs.find(applicable);
    if (!spec) {
      if (specs.every((s) => s.block === 'data') && scope.source === undefined) continue; // the data block's own error says why
      const owner = specs[0];
      const message =
        owner.block === 'surface'
          ? `sweep key \`${key}\` belongs to \`surface\`, which this experiment does not have: add a \`surface { … }\` block`
          : `sweep key \`${key}\` is not a setting of data ${scope.source}: it belongs to data ${specs.flatMap((s) => s.sources ?? []).join(', ')}`;
      accept('error', 'sweep-key', message, item.key.range);
      continue;
    }
    const first = seen.get(key);
    if (first) {
      accept('error', 'duplicate', `sweep key \`${key}\` appears twice (first at line ${first.key.range.start.line + 1}): merge the lists`, item.key.range);
      continue;
    }
    seen.set(key, item);
    const value = item.value;
    if (value.kind !== 'list') {
      accept('error', 'type', `sweep \`${key}\` expects a list of values (each ${describeType(spec.type)}), got a single value: write \`[…]\``, value.range);
      continue;
    }
    if (value.items.length === 0) {
      accept('error', 'range', `sweep \`${key}\` needs at least one value`, value.range);
      continue;
    }
    const label = spec.block === 'experiment' ? 'sweep' : `sweep (${spec.block === 'data' ? `data ${scope.source}` : spec.block})`;
    const ctx =
      spec.key === 'target' && spec.block === 'data'
        ? contextFor(label, scope.dataVariables.variables, scope.dataVariables.describe)(spec)
        : contextFor(label)(spec);
    const values = value.items.map((v) => convertValue(v, spec.type, ctx, accept));
    const firstIndex = new Map<string, number>();
    values.forEach((v, i) => {
      if (v === undefined) return;
      const text = JSON.stringify(v);
      const j = firstIndex.get(text);
      if (j === undefined) firstIndex.set(text, i);
      else accept('error', 'duplicate', `sweep \`${key}\` lists the same value twice (items ${j + 1} and ${i + 1})`, value.items[i].range);
    });
    out.push({ setting: item, key, spec, values, nodes: value.items });
  }
  return out;
}
