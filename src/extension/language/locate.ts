import {
  type Block,
  type Definition,
  type Experiment,
  type Expression,
  type Identifier,
  type Item,
  type NtkFile,
  type Range,
  type Setting,
  type Value,
  containsOffset,
} from '../../format/index';

/**
 * What the name under the cursor is, for hover: a setting's key, a block, a data source, a value of a
 * setting (an activation, a loss, an enumeration value), a function called in an expression, a variable
 * or constant, a definition's name or parameter, an experiment's name. And the nodes around the cursor
 * (enclosing block, setting), for completion. A tree walk over the parsed file; no text matching.
 */
export type NameAt =
  | { readonly role: 'key'; readonly name: string; readonly path: readonly string[]; readonly range: Range }
  | { readonly role: 'block'; readonly name: string; readonly range: Range }
  | { readonly role: 'source'; readonly name: string; readonly range: Range }
  | { readonly role: 'value'; readonly name: string; readonly key: string; readonly path: readonly string[]; readonly range: Range }
  | { readonly role: 'function'; readonly name: string; readonly range: Range }
  | { readonly role: 'variable'; readonly name: string; readonly range: Range; readonly definition?: Definition }
  | { readonly role: 'definition'; readonly name: string; readonly definition: Definition; readonly range: Range }
  | { readonly role: 'experiment'; readonly name: string; readonly experiment: Experiment; readonly range: Range };

const hit = (id: Identifier, offset: number): boolean => containsOffset(id.range, offset);

function inExpression(e: Expression, offset: number, definition?: Definition): NameAt | undefined {
  if (!containsOffset(e.range, offset)) return undefined;
  switch (e.kind) {
    case 'identifier':
      return { role: 'variable', name: e.name, range: e.range, definition };
    case 'call':
      if (hit(e.callee, offset)) return { role: 'function', name: e.callee.name, range: e.callee.range };
      for (const a of e.args) {
        const found = inExpression(a, offset, definition);
        if (found) return found;
      }
      return undefined;
    case 'binary':
      return inExpression(e.left, offset, definition) ?? inExpression(e.right, offset, definition);
    case 'unary':
      return inExpression(e.operand, offset, definition);
    case 'paren':
      return inExpression(e.inner, offset, definition);
    default:
      return undefined;
  }
}

/** A setting's value: a bare name is a value of the key (an activation, `ntk`, `I1`); inside arithmetic it is a variable. */
function inValue(v: Value, offset: number, key: string, path: readonly string[]): NameAt | undefined {
  if (!containsOffset(v.range, offset)) return undefined;
  if (v.kind === 'identifier') return { role: 'value', name: v.name, key, path, range: v.range };
  if (v.kind === 'list') {
    for (const item of v.items) {
      const found = inValue(item, offset, key, path);
      if (found) return found;
    }
    return undefined;
  }
  if (v.kind === 'string') return undefined;
  return inExpression(v, offset);
}

function inItems(items: readonly Item[], offset: number, path: readonly string[]): NameAt | undefined {
  for (const item of items) {
    if (!containsOffset(item.range, offset)) continue;
    if (item.kind === 'setting') {
      if (hit(item.key, offset)) return { role: 'key', name: item.key.name, path, range: item.key.range };
      const found = inValue(item.value, offset, item.key.name, path);
      if (found) return found;
      continue;
    }
    if (hit(item.name, offset)) return { role: 'block', name: item.name.name, range: item.name.range };
    for (const label of item.labels) {
      if (label.kind === 'identifier' && hit(label, offset) && item.name.name === 'data') return { role: 'source', name: label.name, range: label.range };
    }
    const found = inItems(item.items, offset, blockPath(path, item));
    if (found) return found;
  }
  return undefined;
}

/** The block path (schemaQueries.ts) inside `block`: `['network']`, `['data', 'mnist']`. */
export function blockPath(parent: readonly string[], block: Block): string[] {
  const label = block.labels[0];
  return block.name.name === 'data' && label?.kind === 'identifier' ? [...parent, 'data', label.name] : [...parent, block.name.name];
}

export function nameAt(file: NtkFile, offset: number): NameAt | undefined {
  for (const top of file.items) {
    if (!containsOffset(top.range, offset)) continue;
    if (top.kind === 'experiment') {
      if (hit(top.name, offset)) return { role: 'experiment', name: top.name.name, experiment: top, range: top.name.range };
      const found = inItems(top.items, offset, []);
      if (found) return found;
      continue;
    }
    if (hit(top.name, offset)) return { role: 'definition', name: top.name.name, definition: top, range: top.name.range };
    const param = top.params.find((p) => hit(p, offset));
    if (param) return { role: 'variable', name: param.name, range: param.range, definition: top };
    const found = inExpression(top.body, offset, top);
    if (found) return found;
  }
  return undefined;
}

export interface Enclosing {
  /** The top-level item around the cursor (a definition or an experiment). */
  readonly top?: Definition | Experiment;
  /** The innermost block around the cursor, or the experiment itself. */
  readonly container?: Block | Experiment;
  /** The setting whose range holds the cursor. */
  readonly setting?: Setting;
}

export function enclosing(file: NtkFile, offset: number): Enclosing {
  const top = file.items.find((i) => containsOffset(i.range, offset));
  if (!top || top.kind !== 'experiment') return { top };
  let container: Block | Experiment = top;
  for (;;) {
    const inner: Item | undefined = container.items.find((i) => containsOffset(i.range, offset));
    if (!inner) return { top, container };
    if (inner.kind === 'setting') return { top, container, setting: inner };
    container = inner;
  }
}

/** Custom activation and loss names defined in the file. */
export function definedNames(file: NtkFile): { activations: string[]; losses: string[] } {
  const activations: string[] = [];
  const losses: string[] = [];
  for (const item of file.items) {
    if (item.kind === 'activation' && item.name.name) activations.push(item.name.name);
    else if (item.kind === 'loss' && item.name.name) losses.push(item.name.name);
  }
  return { activations: [...new Set(activations)], losses: [...new Set(losses)] };
}

export function findDefinition(file: NtkFile, kind: 'activation' | 'loss', name: string): Definition | undefined {
  return file.items.find((i): i is Definition => i.kind === kind && i.name.name === name);
}
