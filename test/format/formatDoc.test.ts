/**
 * docs/FORMAT.md against the tables the checker uses: each generated section equals what the schema,
 * the catalogue and the diagnostic codes produce now (so a key added, renamed or given a new default
 * without `npm run docs:format` fails here), and every key, built-in and code appears on the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatReference, generatedPart, withReference } from '../../scripts/formatReference';
import { BUILTIN_ACTIVATIONS } from '../../src/catalogue/activations';
import { BUILTIN_LOSSES } from '../../src/catalogue/losses';
import { PUBLIC_FUNCTIONS } from '../../src/catalogue/expressions/functions';
import { DIAGNOSTIC_CODES } from '../../src/format/diagnostics';
import { KEYS, describeDefault } from '../../src/format/schema';
import { FORMAT_DOC } from './helpers';

const page = readFileSync(FORMAT_DOC, 'utf8');

test('every generated section of docs/FORMAT.md is what the tables give today', () => {
  for (const [name, text] of Object.entries(formatReference())) {
    assert.equal(generatedPart(page, name), text, `section ${name} is stale: run \`npm run docs:format\``);
  }
  assert.equal(withReference(page), page);
});

test('every key with its default, every built-in, function and diagnostic code is on the page', () => {
  const keys = generatedPart(page, 'keys')!;
  for (const k of KEYS) {
    const row = keys.split('\n').find((l) => l.startsWith(`| \`${k.key}\` |`) && l.includes(describeDefault(k).replace(/\|/g, '\\|')));
    assert.ok(row, `${k.block}${k.sources ? ` ${k.sources.join('/')}` : ''}.${k.key} (default ${describeDefault(k)}) is missing`);
  }
  for (const name of [...BUILTIN_ACTIVATIONS, ...BUILTIN_LOSSES, ...PUBLIC_FUNCTIONS.map((f) => f.name), ...Object.keys(DIAGNOSTIC_CODES)]) {
    assert.ok(page.includes(`| \`${name}\` |`), `${name} is not in a table of docs/FORMAT.md`);
  }
});

test('a page whose table was edited by hand, or lost a section, is caught', () => {
  const edited = page.replace('| `depth` |', '| `depht` |');
  assert.notEqual(withReference(edited), edited);
  assert.throws(() => withReference(page.replace('<!-- generated:losses -->', '')), /no <!-- generated:losses -->/);
});
