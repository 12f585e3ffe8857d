import { type Identifier, type Item, type NtkFile, type Range, type Value, containsOffset } from './ast';
import type { BlockPath } from './schemaQueries';

/**
 * Symbols of a parsed file for the editor: the outline, the definitions (custom activations and
 * losses, experiments) with their ranges, go-to-definition from a use, and the block path under the
 * cursor for completion and hover.
 */
export interface SymbolInfo {
  readonly kind: 'activation' | 'loss' | 'experiment' | 'block' | 'setting';
  readonly name: string;
  /** `data mnist`, `x * sigmoid(x)`, the value of a setting. */
  readonly detail?: string;
  /** The whole node. */
  readonly range: Range;
  /** The name. */
  readonly selectionRange: Range;
  readonly children: readonly SymbolInfo[];
}

export function outline(file: NtkFile): SymbolInfo[] {
  return file.items.map((item) => {
    if (item.kind === 'experiment') {
      return { kind: 'experiment', name: item.name.name, range: item.range, selectionRange: item.name.range, children: item.items.map(itemSymbol) };
    }
    return {
      kind: item.kind,
      name: item.name.name,
      detail: `(${item.params.map((p) => p.name).join(', ')})`,
      range: item.range,
      selectionRange: item.name.range,
      children: [],
    };
  });
}

function itemSymbol(item: Item): SymbolInfo {
  if (item.kind === 'setting') return { kind: 'setting', name: item.key.name, range: item.range, selectionRange: item.key.range, children: [] };
  const labels = item.labels.map((l) => (l.kind === 'string' ? l.raw : l.name)).join(' ');
  return {
    kind: 'block',
    name: item.name.name,
    ...(labels ? { detail: labels } : {}),
    range: item.range,
    selectionRange: item.name.range,
    children: item.items.map(itemSymbol),
  };
}

export interface DefinitionInfo {
  readonly kind: 'activation' | 'loss' | 'experiment';
  readonly name: string;
  readonly range: Range;
  readonly nameRange: Range;
}

/** Custom activations and losses, and experiments, in file order. */
export function definitions(file: NtkFile): DefinitionInfo[] {
  return file.items.map((item) => ({ kind: item.kind, name: item.name.name, range: item.range, nameRange: item.name.range }));
}

/** Uses of names that definitions resolve: `activation = …` and `loss = …` values, in blocks and sweeps. */
function* references(file: NtkFile): Generator<{ kind: 'activation' | 'loss'; id: Identifier }> {
  function* fromValue(kind: 'activation' | 'loss', v: Value): Generator<{ kind: 'activation' | 'loss'; id: Identifier }> {
    if (v.kind === 'identifier') yield { kind, id: v };
    else if (v.kind === 'list') for (const x of v.items) yield* fromValue(kind, x);
  }
  function* fromItems(items: readonly Item[]): Generator<{ kind: 'activation' | 'loss'; id: Identifier }> {
    for (const item of items) {
      if (item.kind === 'block') yield* fromItems(item.items);
      else if (item.key.name === 'activation' || item.key.name === 'loss') yield* fromValue(item.key.name, item.value);
    }
  }
  for (const item of file.items) if (item.kind === 'experiment') yield* fromItems(item.items);
}

/** The definition named by the use (or the definition name) at `offset`. */
export function definitionAt(file: NtkFile, offset: number): DefinitionInfo | undefined {
  const defs = definitions(file);
  const own = defs.find((d) => containsOffset(d.nameRange, offset));
  if (own) return own;
  for (const ref of references(file)) {
    if (containsOffset(ref.id.range, offset)) return defs.find((d) => d.kind === ref.kind && d.name === ref.id.name);
  }
  return undefined;
}

/** Every use of a custom activation or loss. */
export function referencesTo(file: NtkFile, kind: 'activation' | 'loss', name: string): Range[] {
  const out: Range[] = [];
  for (const ref of references(file)) if (ref.kind === kind && ref.id.name === name) out.push(ref.id.range);
  return out;
}

export interface CursorContext {
  /** The experiment around the cursor, if any. */
  readonly experiment?: string;
  /** The block path inside it (see schemaQueries.ts); undefined outside experiments. */
  readonly path?: BlockPath;
  /** The setting whose value holds the cursor. */
  readonly key?: string;
}

/** Where the cursor is: which experiment, which block, which setting's value. */
export function contextAt(file: NtkFile, offset: number): CursorContext {
  for (const item of file.items) {
    if (item.kind !== 'experiment' || !containsOffset(item.range, offset) || offset <= item.name.range.end.offset) continue;
    const path: string[] = [];
    let items = item.items;
    for (;;) {
      const inner = items.find((i) => containsOffset(i.range, offset));
      if (!inner) return { experiment: item.name.name, path };
      if (inner.kind === 'setting') {
        const inValue = offset > inner.key.range.end.offset;
        return inValue ? { experiment: item.name.name, path, key: inner.key.name } : { experiment: item.name.name, path };
      }
      const headerEnd = (inner.labels[inner.labels.length - 1] ?? inner.name).range.end.offset;
      if (offset <= headerEnd) return { experiment: item.name.name, path };
      path.push(inner.name.name);
      const label = inner.labels[0];
      if (inner.name.name === 'data' && label?.kind === 'identifier') path.push(label.name);
      items = inner.items;
    }
  }
  return {};
}
