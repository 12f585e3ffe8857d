/**
 * The TextMate grammar's word lists, from the tables the checker uses (run by scripts/build.mjs):
 * syntaxes/ntkexp.tmLanguage.template.json holds the grammar with `{{NAME}}` where a list goes, and
 * this writes syntaxes/ntkexp.tmLanguage.json (git-ignored) with every block, data source, key,
 * expression function, built-in activation and loss, enumeration value and constant filled in, so a
 * key added to the schema is highlighted without touching the grammar.
 *
 *   node --import tsx scripts/grammar.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_ACTIVATIONS } from '../src/catalogue/activations';
import { CONSTANTS, PUBLIC_FUNCTIONS } from '../src/catalogue/expressions/functions';
import { BUILTIN_LOSSES } from '../src/catalogue/losses';
import { BLOCKS, KEYS, SOURCES, type ValueType } from '../src/format/schema';

const SYNTAXES = path.join(__dirname, '..', 'syntaxes');
export const TEMPLATE = path.join(SYNTAXES, 'ntkexp.tmLanguage.template.json');
export const GRAMMAR = path.join(SYNTAXES, 'ntkexp.tmLanguage.json');

/** Every name an enumeration (or a surface direction) accepts: `parity`, `ntk`, `auto`, `random` … */
function enumValues(t: ValueType): string[] {
  switch (t.kind) {
    case 'enum':
      return [...t.values];
    case 'direction':
      return ['random'];
    case 'list':
      return enumValues(t.element);
    case 'either':
      return t.options.flatMap(enumValues);
    default:
      return [];
  }
}

const escape = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (words: readonly string[]): string => [...new Set(words)].map(escape).join('|');

/** The lists by placeholder name. */
export function grammarLists(): Record<string, string> {
  return {
    blocks: alternatives(BLOCKS.map((b) => b.name)),
    sources: alternatives(SOURCES.map((s) => s.name)),
    keys: alternatives(KEYS.map((k) => k.key)),
    functions: alternatives(PUBLIC_FUNCTIONS.map((f) => f.name)),
    activations: alternatives(BUILTIN_ACTIVATIONS),
    losses: alternatives(BUILTIN_LOSSES),
    values: alternatives(KEYS.flatMap((k) => enumValues(k.type))),
    constants: alternatives(Object.keys(CONSTANTS)),
  };
}

/** The grammar's text: the template with every placeholder filled; throws on one the lists lack. */
export function grammarText(template = fs.readFileSync(TEMPLATE, 'utf8')): string {
  const lists = grammarLists();
  const used = new Set<string>();
  const text = template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    if (!(name in lists)) throw new Error(`${path.basename(TEMPLATE)}: no list named {{${name}}}`);
    used.add(name);
    return lists[name];
  });
  const unused = Object.keys(lists).filter((n) => !used.has(n));
  if (unused.length) throw new Error(`${path.basename(TEMPLATE)} does not use {{${unused.join('}}, {{')}}}`);
  JSON.parse(text); // a list must not break the JSON
  return text;
}

if (require.main === module) {
  const text = grammarText();
  if (!fs.existsSync(GRAMMAR) || fs.readFileSync(GRAMMAR, 'utf8') !== text) fs.writeFileSync(GRAMMAR, text);
}
