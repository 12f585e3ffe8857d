import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextAt, definitionAt, definitions, outline, parse, referencesTo } from '../../src/format/index';

const text = [
  'activation swish(x) = x * sigmoid(x)',
  'loss half(y, t) = 0.5 * (y - t)^2',
  'experiment e {',
  '  data mnist {',
  '    samples = 16',
  '  }',
  '  network { activation = swish }',
  '  loss = half',
  '  sweep { activation = [tanh, swish] }',
  '}',
].join('\n');
const { file } = parse(text);
const at = (needle: string, nth = 0, shift = 1): number => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  return i + shift;
};

test('outline: definitions, experiments, their blocks and settings', () => {
  const symbols = outline(file);
  assert.deepEqual(
    symbols.map((s) => [s.kind, s.name]),
    [
      ['activation', 'swish'],
      ['loss', 'half'],
      ['experiment', 'e'],
    ],
  );
  const e = symbols[2];
  assert.deepEqual(
    e.children.map((c) => [c.kind, c.name, c.detail]),
    [
      ['block', 'data', 'mnist'],
      ['block', 'network', undefined],
      ['setting', 'loss', undefined],
      ['block', 'sweep', undefined],
    ],
  );
  assert.equal(e.children[0].children[0].name, 'samples');
  assert.equal(e.selectionRange.start.line, 2);
});

test('go to definition from a use in a block, a setting and a sweep list; references back', () => {
  const defs = definitions(file);
  assert.deepEqual(
    defs.map((d) => d.name),
    ['swish', 'half', 'e'],
  );
  assert.equal(definitionAt(file, at('= swish', 0, 3))?.name, 'swish');
  assert.equal(definitionAt(file, at('= half', 0, 3))?.name, 'half');
  assert.equal(definitionAt(file, at('swish]'))?.nameRange.start.line, 0);
  assert.equal(definitionAt(file, at('tanh')), undefined, 'a built-in has no definition in the file');
  assert.equal(referencesTo(file, 'activation', 'swish').length, 2);
  assert.equal(referencesTo(file, 'loss', 'half')[0].start.line, 7);
});

test('cursor context: experiment, block path (with the data source), setting', () => {
  assert.deepEqual(contextAt(file, at('samples', 0, 2)), { experiment: 'e', path: ['data', 'mnist'] });
  assert.deepEqual(contextAt(file, at('16')), { experiment: 'e', path: ['data', 'mnist'], key: 'samples' });
  assert.deepEqual(contextAt(file, at('= swish', 0, 4)), { experiment: 'e', path: ['network'], key: 'activation' });
  assert.deepEqual(contextAt(file, at('  loss', 0, 0)), { experiment: 'e', path: [] });
  assert.deepEqual(contextAt(file, 3), {});
});
