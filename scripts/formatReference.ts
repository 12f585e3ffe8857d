/**
 * The generated parts of docs/FORMAT.md, from the tables the checker itself uses: every key of
 * the key table (src/contracts/experimentKeys.ts, read through src/format/schema.ts) with its type, default and meaning; the built-in activations and losses of the
 * catalogue; the expression language's functions; the diagnostic codes. `npm run docs:format` writes
 * them between the page's `<!-- generated:NAME -->` markers; test/format/formatDoc.test.ts fails when
 * the page and the tables disagree.
 *
 *   node --import tsx scripts/formatReference.ts [--check]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_ACTIVATIONS, builtinActivation } from '../src/catalogue/activations';
import { PUBLIC_FUNCTIONS, CONSTANTS } from '../src/catalogue/expressions/functions';
import { BUILTIN_LOSSES, builtinLoss } from '../src/catalogue/losses';
import { DIAGNOSTIC_CODES } from '../src/format/diagnostics';
import { BLOCKS, KEYS, SOURCES, describeDefault, describeType, type KeySpec } from '../src/format/schema';

export const FORMAT_DOC = path.join(__dirname, '..', 'docs', 'FORMAT.md');

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function keyTable(keys: readonly KeySpec[]): string {
  return ['| key | value | default | meaning |', '|---|---|---|---|', ...keys.map((k) => `| \`${k.key}\` | ${cell(describeType(k.type))} | ${cell(describeDefault(k))} | ${cell(k.doc)} |`)].join('\n');
}

function keysSection(): string {
  const out: string[] = [];
  out.push('### Experiment level', '', keyTable(KEYS.filter((k) => k.block === 'experiment')), '');
  const data = BLOCKS.find((b) => b.name === 'data')!;
  out.push('### `data SOURCE { … }`', '', data.doc, '');
  for (const source of SOURCES) {
    const own = KEYS.filter((k) => k.block === 'data' && k.sources?.includes(source.name));
    out.push(`#### \`${source.name}${source.path ? ' "PATH"' : ''}\``, '', source.doc, '', own.length ? keyTable(own) : 'No keys of its own.', '');
  }
  out.push('Every source also takes:', '', keyTable(KEYS.filter((k) => k.block === 'data' && !k.sources)), '');
  for (const block of BLOCKS.filter((b) => b.name !== 'data' && b.name !== 'sweep')) {
    out.push(`### \`${block.name} { … }\``, '', block.doc, '', keyTable(KEYS.filter((k) => k.block === block.name)), '');
  }
  const sweep = BLOCKS.find((b) => b.name === 'sweep')!;
  out.push('### `sweep { … }`', '', `${sweep.doc} Every key is a setting's name from any block above, with a list of values.`);
  return out.join('\n');
}

function activationsSection(): string {
  return [
    '| name | σ(x) | smooth (σ″ a function) | closed-form kernel |',
    '|---|---|---|---|',
    ...BUILTIN_ACTIVATIONS.map((name) => {
      const a = builtinActivation(name);
      return `| \`${name}\` | ${cell(a.formula)} | ${a.smooth ? 'yes' : 'no: the S-part of the theory is undefined'} | ${a.closedFormKernel ?? '— (Gauss–Hermite, degree ' + a.quadratureDegree + ')'} |`;
    }),
  ].join('\n');
}

function lossesSection(): string {
  return [
    '| name | C(Y) | outputs | closed-form dynamics |',
    '|---|---|---|---|',
    ...BUILTIN_LOSSES.map((name) => {
      const l = builtinLoss(name);
      return `| \`${name}\` | ${cell(l.formula)} | ${l.outputs === 'one' ? 'one' : l.outputs === 'several' ? 'two or more' : 'any'} | ${l.quadratic ? 'yes (H_C = Id/N)' : 'no: ODE, and Monte Carlo for the expectation'} |`;
    }),
  ].join('\n');
}

function functionsSection(): string {
  return [
    '| function | arguments | meaning | smooth |',
    '|---|---|---|---|',
    ...PUBLIC_FUNCTIONS.map((f) => `| \`${f.name}\` | ${f.arity} | ${cell(f.doc)} | ${f.smooth ? 'yes' : 'no (kinks: σ″ has Dirac masses)'} |`),
    '',
    `Constants: ${Object.keys(CONSTANTS).map((c) => `\`${c}\``).join(', ')}.`,
  ].join('\n');
}

function diagnosticsSection(): string {
  return ['| code | meaning |', '|---|---|', ...Object.entries(DIAGNOSTIC_CODES).map(([code, doc]) => `| \`${code}\` | ${cell(doc)} |`)].join('\n');
}

/** Every generated section by its marker name. */
export function formatReference(): Record<string, string> {
  return { keys: keysSection(), activations: activationsSection(), losses: lossesSection(), functions: functionsSection(), diagnostics: diagnosticsSection() };
}

/** The page's text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`, or undefined. */
export function generatedPart(page: string, name: string): string | undefined {
  const m = new RegExp(`<!-- generated:${name} -->\\n([\\s\\S]*?)<!-- /generated:${name} -->`).exec(page);
  return m?.[1].replace(/\n$/, '');
}

/** The page with every generated section replaced by the tables' current text. */
export function withReference(page: string): string {
  let out = page;
  for (const [name, text] of Object.entries(formatReference())) {
    if (generatedPart(out, name) === undefined) throw new Error(`docs/FORMAT.md has no <!-- generated:${name} --> … <!-- /generated:${name} --> section`);
    out = out.replace(new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`), (_m, open: string, close: string) => `${open}${text}\n${close}`);
  }
  return out;
}

if (require.main === module) {
  const page = fs.readFileSync(FORMAT_DOC, 'utf8');
  const next = withReference(page);
  if (process.argv.includes('--check')) {
    if (next !== page) {
      console.error('docs/FORMAT.md is out of date with the schema: run `npm run docs:format`');
      process.exit(1);
    }
  } else if (next !== page) {
    fs.writeFileSync(FORMAT_DOC, next);
    console.log('docs/FORMAT.md: reference tables regenerated');
  }
}
