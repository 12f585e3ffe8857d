import { type Item, type NtkFile, containsOffset, contextAt, keysForBlock } from '../../format/index';
import { targetVariables } from '../../format/schema';
import { enclosing } from './locate';

/**
 * What may be typed at the cursor, from the parse (block path, enclosing setting) and the text of
 * the line before the cursor (the parse of a half-typed line has no node for it): a top-level
 * keyword, a key or block name, a data source after `data `, a value of a key after `key =`, or an
 * expression (a definition's formula, a data target).
 */
export type CompletionSite =
  | { readonly kind: 'top' }
  | { readonly kind: 'key'; readonly path: readonly string[]; readonly present: ReadonlySet<string>; readonly equalsFollows: boolean }
  | { readonly kind: 'source' }
  | { readonly kind: 'value'; readonly path: readonly string[]; readonly key: string }
  | { readonly kind: 'expression'; readonly variables: readonly string[] }
  | { readonly kind: 'none' };

const DEFINITION_HEAD = /^\s*(?:activation|loss)\s+[A-Za-z_]\w*\s*\(([^)]*)\)\s*=/;
const KEY_START = /(?:^|[{;])\s*[A-Za-z_]?\w*$/;
const DATA_SOURCE = /(?:^|[{;])\s*data\s+[A-Za-z_]?\w*$/;
const VALUE = /(?:^|[{;])\s*([A-Za-z_]\w*)\s*=([^=]*)$/;

/** Whether the line prefix ends inside a comment or a string. */
function inCommentOrString(prefix: string): boolean {
  let inString = false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '#') return true;
  }
  return inString;
}

/** Keys and blocks the container already has, except the one being typed. */
function keysPresent(items: readonly Item[], offset: number): Set<string> {
  const out = new Set<string>();
  for (const item of items) {
    if (containsOffset(item.range, offset)) continue;
    out.add(item.kind === 'setting' ? item.key.name : item.name.name);
  }
  return out;
}

export function completionSite(file: NtkFile, offset: number, line: number, linePrefix: string, lineSuffix: string): CompletionSite {
  if (inCommentOrString(linePrefix)) return { kind: 'none' };
  const around = enclosing(file, offset);

  const head = DEFINITION_HEAD.exec(linePrefix);
  if (head || (around.top && around.top.kind !== 'experiment' && offset > around.top.name.range.end.offset && linePrefix.includes('='))) {
    const params = head ? head[1].split(',').map((p) => p.trim()).filter(Boolean) : around.top && around.top.kind !== 'experiment' ? around.top.params.map((p) => p.name) : [];
    return { kind: 'expression', variables: params };
  }

  const ctx = contextAt(file, offset);
  if (ctx.path === undefined) return KEY_START.test(linePrefix) && !/[{;]/.test(linePrefix) ? { kind: 'top' } : { kind: 'none' };
  const path = ctx.path;

  if (DATA_SOURCE.test(linePrefix) && path.length === 0) return { kind: 'source' };

  const value = VALUE.exec(linePrefix);
  let key = value?.[1];
  // A value continued on a later line (a list spread over lines): the setting around the cursor says whose.
  if (!key && around.setting && around.setting.key.range.start.line < line) key = around.setting.key.name;
  if (key) {
    const spec = keysForBlock(path).find((k) => k.key === key);
    if (spec?.type.kind === 'expression') {
      const source = path[0] === 'data' ? path[1] : undefined;
      const dim = source === 'gaussian' ? dimOf(around) : undefined;
      return { kind: 'expression', variables: source ? targetVariables(source, dim ?? 3) : [] };
    }
    return { kind: 'value', path, key };
  }

  if (KEY_START.test(linePrefix)) {
    const items = around.container?.items ?? [];
    return { kind: 'key', path, present: keysPresent(items, offset), equalsFollows: /^\s*\w*\s*=/.test(lineSuffix) };
  }
  return { kind: 'none' };
}

function dimOf(around: ReturnType<typeof enclosing>): number | undefined {
  const dim = around.container?.items.find((i) => i.kind === 'setting' && i.key.name === 'dim');
  return dim?.kind === 'setting' && dim.value.kind === 'number' && Number.isInteger(dim.value.value) && dim.value.value <= 20 ? dim.value.value : undefined;
}
